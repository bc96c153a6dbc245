package provider

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// The randomized walk: a seeded, replayable sequence of configuration edits, dashboard edits
// (changes made straight in the emulator's store), saved plans applied after such an edit, reads
// that omit the secret, and injected faults, each followed by invariant checks. Every failure it
// finds becomes a named regression test; the seed it prints replays it:
//
//	make chaos SEED=1234 STEPS=200
//
// CHAOS_SEED and CHAOS_STEPS are read by the test directly too.

const (
	chaosDefaultSteps = 40
	// chaosMaxPolicies bounds the managed policies, so a step touches a few resources.
	chaosMaxPolicies = 3
	// chaosFaultRetries is max_retries during fault steps: low enough that applies do fail,
	// high enough that the provider's own recovery (read-back, ambiguous-create search) succeeds.
	chaosFaultRetries = 3
	chaosFaultRate    = 0.3
)

// providerBugPatterns are messages that only a provider bug (or a crash) produces.
var providerBugPatterns = regexp.MustCompile(`(?i)provider produced inconsistent|produced an invalid new value|` +
	`inconsistent final plan|provider produced invalid plan|panic:|plugin did not respond|` +
	`unexpected EOF|this is a bug in the|rpc error: code = Unavailable`)

type chaosSecretMode int

const (
	secretGenerated chaosSecretMode = iota // no secret attribute: Sequence's generated (or the kept) secret
	secretSupplied                         // webhook_secret
	secretWriteOnly                        // webhook_secret_wo (+ version)
)

// chaosPolicy is one sequence_notification_policy resource of the walk's configuration.
type chaosPolicy struct {
	name       string
	channel    string
	recipients []string
	types      []string // nil: all types
	secretMode chaosSecretMode
	secret     string // supplied or write-only value
	woVersion  int    // webhook_secret_wo_version, 0: unset
	// wantSecret is the secret the policy must have in Sequence, when the walk knows it.
	wantSecret string
	// wasWriteOnly: the policy's secret was set through webhook_secret_wo, so the provider refuses
	// webhook_secret until a replacement (by design: it would put the secret into state).
	wasWriteOnly bool
}

// chaosWalk is the walk's state: the configuration it wants and what it did to the dashboard.
type chaosWalk struct {
	t         *testing.T
	rng       *rand.Rand
	srv       *sequencetest.Server
	ws        *cliWorkspace
	writeOnly bool // the CLI supports write-only attributes

	policies map[string]*chaosPolicy // by resource name
	nextName int
	nextAddr int
	// lookalikes are policies the "dashboard" created, which Terraform must neither adopt nor touch.
	lookalikes map[string]sequencetest.Policy
	omitSecret bool
	// imports are import blocks for the next apply: resource name -> policy id.
	imports map[string]string
	step    int
	log     []string
}

func chaosSettings(t *testing.T) (seed uint64, steps int) {
	steps = chaosDefaultSteps
	if v := os.Getenv("CHAOS_STEPS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("CHAOS_STEPS=%q: want a positive number", v)
		}
		steps = n
	}
	if v := os.Getenv("CHAOS_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("CHAOS_SEED=%q: want an unsigned number", v)
		}
		return n, steps
	}
	if os.Getenv("CI") != "" {
		// CI walks one known seed, so a red build means a change of code, not a new draw; new
		// seeds are explored with make chaos, and what they find becomes a named regression test.
		return chaosCISeed, steps
	}
	return uint64(time.Now().UnixNano()), steps //nolint:gosec // G115: any seed will do
}

// chaosCISeed is the walk CI runs when CHAOS_SEED is not set.
const chaosCISeed = 20261201

