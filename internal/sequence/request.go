package sequence

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// maxResponseBytes bounds what one response may make us hold in memory; a
// page of 100 policies is a few tens of kilobytes.
const maxResponseBytes = 8 << 20

// retryMode says when an attempt that failed may be sent again.
type retryMode int

const (
	// retryAlways: repeating the request cannot change the outcome (GET,
	// DELETE, and the add POSTs, which accept elements already present).
	retryAlways retryMode = iota //nolint:unused // the zero value: every call but the create
	// retryUnprocessed: the create POST, which has no idempotency key. It is
	// repeated only when the server cannot have processed it; otherwise
	// recoverAmbiguous decides.
	retryUnprocessed
)

// apiCall describes one logical operation; do may send it several times.
type apiCall struct {
	op       string   // e.g. `reading notification policy "id"`, prefixes every error
	method   string   // http.MethodGet, ...
	segments []string // path below the base URL, one unescaped value per segment
	query    url.Values
	body     any // marshalled to JSON; nil means no body
	mode     retryMode
	redact   []string // call-specific secrets (the webhook secret being sent)
	// writes is the id of the policy the call changes, whose reads do forgets (reads.go).
	writes string
	// firstSent is when the first attempt was handed to the transport.
	firstSent time.Time

	// recoverAmbiguous is the operation's own recovery, called for
	// retryUnprocessed calls after an attempt that may have been processed
	// (5xx, or a transport failure once the request was written). It reports
	// whether it found what that attempt did (the caller keeps the finding; do
	// then returns a result marked recovered), false to have the call
	// retried, or an error that ends the call.
	recoverAmbiguous func(ctx context.Context, cause error) (recovered bool, err error)
}

// apiResult is the final response of a call.
type apiResult struct {
	status      int
	contentType string
	body        []byte
	// recovered is true when recoverAmbiguous settled the call instead of a
	// response (status and body are then empty).
	recovered bool
	// sent and received bracket the final attempt (local times), so whatever
	// the server stamped while answering it was stamped in between.
	sent, received time.Time
}

// attemptOutcome is what one attempt produced.
type attemptOutcome struct {
	status int
	header http.Header
	body   []byte
	// wrote is true once the whole request was written to the connection.
	wrote bool
	err   error // transport failure, or failure reading the response
	// sent and received bracket the attempt: handed to the transport, response headers in.
	sent, received time.Time
}

// do is the package's only retry loop. It sends call until it succeeds, fails
// in a way that retrying cannot fix, or runs out of retries. A non-2xx answer
// is returned as *APIError together with its apiResult. Operations call it
// through send, which holds a 404 to being Sequence's (notfound.go).
func (c *Client) do(ctx context.Context, call *apiCall) (*apiResult, error) {
	if call.writes != "" {
		// Before, so no read is served the policy as it was; after, so none keeps what a read
		// fetched meanwhile.
		c.reads.wrote(call.writes)
		defer c.reads.wrote(call.writes)
	}
	ctx = c.logContext(ctx, call.redact)
	reqURL := c.url(call.segments, call.query)

	var body []byte
	if call.body != nil {
		var err error
		if body, err = json.Marshal(call.body); err != nil {
			return nil, c.opError(call, fmt.Errorf("encoding request: %w", err))
		}
	}

	for attempt := 0; ; attempt++ {
		if err := c.limiter.wait(ctx); err != nil {
			return nil, c.opError(call, err)
		}

		out := c.attempt(ctx, call, reqURL, body, attempt)

		var failure error // why this attempt failed, if it may be retried
		var retryAfter time.Duration
		mayHaveProcessed := false
		switch {
		case out.err != nil:
			failure = c.opError(call, out.err)
			mayHaveProcessed = out.wrote
			// An oversized answer comes back as large when asked again; only a
			// create's goes on to the check for the policy it made.
			tooLarge := errors.As(out.err, new(*responseTooLargeError)) && call.mode != retryUnprocessed
			if !retryableTransportError(out.err) || tooLarge {
				return nil, failure
			}
			if ctx.Err() != nil && (!mayHaveProcessed || call.mode != retryUnprocessed) {
				return nil, failure // interrupted, and nothing to see through here
			}
		case out.status >= 200 && out.status < 300:
			return &apiResult{status: out.status, body: out.body, sent: out.sent, received: out.received}, nil
		default:
			contentType := out.header.Get("Content-Type")
			apiErr := newAPIError(call.op, out.status, contentType, out.body, c.secrets(call))
			if !retryableStatus(out.status) {
				return &apiResult{status: out.status, contentType: contentType, body: out.body}, apiErr
			}
			failure = apiErr
			retryAfter = parseRetryAfter(out.header.Get("Retry-After"), time.Now())
			mayHaveProcessed = out.status != http.StatusTooManyRequests
		}

		if mayHaveProcessed && call.mode == retryUnprocessed {
			if call.recoverAmbiguous == nil {
				return nil, failure
			}
			// The check is part of seeing the sent request through, so an interruption does not cut it short.
			recoverCtx, release := c.outliveCancel(ctx, committedGate())
			recovered, err := call.recoverAmbiguous(recoverCtx, failure)
			release()
			if err != nil {
				return nil, err
			}
			if recovered {
				return &apiResult{recovered: true}, nil
			}
			if ctx.Err() != nil {
				return nil, fmt.Errorf("%w (interrupted; the check found no policy made by this request)", failure)
			}
		}

		if attempt >= c.maxRetries {
			if attempt > 0 {
				return nil, fmt.Errorf("%w (gave up after %d attempts)", failure, attempt+1)
			}
			return nil, failure
		}
		wait := c.backoff(attempt, retryAfter)
		c.logRetry(ctx, call, attempt, wait, failure)
		if err := sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%w (stopped waiting to retry: %w)", failure, err)
		}
	}
}

