package sequencetest

import (
	"bytes"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultNotificationTypes is the emulator's set of valid notification types: those valid for
// API version 2024-07-30 as of 2026-08. WithNotificationTypes replaces it.
var DefaultNotificationTypes = []string{
	"CUSTOMER_CREATED", "CUSTOMER_UPDATED", "CUSTOMER_ARCHIVED",
	"INVOICE_CREATED", "INVOICE_ISSUED", "INVOICE_UPDATED", "INVOICE_REMINDER_SENT",
	"INTEGRATION_SYNC_COMPLETED", "INTEGRATION_WEBHOOK_HANDLED", "MERCHANT_UPDATED",
	"BILLING_SCHEDULE_CREATED", "BILLING_SCHEDULE_UPDATED", "BILLING_SCHEDULE_ARCHIVED",
	"CREDIT_NOTE_CREATED", "CREDIT_NOTE_UPDATED", "CREDIT_NOTE_ISSUED",
	"QUOTE_PUBLISHED", "QUOTE_ACCEPTED", "QUOTE_SIGNED", "WATCHTOWER_TASK_ASSIGNED",
}

const (
	// DefaultClientID and DefaultClientSecret are the Basic credentials accepted by default.
	DefaultClientID     = "emulator-client-id"
	DefaultClientSecret = "emulator-client-secret" //nolint:gosec // the emulator's well-known local credential, not a real one
	// DefaultAccountID is the sequenceAccountId of policies unless WithAccountID says otherwise.
	DefaultAccountID = "c4602d51-0fb4-4b48-b689-6ba28f540d1e"
	// DefaultAPIVersion applies when a request sends no Sequence-Version header (the account's
	// pinned version).
	DefaultAPIVersion = "2024-07-30"
)

// SupportedAPIVersions are the Sequence-Version values the emulator accepts; all behave alike.
var SupportedAPIVersions = []string{"2024-07-30", "2024-05-09", "2024-01-01"}

// Request is one entry of the request log. It never holds headers or bodies, so no credential or
// secret can leak through it.
type Request struct {
	Method string
	Path   string // escaped path as received, without the query
	Query  string // raw query
	Status int    // 0 when the connection was reset or the client went away
	Fault  FaultKind
	// RateLimited is set when the requests-per-minute limit answered 429.
	RateLimited bool
	// Arrived is when the request reached the emulator, before any latency; Answered is when its
	// status was written (or the connection given up). The log is in the order of Answered, so
	// Arrived tells which requests were in flight together (e.g. an update's waves).
	Arrived, Answered time.Time
}

// Emulator is the in-memory Sequence API. It is an http.Handler serving under /api and is safe
// for concurrent use, including its knobs and store accessors.
type Emulator struct {
	mu         sync.Mutex
	cfg        config
	validTypes map[string]bool
	faultSeed  uint64
	faultDraws map[uint64]uint64 // how many times each request key was drawn for
	faultQueue []FaultKind
	bucket     tokenBucket
	store      store
	requests   []Request
	webhooks   *webhookSender
	// typesEmptied counts the API requests that left a policy with types without any (matching
	// every type, to Sequence): tests of update races assert that none did.
	typesEmptied int
}

// New returns an Emulator with no policies.
func New(opts ...Option) *Emulator {
	cfg := config{
		clientID:          DefaultClientID,
		clientSecret:      DefaultClientSecret,
		faultKinds:        slices.Clone(FaultKinds),
		notificationTypes: slices.Clone(DefaultNotificationTypes),
		accountID:         DefaultAccountID,
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	seed := rand.Int64() //nolint:gosec // fault injection needs a reproducible (seedable) generator, not a secret one
	if cfg.faultSeed != nil {
		seed = *cfg.faultSeed
	}
	e := &Emulator{
		cfg:        cfg,
		faultSeed:  uint64(seed), //nolint:gosec // G115: a seed, any bits will do
		faultDraws: map[uint64]uint64{},
		bucket:     newTokenBucket(cfg.requestsPerMinute, time.Now()),
		store:      newStore(),
		webhooks:   newWebhookSender(cfg.webhook),
	}
	e.setTypesLocked(cfg.notificationTypes)
	return e
}

// TypesEmptiedByRequests is how many API requests left a policy that had notification types
// without any, so that it matched every type. Edits made through UpdatePolicy (the dashboard) do
// not count.
func (e *Emulator) TypesEmptiedByRequests() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.typesEmptied
}

// Requests returns a copy of the request log, oldest first.
func (e *Emulator) Requests() []Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.requests)
}