func TestAccChaosWalk(t *testing.T) {
	seed, steps := chaosSettings(t)
	srv := sequencetest.NewServer(t, sequencetest.WithFaultSeed(int64(seed))) //nolint:gosec // G115: a seed
	ws := newCLIWorkspace(t, reattached(fastBackoff))
	t.Logf("chaos walk: seed %d, %d steps, %s (replay: make chaos SEED=%d STEPS=%d)", seed, steps, ws.versionLine(), seed, steps)

	w := &chaosWalk{
		t: t, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), srv: srv, ws: ws,
		writeOnly:  ws.atLeast(1, 11),
		policies:   map[string]*chaosPolicy{},
		lookalikes: map[string]sequencetest.Policy{},
		imports:    map[string]string{},
	}
	defer func() {
		if t.Failed() {
			t.Logf("chaos walk failed at step %d; replay with CHAOS_SEED=%d CHAOS_STEPS=%d. Steps:\n%s",
				w.step, seed, w.step, strings.Join(w.log, "\n"))
		}
	}()

	w.policies[w.newAddress()] = w.newPolicy(sequence.ChannelEmail)
	w.policies[w.newAddress()] = w.newPolicy(sequence.ChannelWebhook)
	w.ws.writeConfig(w.config(0))
	w.ws.init()
	w.applyAndVerify("initial apply")

	for w.step = 1; w.step <= steps && !t.Failed(); w.step++ {
		w.randomStep()
	}
	if !t.Failed() {
		res := w.ws.run("destroy", "-auto-approve", "-no-color", "-input=false")
		w.checkNoBug(res)
		if res.exitCode != 0 {
			t.Fatalf("destroy failed:\n%s", res)
		}
		for _, p := range srv.Policies() {
			if _, ok := w.lookalikes[p.ID]; !ok {
				t.Errorf("policy %s (%q) left after destroy", p.ID, p.Name)
			}
		}
	}
}

func (w *chaosWalk) logf(format string, args ...any) {
	line := fmt.Sprintf("step %d: ", w.step) + fmt.Sprintf(format, args...)
	w.log = append(w.log, line)
	w.t.Log(line)
}

func (w *chaosWalk) newAddress() string {
	w.nextAddr++
	return fmt.Sprintf("p%d", w.nextAddr)
}

func (w *chaosWalk) newName() string {
	w.nextName++
	return fmt.Sprintf("walk policy %d", w.nextName)
}

// recipient returns a random recipient for channel: e-mail addresses in random letter case,
// webhook URLs with '/', ':' and a query, as real endpoints have.
func (w *chaosWalk) recipient(channel string) string {
	n := w.rng.IntN(40)
	if channel == sequence.ChannelWebhook {
		return fmt.Sprintf("https://hooks.example.com/t%d/in:bound?k=%d", n, n)
	}
	local := fmt.Sprintf("team%d", n)
	if w.rng.IntN(3) == 0 {
		local = strings.ToUpper(local[:1]) + local[1:]
	}
	return local + "@Example.com"
}

func (w *chaosWalk) newPolicy(channel string) *chaosPolicy {
	p := &chaosPolicy{name: w.newName(), channel: channel}
	for range 1 + w.rng.IntN(3) {
		w.addRecipient(p)
	}
	if w.rng.IntN(2) == 0 {
		p.types = w.randomTypes()
	}
	if channel == sequence.ChannelWebhook {
		w.chooseSecretForNewPolicy(p)
	}
	return p
}

func (w *chaosWalk) randomTypes() []string {
	known := sequence.KnownNotificationTypes
	n := 1 + w.rng.IntN(3)
	var out []string
	for _, i := range w.rng.Perm(len(known))[:n] {
		out = append(out, known[i])
	}
	slices.Sort(out)
	return out
}

func (w *chaosWalk) newSecret() string {
	return fmt.Sprintf("whsec_walk_%016x", w.rng.Uint64())
}

func (w *chaosWalk) chooseSecretForNewPolicy(p *chaosPolicy) {
	switch r := w.rng.IntN(3); {
	case r == 1:
		p.secretMode, p.secret = secretSupplied, w.newSecret()
		p.wantSecret = p.secret
	case r == 2 && w.writeOnly:
		p.secretMode, p.secret, p.woVersion = secretWriteOnly, w.newSecret(), 1
		p.wantSecret, p.wasWriteOnly = p.secret, true
	default:
		p.secretMode, p.secret, p.woVersion, p.wantSecret = secretGenerated, "", 0, ""
	}
}

// addRecipient adds a recipient not yet on p (compared the way Sequence compares them).
func (w *chaosWalk) addRecipient(p *chaosPolicy) bool {
	for range 10 {
		r := w.recipient(p.channel)
		if !slices.ContainsFunc(p.recipients, func(have string) bool { return sameRecipient(p.channel, have, r) }) {
			p.recipients = append(p.recipients, r)
			return true
		}
	}
	return false
}

func sameRecipient(channel, a, b string) bool {
	if channel == sequence.ChannelEmail {
		return strings.EqualFold(a, b)
	}
	return a == b
}

func (w *chaosWalk) sortedAddresses() []string {
	addrs := make([]string, 0, len(w.policies))
	for a := range w.policies {
		addrs = append(addrs, a)
	}
	slices.Sort(addrs)
	return addrs
}

