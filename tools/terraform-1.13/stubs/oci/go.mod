module github.com/hashicorp/terraform/internal/backend/remote-state/oci

go 1.24

require github.com/hashicorp/terraform/internal/backend/remote-state/notbuilt v0.0.0-00010101000000-000000000000
