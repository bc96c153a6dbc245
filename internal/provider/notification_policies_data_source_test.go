package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// Each filter over 260 policies: every listing must follow the cursors through all three pages of
// 100, whether the filter is applied by the API (notification_type) or locally (channel, name_regex).
func TestAccNotificationPoliciesDataSource_filtersAcrossPages(t *testing.T) {
	srv := sequencetest.NewServer(t)
	policies := seedNotificationPolicies(srv, 260)

	const address = "data.sequence_notification_policies.selected"
	isEmail := func(p sequencetest.Policy) bool { return p.Channel == sequence.ChannelEmail }
	isWebhook := func(p sequencetest.Policy) bool { return p.Channel == sequence.ChannelWebhook }
	// The emulator's notificationType filter, like Sequence's, includes policies of all types.
	receivesInvoiceIssued := func(p sequencetest.Policy) bool {
		return p.NotificationTypes == nil || slices.Contains(p.NotificationTypes, "INVOICE_ISSUED")
	}
	teamB := func(p sequencetest.Policy) bool { return strings.HasPrefix(p.Name, "team-b-") }

	tests := []struct {
		name             string
		arguments        string
		notificationType string // expected in every page request
		keep             func(sequencetest.Policy) bool
	}{
		{"no filter", ``, "", func(sequencetest.Policy) bool { return true }},
		{"channel", `channel = "EMAIL"`, "", isEmail},
		{"notification_type", `notification_type = "INVOICE_ISSUED"`, "INVOICE_ISSUED", receivesInvoiceIssued},
		{"name_regex", `name_regex = "^team-b-"`, "", teamB},
		{"all filters", `
  channel           = "WEBHOOK"
  notification_type = "INVOICE_ISSUED"
  name_regex        = "^team-b-"`, "INVOICE_ISSUED", func(p sequencetest.Policy) bool {
			return isWebhook(p) && receivesInvoiceIssued(p) && teamB(p)
		}},
		{"nothing matches", `name_regex = "^nobody$"`, "", func(sequencetest.Policy) bool { return false }},
	}

	steps := make([]resource.TestStep, len(tests))
	for i, tt := range tests {
		want := policiesInListOrder(policies, tt.keep)
		if tt.name != "nothing matches" && len(want) < 2 {
			t.Fatalf("%s: the seed leaves %d policies; the case needs several to show ordering", tt.name, len(want))
		}
		wantIDs := make([]knownvalue.Check, len(want))
		wantPolicies := make([]knownvalue.Check, len(want))
		for j, p := range want {
			wantIDs[j] = knownvalue.StringExact(p.ID)
			wantPolicies[j] = policySummaryCheck(p)
		}
		steps[i] = resource.TestStep{
			PreConfig: srv.ResetRequests,
			Config: testAccProviderConfig(srv) + fmt.Sprintf(`
data "sequence_notification_policies" "selected" {
  %s
}
`, tt.arguments),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New("ids"), knownvalue.ListExact(wantIDs)),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("policies"), knownvalue.ListExact(wantPolicies)),
				expectListPages(srv, tt.notificationType, 3),
			},
		}
	}

	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}

// seedNotificationPolicies stores n policies whose creation order differs from name order, with
// both channels, typed and all-types policies, two name prefixes and a name shared by three.
func seedNotificationPolicies(srv *sequencetest.Server, n int) []sequencetest.Policy {
	policies := make([]sequencetest.Policy, n)
	for i := range n {
		team := "b"
		if i%3 == 0 {
			team = "a"
		}
		p := sequencetest.Policy{Name: fmt.Sprintf("team-%s-%03d", team, (i*7)%n)}
		if i >= n-3 {
			p.Name = "team-b-shared"
		}
		if i%2 == 0 {
			p.Channel = sequence.ChannelEmail
			p.Recipients = []string{fmt.Sprintf("owner%03d@example.com", i), "Billing@Example.com"}
		} else {
			p.Channel = sequence.ChannelWebhook
			p.Recipients = []string{fmt.Sprintf("https://hooks.example.com/%03d", i)}
		}
		switch i % 5 {
		case 0:
			p.NotificationTypes = []string{"CUSTOMER_CREATED"}
		case 1:
			p.NotificationTypes = []string{"INVOICE_ISSUED", "CUSTOMER_CREATED"}
		}
		policies[i] = srv.InsertPolicy(p)
	}
	return policies
}