func (w *chaosWalk) pick() (string, *chaosPolicy) {
	addrs := w.sortedAddresses()
	a := addrs[w.rng.IntN(len(addrs))]
	return a, w.policies[a]
}

// config renders the provider block and every policy; maxRetries 0 keeps the provider default.
func (w *chaosWalk) config(maxRetries int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "provider \"sequence\" {\n  endpoint      = %q\n  client_id     = %q\n  client_secret = %q\n",
		w.srv.URL, sequencetest.DefaultClientID, sequencetest.DefaultClientSecret)
	if maxRetries > 0 {
		fmt.Fprintf(&b, "  max_retries   = %d\n", maxRetries)
	}
	b.WriteString("}\n")
	for _, addr := range w.sortedAddresses() {
		p := w.policies[addr]
		fmt.Fprintf(&b, "\nresource \"sequence_notification_policy\" %q {\n  name       = %q\n  channel    = %q\n  recipients = %s\n",
			addr, p.name, p.channel, hclList(p.recipients))
		if p.types != nil {
			fmt.Fprintf(&b, "  notification_types = %s\n", hclList(p.types))
		}
		switch p.secretMode {
		case secretSupplied:
			fmt.Fprintf(&b, "  webhook_secret = %q\n", p.secret)
		case secretWriteOnly:
			fmt.Fprintf(&b, "  webhook_secret_wo = %q\n  webhook_secret_wo_version = %d\n", p.secret, p.woVersion)
		}
		b.WriteString("}\n")
		if id, ok := w.imports[addr]; ok {
			fmt.Fprintf(&b, "\nimport {\n  to = sequence_notification_policy.%s\n  id = %q\n}\n", addr, id)
		}
	}
	return b.String()
}

func hclList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = strconv.Quote(v)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// randomStep runs one step of the walk and checks the invariants after it.
func (w *chaosWalk) randomStep() {
	switch r := w.rng.IntN(100); {
	case r < 35:
		w.editConfig()
		w.applyAndVerify("configuration edit")
	case r < 55:
		w.dashboardEdit()
		w.applyAndVerify("apply after a dashboard edit")
	case r < 72:
		w.savedPlanRace()
	case r < 72+6 && len(w.policies) < chaosMaxPolicies:
		w.adoptDashboardPolicy()
		w.applyAndVerify("import of a dashboard policy")
	case r < 82:
		w.omitSecret = !w.omitSecret
		w.srv.SetOmitSecretOnRead(w.omitSecret)
		w.logf("reads omit the webhook secret: %v", w.omitSecret)
		w.applyAndVerify("apply with omit-secret switched")
	default:
		w.faultyApply()
	}
}

// editConfig changes the wanted configuration in one random way.
func (w *chaosWalk) editConfig() {
	if len(w.policies) < chaosMaxPolicies && w.rng.IntN(8) == 0 {
		channel := sequence.ChannelEmail
		if w.rng.IntN(2) == 0 {
			channel = sequence.ChannelWebhook
		}
		addr := w.newAddress()
		w.policies[addr] = w.newPolicy(channel)
		w.logf("config: add resource %s (%s)", addr, channel)
		return
	}
	if len(w.policies) > 1 && w.rng.IntN(10) == 0 {
		addr, _ := w.pick()
		delete(w.policies, addr)
		w.logf("config: remove resource %s", addr)
		return
	}
	addr, p := w.pick()
	switch r := w.rng.IntN(11); r {
	case 0, 1:
		if w.addRecipient(p) {
			w.logf("config: %s add recipient %q", addr, p.recipients[len(p.recipients)-1])
		}
		if w.rng.IntN(2) == 0 && w.addRecipient(p) {
			w.logf("config: %s add recipient %q", addr, p.recipients[len(p.recipients)-1])
		}
	case 2, 3:
		if len(p.recipients) > 1 {
			i := w.rng.IntN(len(p.recipients))
			w.logf("config: %s remove recipient %q", addr, p.recipients[i])
			p.recipients = slices.Delete(p.recipients, i, i+1)
		}
	case 4:
		if p.channel == sequence.ChannelEmail {
			i := w.rng.IntN(len(p.recipients))
			p.recipients[i] = swapCase(p.recipients[i])
			w.logf("config: %s recipient %d now spelled %q", addr, i, p.recipients[i])
		}
	case 5:
		switch {
		case p.types == nil:
			p.types = w.randomTypes()
			w.logf("config: %s notification_types null -> %v", addr, p.types)
		case w.rng.IntN(2) == 0:
			w.logf("config: %s notification_types %v -> null", addr, p.types)
			p.types = nil
		default:
			p.types = w.randomTypes()
			w.logf("config: %s notification_types -> %v", addr, p.types)
		}
	case 6:
		p.name = w.newName()
		p.wasWriteOnly = p.secretMode == secretWriteOnly // a replacement: the new policy starts afresh
		w.logf("config: %s renamed to %q", addr, p.name)
	case 7:
		next := w.newPolicy(otherChannel(p.channel))
		next.name = p.name
		w.policies[addr] = next
		w.logf("config: %s channel %s -> %s", addr, p.channel, next.channel)
	default:
		w.changeSecret(addr, p)
	}
}