// attempt sends the request once and reads the whole response.
func (c *Client) attempt(ctx context.Context, call *apiCall, reqURL *url.URL, body []byte, attempt int) attemptOutcome {
	var wrote atomic.Bool
	gate := &sendGate{}
	trace := &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) {
			if body == nil {
				gate.commit() // nothing else marks the start of sending a request without a body
			}
		},
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				wrote.Store(true)
			}
		},
	}
	reqCtx, release := c.attemptContext(ctx, call, gate)
	defer release()
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(reqCtx, trace), call.method, reqURL.String(), nil)
	if err != nil {
		return attemptOutcome{err: err}
	}
	if body != nil {
		req.GetBody = func() (io.ReadCloser, error) {
			return io.NopCloser(&gatedBody{body: bytes.NewReader(body), gate: gate}), nil
		}
		req.Body, _ = req.GetBody()
		req.ContentLength = int64(len(body))
	}
	req.URL = reqURL // keep RawPath exactly as built; never re-escaped by a parse round trip
	req.Header.Set("Authorization", c.authHeader)
	req.Header.Set("Sequence-Version", APIVersion)
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	c.logRequest(ctx, call, reqURL, body, attempt)
	start := time.Now()
	if call.firstSent.IsZero() {
		call.firstSent = start
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		if cause := context.Cause(reqCtx); errors.Is(cause, errNoAnswerAfterInterrupt) && !errors.Is(err, cause) {
			err = fmt.Errorf("%w: %w", cause, err)
		}
		out := attemptOutcome{err: err, wrote: wrote.Load()}
		c.logResponse(ctx, call, reqURL, out, attempt, time.Since(start))
		return out
	}
	received := time.Now()
	c.clock.observeDate(resp.Header.Get("Date"), start, received)
	defer resp.Body.Close()
	limit := c.responseLimit()
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	out := attemptOutcome{status: resp.StatusCode, header: resp.Header, body: data, wrote: true, sent: start, received: received}
	switch {
	case err != nil:
		out.err = fmt.Errorf("reading the %s response: %w", resp.Status, err)
	case int64(len(data)) > limit:
		out.err = &responseTooLargeError{status: resp.Status, limit: limit}
	}
	c.logResponse(ctx, call, reqURL, out, attempt, time.Since(start))
	return out
}

// responseTooLargeError is an answer longer than the Client holds in memory.
// It is not transient: the same request gets the same answer.
type responseTooLargeError struct {
	status string
	limit  int64
}

func (e *responseTooLargeError) Error() string {
	return fmt.Sprintf("the %s response is larger than %d bytes", e.status, e.limit)
}

