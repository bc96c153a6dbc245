module github.com/hashicorp/terraform/internal/backend/remote-state/notbuilt

go 1.24
