package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

// maxConcurrentRequestsPerPolicy bounds the requests one policy's update has in flight at once:
// a change of up to 16 removals takes one round trip for them, a larger one ceil(n/16). Every
// request also waits for the client's shared rate limiter, so the bound only decides how many
// round trips overlap, never how fast requests leave.
const maxConcurrentRequestsPerPolicy = 16

// updateStep is one API request of an in-place update.
type updateStep struct {
	kind changeKind
	what string
	call func(context.Context) (*sequence.NotificationPolicy, error)
}

// updateWave is a set of requests that do not depend on each other, so they go out together.
type updateWave []updateStep

// updateWaves attaches the client's requests to the update's steps (policyChanges.steps) and
// orders them in two waves: every addition (one request per collection), then every removal (one
// request per member). Removals wait for all additions, so the policy never passes through zero
// recipients or silently widens to all types; within a wave the order does not matter. A wave
// without requests is left out.
func updateWaves(client *sequence.Client, id string, c policyChanges) []updateWave {
	var additions, removals updateWave
	for _, s := range c.steps() {
		step := updateStep{kind: s.kind, what: s.what(), call: func(ctx context.Context) (*sequence.NotificationPolicy, error) {
			switch s.kind {
			case addRecipients:
				return client.AddRecipients(ctx, id, s.values)
			case addNotificationTypes:
				return addNotificationTypesKeeping(ctx, client, id, s)
			case removeRecipient:
				return client.RemoveRecipient(ctx, id, s.values[0])
			default:
				return client.RemoveNotificationType(ctx, id, s.values[0])
			}
		}}
		if s.removal() {
			removals = append(removals, step)
		} else {
			additions = append(additions, step)
		}
	}
	var waves []updateWave
	for _, w := range []updateWave{additions, removals} {
		if len(w) > 0 {
			waves = append(waves, w)
		}
	}
	return waves
}

// addNotificationTypesKeeping sends the step's types. Sequence refuses the whole request when one
// of them is a type it no longer accepts (it drops types within an API version, and a policy
// keeps one it had): a kept type it refuses cannot be re-sent, so the step then sends only the
// planned additions (or reads the policy when there are none). The removals may still go out
// only if the policy then holds one of the step's types, so none of them can empty the set;
// otherwise the refusal fails the update before anything is removed.
func addNotificationTypesKeeping(ctx context.Context, client *sequence.Client, id string, s changeStep) (*sequence.NotificationPolicy, error) {
	policy, err := client.AddNotificationTypes(ctx, id, s.values)
	var apiErr *sequence.APIError
	if err == nil || !s.carriesKeptTypes() || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		return policy, err
	}
	tflog.Info(ctx, "Sequence refused re-sending the kept notification types; sending only the planned additions",
		map[string]any{"id": id, "error": err.Error()})
	refused := err
	if len(s.added) == 0 {
		policy, err = client.GetNotificationPolicy(ctx, id)
	} else {
		policy, err = client.AddNotificationTypes(ctx, id, s.added)
	}
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(policy.NotificationTypes, func(t string) bool { return slices.Contains(s.values, t) }) {
		return nil, refused
	}
	return policy, nil
}

// stepFailure is a request of an update that failed.
type stepFailure struct {
	step updateStep
	err  error
}

// wavesOutcome is what sending the waves of an update did.
type wavesOutcome struct {
	// responses are the policies returned by the requests that succeeded, in completion order.
	responses []*sequence.NotificationPolicy
	// failures are the failed requests of the first wave that had any, in the wave's order; the
	// waves after it were not sent.
	failures []stepFailure
	// interrupted is the first wave not sent because the update was interrupted (Ctrl-C) after
	// the wave before it was answered; nil when every wave was sent or one failed.
	interrupted updateWave
	// emptiedTypes is set when a type removal's answer showed the policy without types, which
	// Sequence reads as every type.
	emptiedTypes bool
}

