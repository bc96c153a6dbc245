package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// expectUpdateWaves checks that the requests logged since the step's PreConfig reset the log,
// GETs aside, went out in exactly these waves (each given in any order; see sequencetest.Waves),
// and that the requests of each wave were all in flight together: each arrived before any of
// its wave was answered. Requests of a later wave arrive only once every request of the
// previous one was answered, or Waves would not have split them.
func expectUpdateWaves(srv *sequencetest.Server, want ...[]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id := ""
		if rs, ok := s.RootModule().Resources[policyAddr]; ok {
			id = rs.Primary.ID
		}
		var writes []sequencetest.Request
		for _, r := range srv.Requests() {
			if r.Method != "GET" {
				writes = append(writes, r)
			}
		}
		waves := sequencetest.Waves(writes)
		var got [][]string
		for _, w := range waves {
			var labels []string
			for _, r := range w {
				labels = append(labels, changeLabel(r, id))
			}
			slices.Sort(labels)
			got = append(got, labels)
		}
		for _, w := range want {
			slices.Sort(w)
		}
		if !slices.EqualFunc(got, want, slices.Equal[[]string]) {
			return fmt.Errorf("API requests that change something, by wave:\n  got  %q\n  want %q", got, want)
		}
		for i, w := range waves {
			var lastArrival, firstAnswer time.Time
			for _, r := range w {
				if r.Arrived.After(lastArrival) {
					lastArrival = r.Arrived
				}
				if firstAnswer.IsZero() || r.Answered.Before(firstAnswer) {
					firstAnswer = r.Answered
				}
			}
			if len(w) > 1 && !lastArrival.Before(firstAnswer) {
				return fmt.Errorf("wave %d: a request arrived only after another of its wave was answered; they should all be in flight together", i+1)
			}
		}
		return nil
	}
}

// expectAdditionsThenRemovals checks that the requests logged since the step's PreConfig reset
// the log, GETs aside, are exactly the additions and the removals (each in any order), and that
// every addition was answered before any removal reached the API.
func expectAdditionsThenRemovals(srv *sequencetest.Server, additions, removals []string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id := ""
		if rs, ok := s.RootModule().Resources[policyAddr]; ok {
			id = rs.Primary.ID
		}
		var gotAdditions, gotRemovals []string
		var lastAddition, firstRemoval time.Time
		for _, r := range srv.Requests() {
			switch r.Method {
			case "GET":
			case "DELETE":
				gotRemovals = append(gotRemovals, changeLabel(r, id))
				if firstRemoval.IsZero() || r.Arrived.Before(firstRemoval) {
					firstRemoval = r.Arrived
				}
			default:
				gotAdditions = append(gotAdditions, changeLabel(r, id))
				if r.Answered.After(lastAddition) {
					lastAddition = r.Answered
				}
			}
		}
		for _, l := range [][]string{gotAdditions, gotRemovals, additions, removals} {
			slices.Sort(l)
		}
		if !slices.Equal(gotAdditions, additions) || !slices.Equal(gotRemovals, removals) {
			return fmt.Errorf("API requests that change something:\n  got  %q then %q\n  want %q then %q", gotAdditions, gotRemovals, additions, removals)
		}
		if !firstRemoval.IsZero() && firstRemoval.Before(lastAddition) {
			return fmt.Errorf("a removal reached the API before every addition was answered")
		}
		return nil
	}
}

// wavePolicyConfig renders the policy of the wave tests with these recipients and types.
func wavePolicyConfig(srv *sequencetest.Server, recipients, types []string, providerSettings string) string {
	return strings.Replace(policyConfig(srv, fmt.Sprintf(`
  name               = "waves"
  channel            = "EMAIL"
  recipients         = %s
  notification_types = %s
`, hclStrings(recipients), hclStrings(types))), `provider "sequence" {`, "provider \"sequence\" {\n"+providerSettings, 1)
}

// numbered returns prefix01@example.com ... prefixNN@example.com.
func numbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%02d@example.com", prefix, i+1)
	}
	return out
}

func removeRecipientLabels(recipients ...string) []string {
	out := make([]string, len(recipients))
	for i, r := range recipients {
		out[i] = "DELETE /api/notifications/policies/{id}/recipients/" + r
	}
	return out
}

