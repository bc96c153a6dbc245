// Package notbuilt is the backend that stands in for each remote-state backend whose module
// Terraform's module zip leaves out (see ../../go.mod): the CLI builds, and a configuration that
// selects one of those backends gets an error naming it instead of a crash.
package notbuilt

import (
	"fmt"

	"github.com/zclconf/go-cty/cty"

	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/configs/configschema"
	"github.com/hashicorp/terraform/internal/states/statemgr"
	"github.com/hashicorp/terraform/internal/tfdiags"
)

// New returns a backend named name that refuses every configuration.
func New(name string) backend.Backend { return stub{name: name} }

type stub struct{ name string }

func (s stub) err() error {
	return fmt.Errorf("the %q backend is not built into this Terraform binary (a test build of terraform-provider-sequence's tools/terraform-1.13); use the local backend", s.name)
}

func (s stub) diags() tfdiags.Diagnostics {
	var diags tfdiags.Diagnostics
	return diags.Append(tfdiags.Sourceless(tfdiags.Error, "Backend not available", s.err().Error()))
}

// ConfigSchema is empty: a block with arguments fails to decode ("Unsupported argument") before
// PrepareConfig can say why.
func (stub) ConfigSchema() *configschema.Block { return &configschema.Block{} }

func (s stub) PrepareConfig(v cty.Value) (cty.Value, tfdiags.Diagnostics) { return v, s.diags() }

func (s stub) Configure(cty.Value) tfdiags.Diagnostics { return s.diags() }

func (s stub) StateMgr(string) (statemgr.Full, error) { return nil, s.err() }

func (s stub) DeleteWorkspace(string, bool) error { return s.err() }

func (s stub) Workspaces() ([]string, error) { return nil, s.err() }
