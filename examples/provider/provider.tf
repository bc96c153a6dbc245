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

# The sandbox has its own credentials (an API client created in the sandbox dashboard). The
# SEQUENCE_* environment variables are read by every provider block that leaves a setting unset;
# there are no per-alias variables, so an alias with other credentials sets them itself, here
# from variables (TF_VAR_sequence_sandbox_client_id, TF_VAR_sequence_sandbox_client_secret).
# A requests-per-minute limit keeps large applies under Sequence's rate limit instead of bouncing
# off 429 responses.
provider "sequence" {
  alias               = "sandbox"
  endpoint            = "https://sandbox.sequencehq.com/api"
  client_id           = var.sequence_sandbox_client_id
  client_secret       = var.sequence_sandbox_client_secret
  requests_per_minute = 100
  max_retries         = 8
}

variable "sequence_sandbox_client_id" {
  type        = string
  description = "Client ID of an API client created in the Sequence sandbox."
}

variable "sequence_sandbox_client_secret" {
  type        = string
  description = "Client secret of that sandbox API client."
  sensitive   = true
}