// sendWaves sends the waves one after the other. The requests of a wave run concurrently, at most
// limit at a time, and all of them finish before the next wave starts. A wave with a failed
// request ends the update: the other requests of that wave still complete (cancelling them would
// only leave their outcome unknown), and no later wave is sent.
func sendWaves(ctx context.Context, waves []updateWave, limit int) wavesOutcome {
	var out wavesOutcome
	for _, wave := range waves {
		if ctx.Err() != nil {
			// Interrupted (Ctrl-C) after the last wave was answered: stop before sending the next.
			out.interrupted = wave
			return out
		}
		results := make([]stepResult, len(wave))
		var mu sync.Mutex
		var wg sync.WaitGroup
		slots := make(chan struct{}, max(1, limit))
		for i, step := range wave {
			slots <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				policy, err := step.call(ctx)
				results[i] = stepResult{policy: policy, err: err}
				if err == nil {
					mu.Lock()
					out.responses = append(out.responses, policy)
					out.emptiedTypes = out.emptiedTypes || (step.kind == removeNotificationType && len(policy.NotificationTypes) == 0)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		for i, r := range results {
			if r.err != nil {
				out.failures = append(out.failures, stepFailure{step: wave[i], err: r.err})
			}
		}
		if len(out.failures) > 0 {
			return out
		}
	}
	return out
}

type stepResult struct {
	policy *sequence.NotificationPolicy
	err    error
}

// failedStep names the failed requests for an error message ("remove recipient "x"", with a count
// of the others when several failed), and cause joins their errors.
func (o wavesOutcome) failedStep() (what string, cause error) {
	if len(o.failures) == 0 {
		return "", nil
	}
	what = o.failures[0].step.what
	if n := len(o.failures) - 1; n == 1 {
		what += " (and 1 other request sent with it)"
	} else if n > 1 {
		what += fmt.Sprintf(" (and %d other requests sent with it)", n)
	}
	return what, errors.Join(o.failureErrors()...)
}

// closestToPlan returns, of the policies the update's requests returned, the one with the fewest
// changes left to reach the plan, mapped to the resource model; ok is false when no request
// succeeded. Requests of one wave complete in any order, so the last response to arrive need not
// be the last the server processed; the one closest to the plan is (each response shows the
// policy after its own request, so the server's last one carries every change made before it).
func (o wavesOutcome) closestToPlan(plan notificationPolicyResourceModel, secret writeOnlySecret) (best notificationPolicyResourceModel, ok bool) {
	bestLeft := -1
	for _, p := range o.responses {
		m := notificationPolicyFromAPI(p, &plan, secret)
		left := changesBetween(m.notificationPolicyModel, plan.notificationPolicyModel).count()
		if bestLeft < 0 || left < bestLeft {
			best, bestLeft = m, left
		}
	}
	return best, bestLeft >= 0
}

// recordFailedUpdate runs after a request of an update failed (outcome has failures): it reads the
// policy back so state records what really happened, and says which changes are left for the next
// apply. If the read shows every change made after all (e.g. a retried removal that had already
// succeeded), the update counts as done. known is the policy as last confirmed (the prior state,
// or the response of a successful request closest to the plan). It returns the state to record
// and the diagnostics to report.
func recordFailedUpdate(ctx context.Context, client *sequence.Client, known, plan notificationPolicyResourceModel,
	secret writeOnlySecret, outcome wavesOutcome,
) (notificationPolicyResourceModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	failedStep, cause := outcome.failedStep()
	id := known.ID.ValueString()
	summary := fmt.Sprintf("Cannot update notification policy %q", id)
	current, readErr := client.GetNotificationPolicy(ctx, id)
	switch {
	case readErr == nil:
		state := notificationPolicyFromAPI(current, &plan, secret)
		left := changesBetween(state.notificationPolicyModel, plan.notificationPolicyModel)
		if left.empty() {
			// A success after all, so state is the plan like after any other successful write.
			diags.AddWarning("Notification policy updated after an error",
				fmt.Sprintf("The request to %s failed (%s), but reading the policy back shows every planned change in place.", failedStep, cause))
			return stateAfterWrite(current, plan, secret), diags
		}
		diags.AddError(summary, fmt.Sprintf(
			"The request to %s failed: %s\n\nTerraform state now records the policy as Sequence reports it. "+
				"Changes not made: %s. Run apply again to finish them.", failedStep, cause, left.describe()))
		return state, diags
	case sequence.NotFound(readErr):
		// Terraform and OpenTofu keep the prior state of a resource whose apply failed (a removal
		// from state is ignored), so the state stays as last confirmed; the next refresh drops it.
		diags.AddError(summary, fmt.Sprintf(
			"The request to %s failed: %s\n\nThe policy no longer exists in Sequence (deleted outside Terraform?). "+
				"The next plan refreshes the state, finds it gone and plans to create it again.", failedStep, cause))
	default:
		// Whether the failed request took effect is unknown: record what was last confirmed; the
		// next refresh corrects the rest.
		diags.AddError(summary, fmt.Sprintf(
			"The request to %s failed: %s\n\nReading the policy back also failed (%s), so it is not known whether "+
				"that request took effect. Changes possibly not made: %s. The next plan refreshes the policy and "+
				"plans whatever is still missing.", failedStep, cause, readErr,
			changesBetween(known.notificationPolicyModel, plan.notificationPolicyModel).describe()))
	}
	return known, diags
}

// errWidenedToAllTypes is the failure of a type removal whose answer showed the policy without
// types (every type, to Sequence) while the plan names types: someone removed the planned types
// in the dashboard while the apply ran. It is repaired like a refused removal.
var errWidenedToAllTypes = errors.New("the answer showed the policy left without notification types, which Sequence " +
	"reads as every type: its planned types were removed (in the dashboard?) while this apply ran")

// applyChanges sends the update's waves. A dashboard edit racing them can make Sequence refuse a
// removal (400: the element is already gone, or it is the last recipient because the ones the plan
// keeps were removed) or, despite the kept types sent first, leave the policy matching every
// type. The planned end state is still reachable from what the policy holds then, so the update
// reads it back once and sends what is still missing (additions first, as always), removing only
// what the plan removes. widened
// reports that the policy was seen matching every type on the way.
func applyChanges(ctx context.Context, client *sequence.Client, id string, prior, plan notificationPolicyResourceModel, secret writeOnlySecret) (outcome wavesOutcome, widened bool) {
	outcome = sendWaves(ctx, updateWaves(client, id, changesBetween(prior.notificationPolicyModel, plan.notificationPolicyModel)),
		maxConcurrentRequestsPerPolicy)
	widened = outcome.markWidening(plan)
	if ctx.Err() != nil {
		return outcome, widened
	}
	if !outcome.racedByDashboardEdit() {
		if widened {
			// Another failure ends the update, but not with the policy matching every type.
			outcome.restoreTypes(ctx, client, id, plan)
		}
		return outcome, widened
	}
	current, err := client.GetNotificationPolicy(ctx, id)
	if err != nil {
		return outcome, widened // recordFailedUpdate reads again and reports
	}
	tflog.Info(ctx, "notification policy changed while the update ran; sending what is still missing",
		map[string]any{"id": id, "cause": errors.Join(outcome.failureErrors()...).Error()})
	read := notificationPolicyFromAPI(current, &plan, secret)
	// Only what the plan removes is removed: what someone added since the plan was made (another
	// team's recipient, a type added in the dashboard) is drift for the next plan, as without the race.
	left := changesBetween(read.notificationPolicyModel, plan.notificationPolicyModel).
		removingOnly(changesBetween(prior.notificationPolicyModel, plan.notificationPolicyModel), plan.Channel.ValueString())
	resumed := sendWaves(ctx, updateWaves(client, id, left), maxConcurrentRequestsPerPolicy)
	widened = resumed.markWidening(plan) || widened
	resumed.responses = append(append([]*sequence.NotificationPolicy{current}, outcome.responses...), resumed.responses...)
	return resumed, widened
}

// restoreTypes sends the planned types again after a removal left the policy matching every type,
// for an update that fails for another reason too; the failures stay, and the answer joins the
// responses. A refusal is only logged: the failure reported already says the policy was widened.
func (o *wavesOutcome) restoreTypes(ctx context.Context, client *sequence.Client, id string, plan notificationPolicyResourceModel) {
	policy, err := client.AddNotificationTypes(ctx, id, knownStrings(plan.NotificationTypes))
	if err != nil {
		tflog.Warn(ctx, "could not restore the planned notification types of a widened policy", map[string]any{"id": id, "error": err.Error()})
		return
	}
	o.responses = append(o.responses, policy)
}

// markWidening turns a type removal that left the policy matching every type into a failure
// (errWidenedToAllTypes), unless the plan asks for every type; it reports whether it did.
func (o *wavesOutcome) markWidening(plan notificationPolicyResourceModel) bool {
	if !o.emptiedTypes || len(knownStrings(plan.NotificationTypes)) == 0 {
		return false
	}
	o.failures = append(o.failures, stepFailure{
		step: updateStep{kind: removeNotificationType, what: "remove notification type(s)"},
		err:  errWidenedToAllTypes,
	})
	return true
}

// racedByDashboardEdit reports whether every failure is what an edit made elsewhere during the
// update explains: a removal Sequence refused (400), or the policy widened to every type. Any other
// failure (a fault, a timeout, a refused addition) is reported as it is.
func (o wavesOutcome) racedByDashboardEdit() bool {
	if len(o.failures) == 0 {
		return false
	}
	for _, f := range o.failures {
		var apiErr *sequence.APIError
		refused := errors.As(f.err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest
		if errors.Is(f.err, errWidenedToAllTypes) {
			continue
		}
		if !refused || (f.step.kind != removeRecipient && f.step.kind != removeNotificationType) {
			return false
		}
	}
	return true
}

func (o wavesOutcome) failureErrors() []error {
	errs := make([]error, len(o.failures))
	for i, f := range o.failures {
		errs[i] = f.err
	}
	return errs
}