func otherChannel(channel string) string {
	if channel == sequence.ChannelEmail {
		return sequence.ChannelWebhook
	}
	return sequence.ChannelEmail
}

func swapCase(s string) string {
	out := []rune(s)
	for i, r := range out {
		switch {
		case r >= 'a' && r <= 'z':
			out[i] = r - 'a' + 'A'
		case r >= 'A' && r <= 'Z':
			out[i] = r - 'A' + 'a'
		}
	}
	return string(out)
}

// changeSecret moves a WEBHOOK policy's secret between the three ways of setting it, never
// from write-only back into state (the provider refuses that, by design).
func (w *chaosWalk) changeSecret(addr string, p *chaosPolicy) {
	if p.channel != sequence.ChannelWebhook {
		return
	}
	switch r := w.rng.IntN(4); {
	case p.secretMode == secretWriteOnly && r == 0:
		p.secretMode, p.secret, p.woVersion, p.wantSecret = secretGenerated, "", 0, ""
		w.logf("config: %s drops webhook_secret_wo (the secret is kept)", addr)
	case p.secretMode == secretWriteOnly && r == 1:
		p.woVersion++
		p.secret = w.newSecret()
		p.wantSecret = p.secret
		w.logf("config: %s rotates webhook_secret_wo (version %d)", addr, p.woVersion)
	case p.secretMode == secretWriteOnly:
		p.secret = w.newSecret()
		p.wantSecret = p.secret
		w.logf("config: %s changes webhook_secret_wo without a version bump", addr)
	case w.writeOnly && r == 0 && w.currentSecret(addr) != "":
		p.secretMode, p.secret, p.woVersion = secretWriteOnly, w.currentSecret(addr), 1
		p.wantSecret, p.wasWriteOnly = p.secret, true
		w.logf("config: %s moves its current secret to webhook_secret_wo", addr)
	case w.writeOnly && r == 1:
		p.secretMode, p.secret, p.woVersion = secretWriteOnly, w.newSecret(), 1
		p.wantSecret, p.wasWriteOnly = p.secret, true
		w.logf("config: %s sets a new webhook_secret_wo", addr)
	case r == 2 && p.secretMode == secretSupplied:
		p.secretMode, p.secret, p.wantSecret = secretGenerated, "", ""
		w.logf("config: %s drops webhook_secret (the secret is kept)", addr)
	case p.wasWriteOnly:
		return // webhook_secret after webhook_secret_wo is refused by design
	default:
		p.secretMode, p.secret = secretSupplied, w.newSecret()
		p.wantSecret = p.secret
		w.logf("config: %s sets webhook_secret", addr)
	}
}

// currentSecret is the webhook secret the policy of resource addr has in the emulator now.
func (w *chaosWalk) currentSecret(addr string) string {
	id, ok := w.managedIDs()[addr]
	if !ok {
		return ""
	}
	p, _ := w.srv.Policy(id)
	return p.WebhookSecret
}

// managedIDs maps resource names to the policy ids in state.
func (w *chaosWalk) managedIDs() map[string]string {
	ids := map[string]string{}
	for _, r := range w.ws.stateResources() {
		if r.Type != "sequence_notification_policy" {
			continue
		}
		name := strings.TrimPrefix(r.Address, "sequence_notification_policy.")
		if id, ok := r.Values["id"].(string); ok {
			ids[name] = id
		}
	}
	return ids
}