// policiesInListOrder is what the list data source should return: the kept policies by name, then id.
func policiesInListOrder(policies []sequencetest.Policy, keep func(sequencetest.Policy) bool) []sequencetest.Policy {
	var out []sequencetest.Policy
	for _, p := range policies {
		if keep(p) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b sequencetest.Policy) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// policySummaryCheck is one element of policies. ObjectExact also proves there is no secret in it.
func policySummaryCheck(p sequencetest.Policy) knownvalue.Check {
	var notificationTypes knownvalue.Check = knownvalue.Null()
	if p.NotificationTypes != nil {
		notificationTypes = stringSetValue(p.NotificationTypes...)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":                  knownvalue.StringExact(p.ID),
		"name":                knownvalue.StringExact(p.Name),
		"channel":             knownvalue.StringExact(p.Channel),
		"recipients":          stringSetValue(p.Recipients...),
		"notification_types":  notificationTypes,
		"created_at":          knownvalue.StringExact(p.CreatedAt.UTC().Format(emulatorCreatedAt)),
		"sequence_account_id": knownvalue.StringExact(p.SequenceAccountID),
	})
}

// stateChecks runs several checks as one and reports every failure.
type stateChecks []statecheck.StateCheck

func (cs stateChecks) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	var errs []error
	for _, c := range cs {
		r := &statecheck.CheckStateResponse{}
		c.CheckState(ctx, req, r)
		errs = append(errs, r.Error)
	}
	resp.Error = errors.Join(errs...)
}

// expectListPages checks that every request since the last reset is a page of the policy list with
// limit=100 (and the given notificationType), and that each listing (a first page without a cursor,
// then pages with after=<cursor>) took exactly pages pages. Terraform may read a data source more
// than once per step, so several complete listings are fine.
func expectListPages(srv *sequencetest.Server, notificationType string, pages int) statecheck.StateCheck {
	return requestLogCheck{srv: srv, check: func(reqs []sequencetest.Request) error {
		if len(reqs) == 0 {
			return errors.New("the emulator saw no requests; expected list pages")
		}
		var listings [][]string // the after cursors of each listing's pages ("" for the first)
		for _, r := range reqs {
			q, err := url.ParseQuery(r.Query)
			switch {
			case err != nil:
				return fmt.Errorf("request %s %s?%s: unparsable query: %w", r.Method, r.Path, r.Query, err)
			case r.Method != http.MethodGet || r.Path != "/api/notifications/policies" || r.Status != http.StatusOK:
				return fmt.Errorf("unexpected request %s %s?%s (status %d); only list pages were expected", r.Method, r.Path, r.Query, r.Status)
			case q.Get("limit") != "100":
				return fmt.Errorf("request %s?%s: limit is %q, want 100", r.Path, r.Query, q.Get("limit"))
			case q.Get("notificationType") != notificationType:
				return fmt.Errorf("request %s?%s: notificationType is %q, want %q", r.Path, r.Query, q.Get("notificationType"), notificationType)
			case q.Has("before"):
				return fmt.Errorf("request %s?%s pages backwards", r.Path, r.Query)
			}
			after := q.Get("after")
			if after == "" {
				listings = append(listings, []string{""})
				continue
			}
			if len(listings) == 0 {
				return fmt.Errorf("request %s?%s follows a cursor before any first page", r.Path, r.Query)
			}
			last := &listings[len(listings)-1]
			if slices.Contains(*last, after) {
				return fmt.Errorf("request %s?%s repeats a cursor of the same listing", r.Path, r.Query)
			}
			*last = append(*last, after)
		}
		for i, l := range listings {
			if len(l) != pages {
				return fmt.Errorf("listing %d of %d took %d pages, want %d (all requests: %v)", i+1, len(listings), len(l), pages, reqs)
			}
		}
		return nil
	}}
}

// expectOnlyRequests checks that the emulator saw each of the given "METHOD /path" requests, and
// nothing else, since the last reset.
func expectOnlyRequests(srv *sequencetest.Server, want ...string) statecheck.StateCheck {
	return requestLogCheck{srv: srv, check: func(reqs []sequencetest.Request) error {
		seen := map[string]bool{}
		for _, r := range reqs {
			key := r.Method + " " + r.Path
			if !slices.Contains(want, key) {
				return fmt.Errorf("unexpected request %s?%s; want only %q", key, r.Query, want)
			}
			seen[key] = true
		}
		for _, w := range want {
			if !seen[w] {
				return fmt.Errorf("the emulator saw no %s (requests: %v)", w, reqs)
			}
		}
		return nil
	}}
}

// requestLogCheck is a state or plan check on the emulator's request log rather than on the state
// or plan.
type requestLogCheck struct {
	srv   *sequencetest.Server
	check func([]sequencetest.Request) error
}

func (c requestLogCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.check(c.srv.Requests())
}

func (c requestLogCheck) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = c.check(c.srv.Requests())
}
