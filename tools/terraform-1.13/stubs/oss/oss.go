// Package oss stands in for Terraform's "oss" backend (see ../notbuilt).
package oss

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/notbuilt"
)

func New() backend.Backend { return notbuilt.New("oss") }
