// Package kubernetes stands in for Terraform's "kubernetes" backend (see ../notbuilt).
package kubernetes

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/notbuilt"
)

func New() backend.Backend { return notbuilt.New("kubernetes") }