// dashboardEdit changes the emulator's store directly, as someone in Sequence's dashboard would.
// It reports whether it took something away (the policy, or one of its recipients): a saved plan
// made before may then fail honestly (the policy is gone, or a planned removal would now take
// away its last recipient).
func (w *chaosWalk) dashboardEdit() (removed bool) {
	ids := w.managedIDs()
	addrs := make([]string, 0, len(ids))
	for a := range ids {
		addrs = append(addrs, a)
	}
	slices.Sort(addrs)
	if len(addrs) == 0 {
		return false
	}
	addr := addrs[w.rng.IntN(len(addrs))]
	id := ids[addr]
	current, ok := w.srv.Policy(id)
	if !ok {
		return false
	}
	switch r := w.rng.IntN(7); r {
	case 0, 1:
		extra := w.recipient(current.Channel)
		w.update(id, func(p *sequencetest.Policy) {
			if !slices.ContainsFunc(p.Recipients, func(have string) bool { return sameRecipient(p.Channel, have, extra) }) {
				p.Recipients = append(p.Recipients, extra)
			}
		})
		w.logf("dashboard: add recipient %q to %s", extra, addr)
	case 2:
		if len(current.Recipients) > 1 {
			i := w.rng.IntN(len(current.Recipients))
			w.logf("dashboard: remove recipient %q from %s", current.Recipients[i], addr)
			w.update(id, func(p *sequencetest.Policy) { p.Recipients = slices.Delete(p.Recipients, i, i+1) })
			return true
		}
	case 3:
		if current.Channel == sequence.ChannelEmail {
			i := w.rng.IntN(len(current.Recipients))
			w.logf("dashboard: %s recipient %q respelled %q", addr, current.Recipients[i], swapCase(current.Recipients[i]))
			w.update(id, func(p *sequencetest.Policy) { p.Recipients[i] = swapCase(p.Recipients[i]) })
		}
	case 4:
		types := w.randomTypes()
		w.logf("dashboard: %s notification types -> %v", addr, types)
		w.update(id, func(p *sequencetest.Policy) { p.NotificationTypes = types })
	case 5:
		w.srv.DeletePolicy(id)
		w.logf("dashboard: delete %s (%s)", addr, id)
		return true
	default:
		look := current
		look.ID, look.CreatedAt, look.WebhookSecret = "", time.Time{}, ""
		look.Recipients = slices.Clone(current.Recipients)
		look.NotificationTypes = slices.Clone(current.NotificationTypes)
		stored := w.srv.InsertPolicy(look)
		w.lookalikes[stored.ID] = stored
		w.logf("dashboard: create look-alike %s of %s", stored.ID, addr)
	}
	return false
}

// removeKeptElement removes, in the dashboard, a recipient or a notification type that the
// pending plan keeps on one of the policies (never the last of either, which the dashboard itself
// would not leave or would widen). Applying the plan must then neither fail nor leave the policy
// matching every type. It returns the id of the policy it changed ("" when none).
func (w *chaosWalk) removeKeptElement() string {
	ids := w.managedIDs()
	type kept struct {
		addr, id, recipient, notificationType string
	}
	var candidates []kept
	for _, addr := range w.sortedAddresses() {
		id, ok := ids[addr]
		current, found := w.srv.Policy(id)
		want := w.policies[addr]
		if !ok || !found || current.Channel != want.channel {
			continue
		}
		for _, r := range current.Recipients {
			if len(current.Recipients) > 1 && slices.ContainsFunc(want.recipients, func(k string) bool { return sameRecipient(want.channel, k, r) }) {
				candidates = append(candidates, kept{addr: addr, id: id, recipient: r})
			}
		}
		for _, nt := range current.NotificationTypes {
			if len(current.NotificationTypes) > 1 && slices.Contains(want.types, nt) {
				candidates = append(candidates, kept{addr: addr, id: id, notificationType: nt})
			}
		}
	}
	if len(candidates) == 0 {
		return ""
	}
	c := candidates[w.rng.IntN(len(candidates))]
	if c.recipient != "" {
		w.logf("dashboard: remove recipient %q, which the plan keeps, from %s", c.recipient, c.addr)
		w.update(c.id, func(p *sequencetest.Policy) {
			p.Recipients = slices.DeleteFunc(p.Recipients, func(r string) bool { return r == c.recipient })
		})
	} else {
		w.logf("dashboard: remove notification type %s, which the plan keeps, from %s", c.notificationType, c.addr)
		w.update(c.id, func(p *sequencetest.Policy) {
			p.NotificationTypes = slices.DeleteFunc(p.NotificationTypes, func(nt string) bool { return nt == c.notificationType })
		})
	}
	return c.id
}