// A 15-element change (12 recipients removed, 3 added, one type swapped) against a slow API goes
// out in two waves: the additions together, then, once both are answered, the 13 removals
// together. A change that only adds, or only removes recipients, takes one wave; one that removes
// types sends the types it keeps first.
func TestAccNotificationPolicy_updateGoesOutInWaves(t *testing.T) {
	srv := sequencetest.NewServer(t)
	const slow = 300 * time.Millisecond
	removed := numbered("old", 12)
	added := numbered("new", 3)
	before := append([]string{"keep@example.com"}, removed...)
	after := append([]string{"keep@example.com"}, added...)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: wavePolicyConfig(srv, before, []string{"INVOICE_ISSUED", "INVOICE_CREATED"}, "")},
			{
				PreConfig: func() {
					srv.ResetRequests()
					srv.SetLatency(slow)
				},
				Config:           wavePolicyConfig(srv, after, []string{"INVOICE_ISSUED", "CUSTOMER_CREATED"}, ""),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("recipients", stringSetValue(after...)),
					stateValue("notification_types", stringSetValue("INVOICE_ISSUED", "CUSTOMER_CREATED")),
				},
				Check: expectUpdateWaves(srv,
					[]string{
						"POST /api/notifications/policies/{id}/recipients",
						"POST /api/notifications/policies/{id}/notification-types",
					},
					append(removeRecipientLabels(removed...),
						"DELETE /api/notifications/policies/{id}/notification-types/INVOICE_CREATED"),
				),
			},
			{
				// Only additions: one wave.
				PreConfig:        srv.ResetRequests,
				Config:           wavePolicyConfig(srv, append(slices.Clone(after), "more@example.com"), []string{"INVOICE_ISSUED", "CUSTOMER_CREATED", "QUOTE_SIGNED"}, ""),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check: expectUpdateWaves(srv, []string{
					"POST /api/notifications/policies/{id}/recipients",
					"POST /api/notifications/policies/{id}/notification-types",
				}),
			},
			{
				// Only recipient removals: one wave.
				PreConfig:        srv.ResetRequests,
				Config:           wavePolicyConfig(srv, []string{"keep@example.com"}, []string{"INVOICE_ISSUED", "CUSTOMER_CREATED", "QUOTE_SIGNED"}, ""),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("recipients", stringSetValue("keep@example.com")),
				},
				Check: expectUpdateWaves(srv, removeRecipientLabels(append(slices.Clone(added), "more@example.com")...)),
			},
			{
				// Only type removals: the kept type goes out first (so no removal can leave the
				// policy matching every type), then the removals together.
				PreConfig:        srv.ResetRequests,
				Config:           wavePolicyConfig(srv, []string{"keep@example.com"}, []string{"INVOICE_ISSUED"}, ""),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("recipients", stringSetValue("keep@example.com")),
					stateValue("notification_types", stringSetValue("INVOICE_ISSUED")),
				},
				Check: expectUpdateWaves(srv,
					[]string{"POST /api/notifications/policies/{id}/notification-types"},
					[]string{
						"DELETE /api/notifications/policies/{id}/notification-types/CUSTOMER_CREATED",
						"DELETE /api/notifications/policies/{id}/notification-types/QUOTE_SIGNED",
					}),
			},
		},
	})
}

// With requests_per_minute equal to Sequence's limit, the concurrent requests of the waves still
// leave through the provider's rate limiter: not one 429. (The 13 removals alone exceed the
// emulator's burst of 10 at 600 requests a minute, so requests that skipped the limiter would
// be refused.)
func TestAccNotificationPolicy_wavesStayUnderRequestsPerMinute(t *testing.T) {
	const limit = 600
	srv := sequencetest.NewServer(t, sequencetest.WithRequestsPerMinute(limit))
	settings := fmt.Sprintf("  requests_per_minute = %d\n", limit)
	removed := numbered("old", 12)
	before := append([]string{"keep@example.com"}, removed...)
	after := append([]string{"keep@example.com"}, numbered("new", 3)...)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{
				PreConfig: srv.ResetRequests,
				Config:    wavePolicyConfig(srv, before, []string{"INVOICE_ISSUED", "INVOICE_CREATED"}, settings),
			},
			{
				Config: wavePolicyConfig(srv, after, []string{"INVOICE_ISSUED", "CUSTOMER_CREATED"}, settings),
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("recipients", stringSetValue(after...)),
				},
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						writes := 0
						for _, r := range srv.Requests() {
							if r.Method != "GET" {
								writes++
							}
						}
						if writes != 1+15 { // the create, then the 15 requests of the update
							return fmt.Errorf("%d requests changed something, want 16", writes)
						}
						return nil
					},
					checkRateLimited(t, srv, "create and update", false),
				),
			},
		},
	})
}