// ResetRequests empties the request log.
func (e *Emulator) ResetRequests() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.requests = nil
}

// statusWriter logs the request when its status is written: before any byte of the response
// can reach the client, so a client that has its answer always finds it in Requests().
type statusWriter struct {
	http.ResponseWriter
	onStatus func(status int)
}

func (w *statusWriter) WriteHeader(code int) {
	w.onStatus(code)
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.onStatus(http.StatusOK)
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// ServeHTTP runs one request through latency, the rate limit and fault injection, then the API.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	entry := Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Arrived: time.Now()}
	logged := false
	logEntry := func(status int) {
		if !logged {
			logged = true
			entry.Status = status
			entry.Answered = time.Now()
			e.record(entry)
		}
	}
	defer logEntry(0) // the client went away before an answer
	sw := &statusWriter{ResponseWriter: w, onStatus: logEntry}

	// Every response names the version used; an unknown one is refused later, after auth.
	version := r.Header.Get("Sequence-Version")
	if !slices.Contains(SupportedAPIVersions, version) {
		version = DefaultAPIVersion
	}
	w.Header().Set("Sequence-Version", version)

	if entry.Path == EventsPath {
		e.serveEvents(sw, r)
		return
	}
	if entry.Path != "/api" && !strings.HasPrefix(entry.Path, "/api/") {
		writeError(sw, http.StatusNotFound, "NotFound", "no such endpoint")
		return
	}

	e.mu.Lock()
	latency := e.cfg.latency
	e.mu.Unlock()
	if latency > 0 {
		timer := time.NewTimer(latency)
		select {
		case <-timer.C:
		case <-r.Context().Done():
			timer.Stop()
			return
		}
	}

	body := peekBody(r)
	e.mu.Lock()
	retryAfter, allowed := e.bucket.take(time.Now())
	var fault FaultKind
	if allowed {
		fault = e.drawFaultLocked(e.faultKeyLocked(r, body))
	}
	faultRetryAfter := e.cfg.faultRetryAfter
	e.mu.Unlock()
	if !allowed {
		entry.RateLimited = true
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
		writeError(sw, http.StatusTooManyRequests, "TooManyRequests", "rate limit exceeded")
		return
	}

	entry.Fault = fault
	switch fault {
	case Fault429:
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(faultRetryAfter.Seconds()))))
		writeError(sw, http.StatusTooManyRequests, "TooManyRequests", "rate limit exceeded")
	case Fault500:
		writeError(sw, http.StatusInternalServerError, "InternalServerError", "internal server error")
	case Fault503:
		// What a load balancer answers when the service behind it is down: not JSON.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		sw.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(sw, "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>\n")
	case FaultResetBeforeHandler:
		// Read the whole request first so the client has sent it: the failure is ambiguous.
		_, _ = io.Copy(io.Discard, r.Body)
		logEntry(0)
		resetConnection(w)
	case FaultResetAfterCommit:
		e.serveAPI(httptest.NewRecorder(), r)
		logEntry(0)
		resetConnection(w)
	default:
		entry.Fault = "" // no fault, or a kind this emulator does not know: serve normally
		e.serveAPI(sw, r)
	}
}