// unplannedType is a notification type added in the dashboard after the plan was made.
type unplannedType struct{ addr, id, notificationType string }

// addUnplannedType adds, in the dashboard, a type that neither the policy nor its configuration
// has to policy id (the one removeKeptElement changed, so the apply may have a race to repair),
// if it has types. Whatever the apply repairs on the way, it must not remove that type, which
// the plan never showed: the next plan shows it as drift.
func (w *chaosWalk) addUnplannedType(id string) unplannedType {
	for addr, managed := range w.managedIDs() {
		current, found := w.srv.Policy(managed)
		if managed != id || !found || len(current.NotificationTypes) == 0 {
			continue
		}
		for _, nt := range sequence.KnownNotificationTypes {
			if !slices.Contains(current.NotificationTypes, nt) && !slices.Contains(w.policies[addr].types, nt) {
				w.logf("dashboard: add notification type %s, which the plan does not show, to %s", nt, addr)
				w.update(id, func(p *sequencetest.Policy) { p.NotificationTypes = append(p.NotificationTypes, nt) })
				return unplannedType{addr: addr, id: id, notificationType: nt}
			}
		}
	}
	return unplannedType{}
}

// checkUnplannedTypeKept checks that a successful apply left the type addUnplannedType added.
func (w *chaosWalk) checkUnplannedTypeKept(u unplannedType) {
	w.t.Helper()
	if u.id == "" {
		return
	}
	if p, ok := w.srv.Policy(u.id); ok && !slices.Contains(p.NotificationTypes, u.notificationType) {
		w.t.Fatalf("the saved plan's apply removed %s from %s (%s), which the dashboard added after the plan: types now %q",
			u.notificationType, u.addr, u.id, p.NotificationTypes)
	}
}

// checkNotWidened checks that every managed policy whose configuration names notification types
// has some in the emulator: an apply never leaves one matching every type.
func (w *chaosWalk) checkNotWidened() {
	w.t.Helper()
	ids := w.managedIDs()
	for _, addr := range w.sortedAddresses() {
		p, ok := w.srv.Policy(ids[addr])
		if ok && len(w.policies[addr].types) > 0 && len(p.NotificationTypes) == 0 {
			w.t.Fatalf("after the saved plan, %s (%s) matches every notification type; its configuration names %q",
				addr, p.ID, w.policies[addr].types)
		}
	}
}

func (w *chaosWalk) update(id string, change func(*sequencetest.Policy)) {
	if err := w.srv.UpdatePolicy(id, change); err != nil {
		w.t.Fatal(err)
	}
}

// adoptDashboardPolicy creates a policy in the dashboard and an import block plus a resource
// describing it, with e-mail addresses spelled differently in the configuration (Sequence
// compares them case-insensitively, so that is not a change).
func (w *chaosWalk) adoptDashboardPolicy() {
	channel := sequence.ChannelEmail
	if w.rng.IntN(2) == 0 {
		channel = sequence.ChannelWebhook
	}
	p := w.newPolicy(channel)
	p.secretMode, p.secret, p.woVersion = secretGenerated, "", 0
	stored := w.srv.InsertPolicy(sequencetest.Policy{
		Name: p.name, Channel: p.channel, Recipients: slices.Clone(p.recipients), NotificationTypes: slices.Clone(p.types),
		WebhookSecret: p.wantSecret,
	})
	p.wantSecret = "" // generated by the dashboard: checked against state, not remembered
	if channel == sequence.ChannelEmail {
		for i := range p.recipients {
			if w.rng.IntN(2) == 0 {
				p.recipients[i] = swapCase(p.recipients[i])
			}
		}
	}
	addr := w.newAddress()
	w.policies[addr] = p
	w.imports[addr] = stored.ID
	w.logf("dashboard: create %s (%s, %q); config: import it as %s with recipients %q", stored.ID, channel, stored.Recipients, addr, p.recipients)
}

