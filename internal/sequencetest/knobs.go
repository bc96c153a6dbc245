// The emulator's knobs: the options it starts with and the setters that change them while it runs.

package sequencetest

import (
	"math"
	"slices"
	"time"
)

type config struct {
	clientID, clientSecret string
	latency                time.Duration
	faultRate              float64
	faultKinds             []FaultKind
	faultSeed              *int64
	faultRetryAfter        time.Duration
	requestsPerMinute      int
	omitSecretOnRead       bool
	omitSecretOnList       bool
	notificationTypes      []string
	accountID              string
	onRequest              func(Request)
	onChange               func()
	webhook                webhookConfig
}

// Option configures an Emulator.
type Option func(*config)

// WithCredentials sets the Basic credentials the emulator accepts.
func WithCredentials(id, secret string) Option {
	return func(c *config) { c.clientID, c.clientSecret = id, secret }
}

// WithLatency delays every request by d before anything else happens.
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = d } }

// WithFaults injects a fault into each /api request with probability rate (clamped to [0,1]),
// the kind drawn uniformly from kinds (all kinds when none are given).
func WithFaults(rate float64, kinds ...FaultKind) Option {
	return func(c *config) { c.faultRate, c.faultKinds = clampRate(rate), faultKindsOrAll(kinds) }
}

// WithFaultSeed makes fault injection reproducible; without it the seed is random. The draw for
// a request depends only on the seed, the request (method, path, query, body) and how many times
// that same request came before, not on the order in which different requests arrive: a run whose
// requests interleave differently (Terraform's parallelism) still meets the same faults.
func WithFaultSeed(seed int64) Option { return func(c *config) { c.faultSeed = &seed } }

// WithFaultRetryAfter sets the Retry-After of injected 429 faults, in whole seconds (rounded
// up). The default is 0 ("retry now") so tests stay fast; the rate limiter always sends its
// real wait.
func WithFaultRetryAfter(d time.Duration) Option { return func(c *config) { c.faultRetryAfter = d } }

// WithRequestsPerMinute limits /api requests with a token bucket that refills n/60 tokens a
// second and holds max(1, n/60); excess requests get 429 with Retry-After. 0 means no limit.
func WithRequestsPerMinute(n int) Option { return func(c *config) { c.requestsPerMinute = n } }

// WithOmitSecretOnRead makes GET and list leave out webhookSecret (the contract does not say
// whether Sequence returns it on reads).
func WithOmitSecretOnRead(omit bool) Option { return func(c *config) { c.omitSecretOnRead = omit } }

// WithOmitSecretOnList makes the list alone leave out webhookSecret, while GET returns it.
func WithOmitSecretOnList(omit bool) Option { return func(c *config) { c.omitSecretOnList = omit } }

// WithNotificationTypes sets the notification types the emulator accepts.
func WithNotificationTypes(types ...string) Option {
	return func(c *config) { c.notificationTypes = slices.Clone(types) }
}

// WithAccountID sets the sequenceAccountId of created policies.
func WithAccountID(id string) Option { return func(c *config) { c.accountID = id } }

// WithRequestHook calls hook with each request's log entry once the request is done (the
// standalone command logs with it). It runs on the request's goroutine.
func WithRequestHook(hook func(Request)) Option { return func(c *config) { c.onRequest = hook } }

// reconfigure applies opt to the running emulator: each setter is its option, applied under the lock.
func (e *Emulator) reconfigure(opt Option) {
	e.mu.Lock()
	defer e.mu.Unlock()
	opt(&e.cfg)
}

// SetLatency changes the per-request latency.
func (e *Emulator) SetLatency(d time.Duration) { e.reconfigure(WithLatency(d)) }

// SetFaults changes the fault rate and kinds (all kinds when none are given).
func (e *Emulator) SetFaults(rate float64, kinds ...FaultKind) {
	e.reconfigure(WithFaults(rate, kinds...))
}

// SetFaultRetryAfter changes the Retry-After of injected 429 faults (see WithFaultRetryAfter).
func (e *Emulator) SetFaultRetryAfter(d time.Duration) { e.reconfigure(WithFaultRetryAfter(d)) }

// QueueFaults makes the next len(kinds) /api requests fail with these kinds, in order, before
// any random fault is drawn: deterministic failures for tests ("503 once, then succeed").
func (e *Emulator) QueueFaults(kinds ...FaultKind) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faultQueue = append(e.faultQueue, kinds...)
}

// SetRequestsPerMinute changes the rate limit (0 = none) and refills the bucket.
func (e *Emulator) SetRequestsPerMinute(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cfg.requestsPerMinute = n
	e.bucket = newTokenBucket(n, time.Now())
}

// SetOmitSecretOnRead switches whether GET and list leave out webhookSecret.
func (e *Emulator) SetOmitSecretOnRead(omit bool) { e.reconfigure(WithOmitSecretOnRead(omit)) }

// SetOmitSecretOnList switches whether the list alone leaves out webhookSecret.
func (e *Emulator) SetOmitSecretOnList(omit bool) { e.reconfigure(WithOmitSecretOnList(omit)) }

// SetNotificationTypes replaces the set of valid notification types (Sequence changes it within
// an API version); stored policies keep theirs.
func (e *Emulator) SetNotificationTypes(types ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.setTypesLocked(types)
}

func (e *Emulator) setTypesLocked(types []string) {
	e.cfg.notificationTypes = slices.Clone(types)
	e.validTypes = make(map[string]bool, len(types))
	for _, t := range types {
		e.validTypes[t] = true
	}
}

func clampRate(rate float64) float64 {
	if math.IsNaN(rate) {
		return 0
	}
	return min(1, max(0, rate))
}

func faultKindsOrAll(kinds []FaultKind) []FaultKind {
	if len(kinds) == 0 {
		return slices.Clone(FaultKinds)
	}
	return slices.Clone(kinds)
}