// fakeStep is an update step that records its concurrency and fails when told to.
func fakeStep(what string, inFlight, peak *atomic.Int32, started chan<- string, fail error) updateStep {
	return updateStep{what: what, call: func(context.Context) (*sequence.NotificationPolicy, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		started <- what
		time.Sleep(time.Millisecond) // let the others of the wave start meanwhile
		if fail != nil {
			return nil, fail
		}
		return &sequence.NotificationPolicy{ID: what}, nil
	}}
}

func TestSendWaves(t *testing.T) {
	t.Run("a wave waits for the one before it and is bounded", func(t *testing.T) {
		var inFlight, peak atomic.Int32
		started := make(chan string, 64)
		var first, second updateWave
		for i := range 3 {
			first = append(first, fakeStep(fmt.Sprintf("add %d", i), &inFlight, &peak, started, nil))
		}
		for i := range 20 {
			second = append(second, fakeStep(fmt.Sprintf("remove %d", i), &inFlight, &peak, started, nil))
		}
		out := sendWaves(context.Background(), []updateWave{first, second}, 4)
		close(started)
		var order []string
		for s := range started {
			order = append(order, s)
		}
		if len(out.failures) != 0 || len(out.responses) != 23 || len(order) != 23 {
			t.Fatalf("failures %v, %d responses, %d started; want none, 23, 23", out.failures, len(out.responses), len(order))
		}
		for i, s := range order {
			if isAdd := strings.HasPrefix(s, "add"); isAdd != (i < 3) {
				t.Fatalf("start order %q: every addition must start before any removal", order)
			}
		}
		if p := peak.Load(); p > 4 {
			t.Errorf("%d requests in flight at once, want at most 4", p)
		}
	})

	t.Run("a failed wave completes but the next is not sent", func(t *testing.T) {
		var inFlight, peak atomic.Int32
		started := make(chan string, 64)
		boom := errors.New("500 Internal Server Error")
		first := updateWave{
			fakeStep("add recipients", &inFlight, &peak, started, boom),
			fakeStep("add types", &inFlight, &peak, started, nil),
		}
		second := updateWave{fakeStep("remove x", &inFlight, &peak, started, nil)}
		out := sendWaves(context.Background(), []updateWave{first, second}, 8)
		close(started)
		var order []string
		for s := range started {
			order = append(order, s)
		}
		slices.Sort(order)
		if !slices.Equal(order, []string{"add recipients", "add types"}) {
			t.Errorf("requests sent %q, want both additions and no removal", order)
		}
		if len(out.responses) != 1 || out.responses[0].ID != "add types" {
			t.Errorf("responses %v, want the successful addition's", out.responses)
		}
		what, cause := out.failedStep()
		if what != "add recipients" || !errors.Is(cause, boom) {
			t.Errorf("failedStep = %q, %v", what, cause)
		}
	})

	t.Run("several failures are all named", func(t *testing.T) {
		var inFlight, peak atomic.Int32
		started := make(chan string, 8)
		e1, e2 := errors.New("first"), errors.New("second")
		out := sendWaves(context.Background(), []updateWave{{
			fakeStep("remove a", &inFlight, &peak, started, e1),
			fakeStep("remove b", &inFlight, &peak, started, nil),
			fakeStep("remove c", &inFlight, &peak, started, e2),
		}}, 8)
		what, cause := out.failedStep()
		if what != "remove a (and 1 other request sent with it)" || !errors.Is(cause, e1) || !errors.Is(cause, e2) {
			t.Errorf("failedStep = %q, %v", what, cause)
		}
	})
}