// savedPlanRace plans a configuration edit into a file, lets the dashboard change the account,
// then applies the saved plan, as `plan -out` reviewed in a pull request and applied later does.
func (w *chaosWalk) savedPlanRace() {
	w.editConfig()
	w.ws.writeConfig(w.config(0))
	plan := w.ws.run("plan", "-out=tfplan", "-no-color", "-input=false")
	w.checkNoBug(plan)
	if plan.exitCode != 0 {
		w.t.Fatalf("plan -out failed:\n%s", plan)
	}
	removed, keptRemoved := false, false
	var unplanned unplannedType
	if w.rng.IntN(3) == 0 {
		if id := w.removeKeptElement(); id != "" {
			keptRemoved = true
			if w.rng.IntN(2) == 0 {
				unplanned = w.addUnplannedType(id)
			}
		}
	}
	if !keptRemoved {
		removed = w.dashboardEdit()
	}
	res := w.ws.run("apply", "-auto-approve", "-no-color", "-input=false", "tfplan")
	w.checkNoBug(res)
	w.logf("saved plan applied after a dashboard edit: exit %d", res.exitCode)
	if res.exitCode != 0 && !removed {
		w.t.Fatalf("applying the saved plan failed although the dashboard took away nothing the plan removes:\n%s", res)
	}
	if keptRemoved {
		w.checkNotWidened()
	}
	if res.exitCode == 0 {
		w.checkUnplannedTypeKept(unplanned)
	}
	if res.exitCode != 0 {
		w.checkStateTrueAfterFailure(res)
	}
	w.applyAndVerify("converge after the saved plan")
}

// faultyApply applies a configuration edit while the emulator injects faults, with few retries so
// that some applies fail; whatever happens, state must stay true to the server and the next apply
// must converge.
func (w *chaosWalk) faultyApply() {
	w.editConfig()
	w.ws.writeConfig(w.config(chaosFaultRetries))
	w.srv.SetFaults(chaosFaultRate)
	res := w.ws.run("apply", "-auto-approve", "-no-color", "-input=false")
	w.srv.SetFaults(0)
	w.checkNoBug(res)
	w.logf("apply under faults: exit %d", res.exitCode)
	if res.exitCode != 0 {
		w.checkStateTrueAfterFailure(res)
	}
	w.applyAndVerify("converge after faults")
}

// planDrift is one entry of a plan's resource_drift in `show -json`.
type planDrift struct {
	Address string `json:"address"`
	Change  struct {
		Actions []string `json:"actions"`
	} `json:"change"`
}

// checkStateTrueAfterFailure checks that a failed apply left state true to the server: a
// refresh-only plan finds no attribute drift to record.
func (w *chaosWalk) checkStateTrueAfterFailure(res cliResult) {
	w.t.Helper()
	// A failed apply leaves state true to the server: refreshing finds nothing to record.
	w.ws.writeConfig(w.config(0))
	refresh := w.ws.run("plan", "-refresh-only", "-detailed-exitcode", "-no-color", "-input=false", "-out=refresh.tfplan")
	w.checkNoBug(refresh)
	if refresh.exitCode == 1 {
		w.t.Fatalf("refresh-only plan after a failed apply failed:\n%s", refresh)
	}
	if refresh.exitCode != 0 {
		// Exit code 2 also counts changes no user sees (the CLI compares whole state objects);
		// what matters is drift in the attributes.
		shown := w.ws.mustRun("show", "-json", "refresh.tfplan")
		var plan struct {
			ResourceDrift []planDrift `json:"resource_drift"`
		}
		if err := json.Unmarshal([]byte(shown.stdout), &plan); err != nil {
			w.t.Fatalf("reading the refresh-only plan: %v", err)
		}
		// The one drift allowed: a policy deleted in the dashboard while its update was applied.
		// The CLI keeps the prior state of a resource whose apply failed, whatever the provider
		// returns, so only the next refresh can drop it.
		gone := strings.Contains(res.output(), "no longer exists in Sequence")
		plan.ResourceDrift = slices.DeleteFunc(plan.ResourceDrift, func(d planDrift) bool {
			return gone && slices.Equal(d.Change.Actions, []string{"delete"})
		})
		if len(plan.ResourceDrift) > 0 {
			w.t.Fatalf("after a failed apply, state differs from the server (refresh-only plan):\n%s\n\ndrift:\n%s\n\nfailed apply:\n%s",
				refresh, plan.ResourceDrift, res)
		}
		w.logf("refresh-only plan exits 2 without attribute drift")
	}
}

// applyAndVerify applies the wanted configuration and checks every invariant: no provider-bug
// diagnostic, the emulator holds exactly what the configuration says, no duplicate or orphaned
// policy, look-alikes untouched, and an empty plan after it.
func (w *chaosWalk) applyAndVerify(what string) {
	w.t.Helper()
	w.ws.writeConfig(w.config(0))
	res := w.ws.run("apply", "-auto-approve", "-no-color", "-input=false")
	w.checkNoBug(res)
	if res.exitCode != 0 {
		w.t.Fatalf("%s: apply failed:\n%s", what, res)
	}
	w.verifyEmulatorMatchesConfig(what)
	if len(w.imports) > 0 {
		clear(w.imports)
		w.ws.writeConfig(w.config(0))
	}
	plan := w.ws.run("plan", "-detailed-exitcode", "-no-color", "-input=false")
	w.checkNoBug(plan)
	if plan.exitCode != 0 {
		w.t.Fatalf("%s: the plan after a successful apply is not empty:\n%s", what, plan)
	}
}

