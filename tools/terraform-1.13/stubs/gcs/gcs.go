// Package gcs stands in for Terraform's "gcs" backend (see ../notbuilt).
package gcs

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/notbuilt"
)

func New() backend.Backend { return notbuilt.New("gcs") }
