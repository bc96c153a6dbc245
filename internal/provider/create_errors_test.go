package provider

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

func TestCreateErrorDetailSaysHowToImportAnUnresolvedCreate(t *testing.T) {
	unresolved := fmt.Errorf("creating notification policy %q: %w", "n", &sequence.UnresolvedCreateError{
		Name: "n", Cause: errors.New("503"), Candidates: []sequence.CreateCandidate{
			{ID: "p1", CreatedAt: "2026-01-01T12:00:00.000Z"}, {ID: "p2", CreatedAt: "2026-01-01T12:00:01.000Z", CreatedAfterSend: true},
		},
	})
	detail := createErrorDetail(unresolved)
	for _, want := range []string{"p1 (created 2026-01-01T12:00:00.000Z, possibly before", "p2 (created 2026-01-01T12:00:01.000Z, after",
		"terraform import <resource address> <id>", `id = "<id>"`, "name="} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, detail)
		}
	}
	if strings.Contains(strings.ToLower(detail), "delete") {
		t.Errorf("detail recommends deleting policies that may not be ours:\n%s", detail)
	}
	if other := errors.New("creating notification policy \"n\": 400 Bad Request"); createErrorDetail(other) != other.Error() {
		t.Errorf("other errors are changed: %q", createErrorDetail(other))
	}
}
