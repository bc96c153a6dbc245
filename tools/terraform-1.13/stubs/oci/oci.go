// Package oci stands in for Terraform's "oci" backend (see ../notbuilt).
package oci

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/notbuilt"
)

func New() backend.Backend { return notbuilt.New("oci") }