// The state after an update comes from the response that shows every change, whichever response
// arrived last.
func TestClosestToPlan(t *testing.T) {
	plan := notificationPolicyFromAPI(&sequence.NotificationPolicy{
		ID: "p", Name: "n", Channel: sequence.ChannelEmail, Recipients: []string{"a@example.com", "c@example.com"},
	}, nil, writeOnlySecret{})
	responses := []*sequence.NotificationPolicy{
		{ID: "p", Name: "n", Channel: sequence.ChannelEmail, Recipients: []string{"a@example.com", "c@example.com"}},
		{ID: "p", Name: "n", Channel: sequence.ChannelEmail, Recipients: []string{"a@example.com", "b@example.com", "c@example.com"}},
	}
	got, ok := wavesOutcome{responses: responses}.closestToPlan(plan, writeOnlySecret{})
	if !ok || !changesBetween(got.notificationPolicyModel, plan.notificationPolicyModel).empty() {
		t.Errorf("closestToPlan = %v, %v; want the response without b@example.com", got.Recipients, ok)
	}
	if _, ok := (wavesOutcome{}).closestToPlan(plan, writeOnlySecret{}); ok {
		t.Error("closestToPlan without responses reported one")
	}
}

// Only what a concurrent edit explains is repaired from a fresh read: a removal Sequence refused
// (400) or the policy widened to every type. A refused addition, a server error or a mix is
// reported as it is.
func TestRacedByDashboardEdit(t *testing.T) {
	refused := fmt.Errorf("removing: %w", &sequence.APIError{StatusCode: http.StatusBadRequest, Message: "cannot remove the last recipient"})
	serverError := &sequence.APIError{StatusCode: http.StatusInternalServerError}
	failure := func(kind changeKind, err error) stepFailure {
		return stepFailure{step: updateStep{kind: kind, what: "x"}, err: err}
	}
	cases := []struct {
		name     string
		failures []stepFailure
		want     bool
	}{
		{"no failure", nil, false},
		{"a refused recipient removal", []stepFailure{failure(removeRecipient, refused)}, true},
		{"a refused type removal", []stepFailure{failure(removeNotificationType, refused)}, true},
		{"widened to every type", []stepFailure{failure(removeNotificationType, errWidenedToAllTypes)}, true},
		{"a refused addition", []stepFailure{failure(addRecipients, refused)}, false},
		{"a server error on a removal", []stepFailure{failure(removeRecipient, serverError)}, false},
		{"a refused removal beside a server error", []stepFailure{failure(removeRecipient, refused), failure(removeRecipient, serverError)}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := (wavesOutcome{failures: tc.failures}).racedByDashboardEdit(); got != tc.want {
				t.Errorf("racedByDashboardEdit() = %v, want %v", got, tc.want)
			}
		})
	}
}

// A type removal whose answer shows no types is a failure to repair, unless the plan asks for
// every type.
func TestMarkWidening(t *testing.T) {
	typed := notificationPolicyResourceModel{notificationPolicyModel: notificationPolicyModel{
		notificationPolicySummaryModel: notificationPolicySummaryModel{NotificationTypes: stringSet([]string{"QUOTE_SIGNED"})}}}
	allTypes := notificationPolicyResourceModel{notificationPolicyModel: notificationPolicyModel{
		notificationPolicySummaryModel: notificationPolicySummaryModel{NotificationTypes: types.SetNull(types.StringType)}}}

	o := wavesOutcome{emptiedTypes: true}
	if !o.markWidening(typed) || len(o.failures) != 1 || !errors.Is(o.failures[0].err, errWidenedToAllTypes) {
		t.Errorf("plan with types: markWidening left failures %+v, want one errWidenedToAllTypes", o.failures)
	}
	o = wavesOutcome{emptiedTypes: true}
	if o.markWidening(allTypes) || len(o.failures) != 0 {
		t.Errorf("plan for every type: markWidening reported a widening (%+v)", o.failures)
	}
	o = wavesOutcome{}
	if o.markWidening(typed) || len(o.failures) != 0 {
		t.Error("no emptied types: markWidening reported a widening")
	}
}
