// Package azure stands in for Terraform's "azurerm" backend (see ../notbuilt).
package azure

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/notbuilt"
)

func New() backend.Backend { return notbuilt.New("azurerm") }
