// Package cos stands in for Terraform's "cos" backend (see ../notbuilt).
package cos

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/notbuilt"
)

func New() backend.Backend { return notbuilt.New("cos") }
