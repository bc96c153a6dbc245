terraform {
  required_providers {
    sequence = {
      source = "sequencehq/sequence"
    }
  }
}

# Credentials come from the environment, so they stay out of configuration files:
#   export SEQUENCE_CLIENT_ID=...
#   export SEQUENCE_CLIENT_SECRET=...
provider "sequence" {}

# The sandbox has its own credentials. A requests-per-minute limit keeps large applies under
# Sequence's rate limit instead of bouncing off 429 responses.
provider "sequence" {
  alias               = "sandbox"
  endpoint            = "https://sandbox.sequencehq.com/api"
  requests_per_minute = 100
  max_retries         = 8
}
