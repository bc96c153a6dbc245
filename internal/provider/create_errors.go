package provider

import (
	"errors"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

// createErrorDetail is the detail of a failed create. When the create may have succeeded and
// several policies match it, it says how to take one over: by id, since the name matches more
// than one, and not by deleting policies that may belong to someone else.
func createErrorDetail(err error) string {
	var unresolved *sequence.UnresolvedCreateError
	if !errors.As(err, &unresolved) {
		return err.Error()
	}
	return err.Error() + ".\n\nCheck the policies listed in Sequence. If one of them is the policy this resource " +
		"should manage, import it by its id: `terraform import <resource address> <id>`, or an import block " +
		"with `id = \"<id>\"` (importing by `name=` cannot pick one while several share the name). If none is, " +
		"run apply again to create it."
}