func (w *chaosWalk) checkNoBug(res cliResult) {
	w.t.Helper()
	if m := providerBugPatterns.FindString(res.output()); m != "" {
		w.t.Fatalf("provider-bug diagnostic %q:\n%s", m, res)
	}
	for _, secret := range []string{sequencetest.DefaultClientSecret} {
		if strings.Contains(res.output(), secret) {
			w.t.Fatalf("the client secret appears in CLI output:\n%s", res.args)
		}
	}
}

func (w *chaosWalk) verifyEmulatorMatchesConfig(what string) {
	w.t.Helper()
	ids := w.managedIDs()
	state := map[string]map[string]any{}
	for _, r := range w.ws.stateResources() {
		state[strings.TrimPrefix(r.Address, "sequence_notification_policy.")] = r.Values
	}
	byID := map[string]sequencetest.Policy{}
	for _, p := range w.srv.Policies() {
		byID[p.ID] = p
	}
	owner := map[string]string{}
	for _, addr := range w.sortedAddresses() {
		want := w.policies[addr]
		id, ok := ids[addr]
		if !ok {
			w.t.Fatalf("%s: %s is not in state", what, addr)
		}
		if other, dup := owner[id]; dup {
			w.t.Fatalf("%s: %s and %s both own policy %s", what, other, addr, id)
		}
		owner[id] = addr
		if _, ok := w.lookalikes[id]; ok {
			w.t.Fatalf("%s: %s adopted the dashboard's look-alike policy %s", what, addr, id)
		}
		got, ok := byID[id]
		if !ok {
			w.t.Fatalf("%s: %s's policy %s does not exist in the emulator", what, addr, id)
		}
		if got.Name != want.name || got.Channel != want.channel {
			w.t.Fatalf("%s: %s is %q/%s in the emulator, want %q/%s", what, addr, got.Name, got.Channel, want.name, want.channel)
		}
		if !sameRecipientSet(want.channel, got.Recipients, want.recipients) {
			w.t.Fatalf("%s: %s recipients in the emulator %q, want %q", what, addr, got.Recipients, want.recipients)
		}
		if len(got.NotificationTypes)+len(want.types) > 0 && !slices.Equal(sortedCopy(got.NotificationTypes), sortedCopy(want.types)) {
			w.t.Fatalf("%s: %s notification types in the emulator %q, want %q", what, addr, got.NotificationTypes, want.types)
		}
		if want.channel == sequence.ChannelWebhook && want.wantSecret != "" && got.WebhookSecret != want.wantSecret {
			w.t.Fatalf("%s: %s does not have the configured webhook secret in the emulator", what, addr)
		}
		if stateSecret, ok := state[addr]["webhook_secret"].(string); ok && stateSecret != got.WebhookSecret {
			w.t.Fatalf("%s: %s's webhook_secret in state is not the policy's secret in the emulator", what, addr)
		}
	}
	for id, p := range byID {
		if _, managed := owner[id]; managed {
			continue
		}
		look, ok := w.lookalikes[id]
		if !ok {
			w.t.Fatalf("%s: policy %s (%q) exists in the emulator but no resource owns it (a duplicate or orphan)", what, id, p.Name)
		}
		if !slices.Equal(look.Recipients, p.Recipients) || !slices.Equal(look.NotificationTypes, p.NotificationTypes) || look.Name != p.Name {
			w.t.Fatalf("%s: the dashboard's look-alike policy %s was changed by Terraform", what, id)
		}
	}
	for id := range w.lookalikes {
		if _, ok := byID[id]; !ok {
			w.t.Fatalf("%s: the dashboard's look-alike policy %s was deleted by Terraform", what, id)
		}
	}
}

func sameRecipientSet(channel string, a, b []string) bool {
	norm := func(in []string) []string {
		out := make([]string, len(in))
		for i, v := range in {
			if channel == sequence.ChannelEmail {
				v = strings.ToLower(v)
			}
			out[i] = v
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(norm(a), norm(b))
}