func (c *Client) responseLimit() int64 {
	if c.maxResponseBytes > 0 {
		return c.maxResponseBytes
	}
	return maxResponseBytes
}

// errNoAnswerAfterInterrupt ends a request seen through after its caller was interrupted.
var errNoAnswerAfterInterrupt = errors.New("interrupted, and no answer came")

// attemptContext is the context one attempt is sent with. A read follows ctx. A request that
// changes something is seen through once the transport began sending it (see sendGate):
// Terraform cancels every call in flight on Ctrl-C, and a change abandoned then is one Sequence
// makes and nobody records (a create becomes a duplicate on the next apply). Cancelling ctx
// earlier still stops the request before any of it can reach Sequence.
func (c *Client) attemptContext(ctx context.Context, call *apiCall, gate *sendGate) (context.Context, func()) {
	if call.method == http.MethodGet {
		return ctx, func() {}
	}
	return c.outliveCancel(ctx, gate)
}

// outliveCancel returns a context that has ctx's values but not its cancellation once gate is
// committed: a cancellation of ctx then ends it c.interruptGrace later, with
// errNoAnswerAfterInterrupt in its cause. Before that, a cancellation abandons gate and ends the
// context with ctx. Call release when done.
func (c *Client) outliveCancel(ctx context.Context, gate *sendGate) (context.Context, func()) {
	detached, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	var grace atomic.Pointer[time.Timer]
	stop := context.AfterFunc(ctx, func() {
		if gate.abandon() {
			cancel(context.Cause(ctx))
			return
		}
		grace.Store(time.AfterFunc(c.interruptGrace, func() {
			cancel(fmt.Errorf("%w within %s of the interruption", errNoAnswerAfterInterrupt, c.interruptGrace))
		}))
	})
	return detached, func() {
		stop()
		if t := grace.Load(); t != nil {
			t.Stop()
		}
		cancel(context.Canceled)
	}
}

// sendGate settles, exactly once, the race between the transport starting to send a request
// and the caller being interrupted. For a request with a body, sending starts when the transport
// first reads the body: before that no complete request can reach Sequence, so an interruption
// abandons it; after that it may be processed, so it is seen through. Either side that comes
// second learns the outcome, which a flag set after the write (WroteRequest) could not give.
type sendGate struct {
	mu        sync.Mutex
	committed bool
	abandoned bool
}

// committedGate is a gate for work that is always seen through (the check after an ambiguous create).
func committedGate() *sendGate { return &sendGate{committed: true} }

// commit reports whether sending may go on (it is false once the request was abandoned).
func (g *sendGate) commit() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.abandoned {
		g.committed = true
	}
	return g.committed
}

// abandon reports whether the request was abandoned before sending began.
func (g *sendGate) abandon() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.committed {
		g.abandoned = true
	}
	return g.abandoned
}

// errAbandoned stops the transport from sending the body of a request abandoned before it began.
var errAbandoned = errors.New("interrupted before the request was sent")

// gatedBody is a request body whose first read commits its gate.
type gatedBody struct {
	body *bytes.Reader
	gate *sendGate
}

func (b *gatedBody) Read(p []byte) (int, error) {
	if !b.gate.commit() {
		return 0, errAbandoned
	}
	return b.body.Read(p)
}

// url joins the base URL and the path segments, each escaped as exactly one
// segment. Path and RawPath are both set so net/http sends RawPath verbatim.
func (c *Client) url(segments []string, query url.Values) *url.URL {
	u := *c.base
	rawPath := u.EscapedPath()
	path := u.Path
	for _, s := range segments {
		rawPath += "/" + escapeSegment(s)
		path += "/" + s
	}
	u.Path, u.RawPath = path, rawPath
	u.RawQuery = query.Encode()
	return &u
}

// escapeSegment percent-encodes every byte outside RFC 3986's unreserved set,
// so '/', '?', '#', '%', '+', '@', spaces and non-ASCII all stay inside one
// segment. (url.PathEscape leaves '@', '+' and others as they are.)
func escapeSegment(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) * 3)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' ||
			ch == '-' || ch == '.' || ch == '_' || ch == '~' {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&0xf])
	}
	return b.String()
}
