package sequence

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

const (
	// DefaultEndpoint is the production base URL.
	DefaultEndpoint = "https://eu.sequencehq.com/api"
	// SandboxEndpoint is the sandbox base URL (separate credentials).
	SandboxEndpoint = "https://sandbox.sequencehq.com/api"
	// APIVersion is sent as Sequence-Version on every request so the
	// account's pinned version never changes the shapes this client expects.
	APIVersion = "2024-07-30"

	defaultUserAgent = "terraform-provider-sequence"
	// maxIdleConnsPerHost is the idle connections kept for reuse; at least the CLI's default
	// parallelism (10), and the most requests one policy's update has in flight (16).
	maxIdleConnsPerHost = 16
	defaultMinBackoff   = 500 * time.Millisecond
	defaultMaxBackoff   = 30 * time.Second
	// defaultInterruptGrace bounds how long a request already sent is seen through after the
	// caller's context is cancelled: first its answer, then, for a create, the check for what it did.
	defaultInterruptGrace = 60 * time.Second
)

// Config configures a Client. Only Endpoint, ClientID and ClientSecret matter
// for correctness; the rest tune retries, rate limiting and transport.
type Config struct {
	// Endpoint is the base URL including /api; "" means DefaultEndpoint.
	Endpoint     string
	ClientID     string
	ClientSecret string

	// UserAgent is sent verbatim; "" means "terraform-provider-sequence".
	UserAgent string

	// MaxRetries is the number of retries after the first attempt; negative is an error.
	MaxRetries int
	// MinBackoff is the base of the exponential backoff; 0 means 500ms.
	MinBackoff time.Duration
	// MaxBackoff caps every wait between attempts, Retry-After included; 0 means 30s.
	MaxBackoff time.Duration

	// RequestsPerMinute limits requests sent by this Client (all goroutines
	// together), evenly spaced; 0 means no client-side limit.
	RequestsPerMinute int

	// HTTPClient sends the requests; nil means a client with timeouts that
	// does not follow redirects.
	HTTPClient *http.Client
}

// Client calls the Sequence API. It is safe for concurrent use; all callers
// share its rate limiter and its record of created policies.
type Client struct {
	base       *url.URL
	authHeader string
	userAgent  string
	httpClient *http.Client

	maxRetries int
	minBackoff time.Duration
	maxBackoff time.Duration
	limiter    *rateLimiter
	// interruptGrace is defaultInterruptGrace; tests shorten it.
	interruptGrace time.Duration

	// redact lists strings that must never appear in an error or a log line.
	redact []string
	// ownText finds text the client wrote itself (ownTextPattern).
	ownText *regexp.Regexp
	// logMasks masks redact (and generated webhook secrets) in log lines (logContext).
	logMasks logMasks

	creates createRegistry
	root    apiRootCheck
	clock   serverClock
	seen    policiesSeen
	reads   policyReads

	// maxResponseBytes overrides the package's response size cap (tests); 0 keeps it.
	maxResponseBytes int64
}

// NewClient validates cfg and returns a Client. Errors never quote the credentials.
func NewClient(cfg Config) (*Client, error) {
	endpoint := cfg.Endpoint
	if strings.TrimSpace(endpoint) == "" {
		endpoint = DefaultEndpoint
	}
	base, err := ParseEndpoint(endpoint)
	if err != nil {
		return nil, err
	}

	switch {
	case cfg.ClientID == "":
		return nil, errors.New("sequence: client id is empty")
	case cfg.ClientSecret == "":
		return nil, errors.New("sequence: client secret is empty")
	case strings.Contains(cfg.ClientID, ":"):
		// Basic auth cannot carry a colon in the user part.
		return nil, errors.New("sequence: client id must not contain ':'")
	case ContainsControl(cfg.ClientID) || ContainsControl(cfg.ClientSecret):
		return nil, errors.New("sequence: client id and secret must not contain control characters")
	case cfg.MaxRetries < 0:
		return nil, fmt.Errorf("sequence: max retries must be zero or more, got %d", cfg.MaxRetries)
	case cfg.MinBackoff < 0 || cfg.MaxBackoff < 0:
		return nil, errors.New("sequence: backoff durations must not be negative")
	case cfg.RequestsPerMinute < 0:
		return nil, fmt.Errorf("sequence: requests per minute must be zero or more, got %d", cfg.RequestsPerMinute)
	case ContainsControl(cfg.UserAgent):
		return nil, errors.New("sequence: user agent must not contain control characters")
	}

	c := &Client{
		base:       base,
		userAgent:  cfg.UserAgent,
		httpClient: cfg.HTTPClient,
		maxRetries: cfg.MaxRetries,
		minBackoff: cfg.MinBackoff,
		maxBackoff: cfg.MaxBackoff,
		limiter:    newRateLimiter(cfg.RequestsPerMinute),

		interruptGrace: defaultInterruptGrace,
	}
	token := base64.StdEncoding.EncodeToString([]byte(cfg.ClientID + ":" + cfg.ClientSecret))
	c.authHeader = "Basic " + token
	c.redact = []string{c.authHeader, token, cfg.ClientSecret}
	c.ownText = ownTextPattern(base)
	c.logMasks = logMasks{patterns: []*regexp.Regexp{generatedWebhookSecret}}.with(c.redact)
	if c.userAgent == "" {
		c.userAgent = defaultUserAgent
	}
	if c.minBackoff == 0 {
		c.minBackoff = defaultMinBackoff
	}
	if c.maxBackoff == 0 {
		c.maxBackoff = defaultMaxBackoff
	}
	if c.minBackoff > c.maxBackoff {
		c.minBackoff = c.maxBackoff
	}
	if c.httpClient == nil {
		c.httpClient = defaultHTTPClient()
	}
	return c, nil
}