// drawFaultLocked picks the fault for this request: a queued one first, else a draw that depends
// on the seed, the request's key and how many times that key was drawn for before.
func (e *Emulator) drawFaultLocked(key uint64) FaultKind {
	if len(e.faultQueue) > 0 {
		k := e.faultQueue[0]
		e.faultQueue = e.faultQueue[1:]
		return k
	}
	if e.cfg.faultRate <= 0 || len(e.cfg.faultKinds) == 0 {
		return ""
	}
	n := e.faultDraws[key]
	e.faultDraws[key] = n + 1
	rng := rand.New(rand.NewPCG(e.faultSeed^key, n)) //nolint:gosec // reproducible by design
	if rng.Float64() >= e.cfg.faultRate {
		return ""
	}
	return e.cfg.faultKinds[rng.IntN(len(e.cfg.faultKinds))]
}

// faultKey identifies a request for fault draws: method, path, query and body, with a policy id
// in the path replaced by the policy's name, so a replay whose policies got other (random) ids
// still keys its requests alike. It reads the body and puts an identical one back for the
// handler. Called with e.mu held.
func (e *Emulator) faultKeyLocked(r *http.Request, body []byte) uint64 {
	h := fnv.New64a()
	segments := strings.Split(r.URL.EscapedPath(), "/")
	for i, seg := range segments {
		if sp, ok := e.store.get(seg); ok {
			segments[i] = "policy named " + sp.policy.Name
		}
	}
	_, _ = io.WriteString(h, r.Method+" "+strings.Join(segments, "/")+"?"+r.URL.RawQuery+"\n")
	h.Write(body)
	return h.Sum64()
}

// peekBody returns the start of r's body and gives the handler an identical body.
func peekBody(r *http.Request) []byte {
	if r.Body == nil {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxFaultKeyBody))
	rest := r.Body
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), rest), rest}
	return body
}

// maxFaultKeyBody bounds what faultKey reads of a body; the handler still gets all of it.
const maxFaultKeyBody = 1 << 20

func (e *Emulator) record(entry Request) {
	e.mu.Lock()
	e.requests = append(e.requests, entry)
	hook := e.cfg.onRequest
	e.mu.Unlock()
	if hook != nil {
		hook(entry)
	}
}

// Server is an Emulator listening on a loopback port, like httptest.Server.
type Server struct {
	*Emulator
	// URL is the base URL including /api, e.g. http://127.0.0.1:41234/api.
	URL string

	httpServer *httptest.Server
}

// NewServer starts an Emulator on a loopback port; it is closed when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	e := New(opts...)
	hs := httptest.NewServer(e)
	t.Cleanup(hs.Close)
	return &Server{Emulator: e, URL: hs.URL + "/api", httpServer: hs}
}

// Close stops the server early (later requests cannot connect); the test's cleanup is then a
// no-op.
func (s *Server) Close() { s.httpServer.Close() }

// Waves groups requests into sequential waves: sorted by arrival, a request opens a new wave when
// every request that arrived before it had already been answered, i.e. when nothing was in
// flight. The number of waves is the number of round trips a client waited for one after the
// other; requests of one wave overlapped (directly or through each other). A request never
// answered (the client went away) counts as answered when it arrived.
func Waves(requests []Request) [][]Request {
	sorted := slices.Clone(requests)
	slices.SortStableFunc(sorted, func(a, b Request) int { return a.Arrived.Compare(b.Arrived) })
	var waves [][]Request
	var inFlightUntil time.Time
	for _, r := range sorted {
		if len(waves) == 0 || !r.Arrived.Before(inFlightUntil) {
			waves = append(waves, nil)
		}
		waves[len(waves)-1] = append(waves[len(waves)-1], r)
		if end := r.Answered; end.After(inFlightUntil) {
			inFlightUntil = end
		} else if r.Arrived.After(inFlightUntil) {
			inFlightUntil = r.Arrived
		}
	}
	return waves
}