// EndpointError says why an endpoint cannot be the API base URL. Endpoint is the value as it may
// be shown: anything that could be credentials (before an '@', a query, a fragment) is left out.
type EndpointError struct {
	Endpoint string
	// Problem completes "the endpoint is ...: ", e.g. "plain http would send the API credentials unencrypted; ...".
	Problem string
}

func (e *EndpointError) Error() string {
	return fmt.Sprintf("sequence: endpoint %q: %s", e.Endpoint, e.Problem)
}

// ParseEndpoint is the one check of an API base URL, used by the client and by the provider's
// configuration: an absolute https URL, or http for a loopback host (the emulator), without
// credentials, query or fragment. Surrounding white space is ignored and trailing slashes are
// dropped. A failure is an *EndpointError, which never quotes credentials, a query or a fragment.
func ParseEndpoint(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		// Quoted as it is: white space is no secret, and "" would hide what was set.
		return nil, &EndpointError{Endpoint: raw, Problem: "only white space; set the API's base URL, such as " +
			DefaultEndpoint + ", or leave it unset or empty for the default"}
	}
	raw = strings.TrimSpace(raw)
	fail := func(problem string) (*url.URL, error) {
		return nil, &EndpointError{Endpoint: EndpointForDisplay(raw), Problem: problem}
	}
	// Sequence's base URLs never hold an '@'. Refusing any (not just what url.Parse takes for user
	// information) also catches a password holding '/', which url.Parse would read as a path and
	// send to whatever host the user name then looks like.
	if strings.Contains(raw, "@") {
		return fail("holds an '@', so possibly credentials (left out of this message); " +
			"the endpoint takes no user information: set client_id and client_secret instead")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse's error quotes the input; ours says what matters.
		return fail("not a valid URL")
	}
	if !u.IsAbs() || u.Hostname() == "" || u.Opaque != "" {
		return fail("must be an absolute URL such as " + DefaultEndpoint)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return fail("has a query or fragment (left out of this message, as it may hold credentials); " +
			"the endpoint is the API's base URL alone, such as " + DefaultEndpoint)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return fail("plain http would send the API credentials unencrypted; use https " +
				"(http is only allowed for a loopback host such as 127.0.0.1 or localhost)")
		}
	default:
		return fail(fmt.Sprintf("unsupported scheme %q; use https", u.Scheme))
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}

// elided marks where EndpointForDisplay left something out.
const elided = "…"

// EndpointForDisplay returns raw without anything that could be credentials: the user
// information (everything between the scheme's "//", or the start, and the last '@'), and the
// value of a query or fragment, of which only the '?' or '#' is kept, followed by "…". When an
// '@' may stand inside a query or fragment, everything after the scheme is left out. It works on
// text that is not a valid URL too, which is when error messages most need to quote it.
func EndpointForDisplay(raw string) string {
	shown := raw
	if at := strings.LastIndex(raw, "@"); at >= 0 {
		start := 0
		if i := strings.Index(raw, "//"); i >= 0 && i < at {
			start = i + 2
		}
		if strings.ContainsAny(raw[start:at], "?#") {
			// The '@' may be part of a query or fragment, and then so is what follows it.
			return raw[:start] + elided
		}
		shown = raw[:start] + raw[at+1:]
	}
	if i := strings.IndexAny(shown, "?#"); i >= 0 {
		shown = shown[:i+1] + elided
	}
	return shown
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ContainsControl reports whether s has an ASCII control character, which an HTTP header (the
// credentials, the user agent) cannot carry.
func ContainsControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

func defaultHTTPClient() *http.Client {
	transport := &http.Transport{}
	if base, ok := http.DefaultTransport.(*http.Transport); ok { // always, unless a program replaced it
		transport = base.Clone()
	}
	transport.ResponseHeaderTimeout = 60 * time.Second
	transport.TLSHandshakeTimeout = 10 * time.Second
	// Keep a connection for every request that can be in flight together: Go's default of 2 idle
	// connections per host makes most requests of a `-parallelism=10` apply, or of an update's
	// wave, open a new connection. HTTP/2 is used whenever the server offers it over TLS, which
	// multiplexes all of them over one connection.
	transport.MaxIdleConnsPerHost = maxIdleConnsPerHost
	transport.ForceAttemptHTTP2 = true
	return &http.Client{
		Transport: transport,
		Timeout:   90 * time.Second,
		// A redirect would turn a POST into a GET and could carry the
		// credentials elsewhere; report it as an API error instead.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
