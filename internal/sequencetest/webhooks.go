// Webhook deliveries: what Sequence sends to the recipients of WEBHOOK policies when an event
// happens. The envelope and the signature are Sequence's documented format; retries, timeouts,
// ordering and the hosts it delivers to are the emulator's choices (see the package doc).

package sequencetest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	// webhookAttempts is how many times a delivery is tried before it counts as failed.
	webhookAttempts = 3
	// webhookAttemptTimeout bounds one attempt, from dialling to the end of the answer.
	webhookAttemptTimeout = 2 * time.Second
	// maxWebhookAnswer is how much of a receiver's answer is read (and thrown away).
	maxWebhookAnswer = 64 << 10
)

// webhookBackoff is the wait before the second and the third attempt: short, so that a failed
// delivery is reported within a few seconds (3 attempts of at most 2s, plus 1s of waiting).
var webhookBackoff = [webhookAttempts - 1]time.Duration{250 * time.Millisecond, 750 * time.Millisecond}

// webhookConfig is the part of the emulator's configuration that concerns deliveries.
type webhookConfig struct {
	caCerts   []*x509.Certificate
	anyHost   bool
	onAttempt func(DeliveryAttempt)
}

// WithWebhookCA trusts certs, besides the system's roots, when delivering to https recipients:
// the certificate of a local receiver, typically self-signed.
func WithWebhookCA(certs ...*x509.Certificate) Option {
	return func(c *config) { c.webhook.caCerts = append(c.webhook.caCerts, certs...) }
}

// WithDeliverToAnyHost lets webhook deliveries go to any host. Without it only loopback hosts
// (localhost, 127.0.0.0/8, ::1) receive them: an emulator full of example policies should not
// send events to real hosts.
func WithDeliverToAnyHost(anyHost bool) Option {
	return func(c *config) { c.webhook.anyHost = anyHost }
}

// WithDeliveryHook calls hook after every delivery attempt, and once for a delivery refused
// without an attempt (Attempt 0); the standalone command logs with it. It runs on the delivery's
// goroutine, so calls for different recipients may overlap.
func WithDeliveryHook(hook func(DeliveryAttempt)) Option {
	return func(c *config) { c.webhook.onAttempt = hook }
}

// Event is what happened, as the trigger endpoint takes it: every WEBHOOK policy receiving
// NotificationType gets it in Sequence's envelope.
type Event struct {
	NotificationType string
	ResourceType     string          // optional
	ResourceID       string          // optional
	Resource         json.RawMessage // optional: a JSON object, the state of the resource
}

// Delivery is the outcome of sending one event to one recipient of one policy.
type Delivery struct {
	PolicyID  string `json:"policyId"`
	Recipient string `json:"recipient"`
	// Status is the HTTP status of the last attempt, 0 when no answer came.
	Status   int `json:"status"`
	Attempts int `json:"attempts"`
	// Error says why the last attempt got no answer, or why none was made; it never holds the
	// secret or the user information of the recipient URL.
	Error string `json:"error,omitempty"`
}

// Delivered reports whether the recipient accepted the delivery (a 2xx answer).
func (d Delivery) Delivered() bool { return d.Status >= 200 && d.Status <= 299 }

// DeliveryAttempt is one line of the delivery log. It never holds the secret, the body or the
// user information of the recipient URL.
type DeliveryAttempt struct {
	PolicyID  string
	Recipient string // with any user information in it replaced by "xxxxx"
	Attempt   int    // 1-based; 0 when the delivery was refused without an attempt
	Status    int    // 0 when no answer came
	Duration  time.Duration
	Error     string
}

// envelope is the body of every delivery, whatever the event.
type envelope struct {
	NotificationType  string          `json:"notificationType"`
	SequenceAccountID string          `json:"sequenceAccountId"`
	ResourceType      string          `json:"resourceType,omitempty"`
	ResourceID        string          `json:"resourceId,omitempty"`
	Resource          json.RawMessage `json:"resource,omitempty"`
}

// delivery is one event to send to one recipient.
type delivery struct {
	policyID, recipient, secret string
	body                        []byte
}

// SendEvent delivers ev to every recipient of every WEBHOOK policy whose types include it or
// that has none (all types), and returns once every delivery has finished, in policy then
// recipient order. EMAIL policies never receive deliveries. Cancelling ctx abandons the
// deliveries still running.
func (e *Emulator) SendEvent(ctx context.Context, ev Event) []Delivery {
	var targets []delivery
	e.mu.Lock()
	for _, sp := range e.store.ordered {
		p := sp.policy
		if p.Channel != channelWebhook || (p.NotificationTypes != nil && !slices.Contains(p.NotificationTypes, ev.NotificationType)) {
			continue
		}
		body, err := json.Marshal(envelope{ev.NotificationType, p.SequenceAccountID, ev.ResourceType, ev.ResourceID, ev.Resource})
		if err != nil {
			// Only an invalid Resource fails; the trigger endpoint accepts only a JSON object.
			body = nil
		}
		for _, r := range p.Recipients {
			targets = append(targets, delivery{policyID: p.ID, recipient: r, secret: p.WebhookSecret, body: body})
		}
	}
	e.mu.Unlock()

	out := make([]Delivery, len(targets))
	var wg sync.WaitGroup
	for i, d := range targets {
		wg.Go(func() { out[i] = e.webhooks.deliver(ctx, d) })
	}
	wg.Wait()
	return out
}

// webhookSender sends deliveries: one HTTP client for the emulator, built on first use, and one
// slot per recipient URL so that deliveries to a recipient go one at a time, whichever events
// and policies they come from.
type webhookSender struct {
	cfg webhookConfig

	clientOnce sync.Once
	client     *http.Client

	mu    sync.Mutex
	slots map[string]chan struct{}
}

func newWebhookSender(cfg webhookConfig) *webhookSender {
	return &webhookSender{cfg: cfg, slots: map[string]chan struct{}{}}
}

func (s *webhookSender) deliver(ctx context.Context, d delivery) Delivery {
	out := Delivery{PolicyID: d.policyID, Recipient: d.recipient}
	shown := RedactRecipient(d.recipient)
	if err := s.refusal(d); err != nil {
		out.Error = err.Error()
		s.log(DeliveryAttempt{PolicyID: d.policyID, Recipient: shown, Error: out.Error})
		return out
	}
	release, err := s.acquire(ctx, d.recipient)
	if err != nil {
		out.Error = "not attempted: " + err.Error()
		return out
	}
	defer release()
	for attempt := 1; attempt <= webhookAttempts; attempt++ {
		if attempt > 1 && !wait(ctx, webhookBackoff[attempt-2]) {
			break
		}
		start := time.Now()
		status, err := s.attempt(ctx, d)
		out.Attempts, out.Status, out.Error = attempt, status, ""
		if err != nil {
			out.Error = attemptError(err)
		}
		s.log(DeliveryAttempt{PolicyID: d.policyID, Recipient: shown, Attempt: attempt, Status: status, Duration: time.Since(start), Error: out.Error})
		if out.Delivered() {
			break
		}
	}
	return out
}

// refusal says why d is not sent at all: a recipient the emulator must not deliver to.
func (s *webhookSender) refusal(d delivery) error {
	if d.body == nil {
		return errors.New("refused: the event's resource is not valid JSON")
	}
	u, err := url.Parse(d.recipient)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" {
		return errors.New("refused: not an absolute https URL")
	}
	if !s.cfg.anyHost && !isLoopbackHost(u.Hostname()) {
		return fmt.Errorf("refused: %s is not a loopback host (the emulator delivers only to localhost, 127.0.0.0/8 and ::1 unless told to deliver to any host)", u.Hostname())
	}
	return nil
}

// acquire waits for the recipient's slot; release gives it back.
func (s *webhookSender) acquire(ctx context.Context, recipient string) (release func(), err error) {
	s.mu.Lock()
	slot, ok := s.slots[recipient]
	if !ok {
		slot = make(chan struct{}, 1)
		s.slots[recipient] = slot
	}
	s.mu.Unlock()
	select {
	case slot <- struct{}{}:
		return func() { <-slot }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// attempt sends d once, signed now, and returns the answer's status.
func (s *webhookSender) attempt(ctx context.Context, d delivery) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, webhookAttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.recipient, bytes.NewReader(d.body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "sequence-emulator")
	req.Header.Set("Sequence-Signature", Sign(d.secret, time.Now(), d.body))
	resp, err := s.httpClient().Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxWebhookAnswer))
	return resp.StatusCode, nil
}

func (s *webhookSender) log(a DeliveryAttempt) {
	if s.cfg.onAttempt != nil {
		s.cfg.onAttempt(a)
	}
}

// httpClient verifies TLS against the system's roots plus WithWebhookCA's certificates, uses no
// proxy (a proxy would be a non-loopback host), follows no redirect (a 3xx is an answer, and
// retried like any non-2xx) and, unless delivering to any host, dials loopback addresses only,
// so a "localhost" that resolves elsewhere is refused too. Without keep-alives every attempt is
// a connection of its own, and no idle connection outlives a test's receiver.
func (s *webhookSender) httpClient() *http.Client {
	s.clientOnce.Do(func() {
		roots, err := x509.SystemCertPool()
		if err != nil {
			roots = x509.NewCertPool()
		}
		for _, c := range s.cfg.caCerts {
			roots.AddCert(c)
		}
		dialer := &net.Dialer{Timeout: webhookAttemptTimeout}
		if !s.cfg.anyHost {
			dialer.Control = func(_, address string, _ syscall.RawConn) error {
				host, _, _ := net.SplitHostPort(address)
				if ip, err := netip.ParseAddr(host); err != nil || !ip.Unmap().IsLoopback() {
					return fmt.Errorf("refused: %s is not a loopback address", host)
				}
				return nil
			}
		}
		s.client = &http.Client{
			Transport: &http.Transport{
				DialContext:       dialer.DialContext,
				TLSClientConfig:   &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
				DisableKeepAlives: true,
				ForceAttemptHTTP2: true,
			},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	})
	return s.client
}

// isLoopbackHost reports whether host is localhost (RFC 6761: it and its subdomains are
// loopback) or a loopback IP address.
func isLoopbackHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// attemptError is why an attempt got no answer, without the "Post <url>:" prefix (the delivery
// names its recipient already, and the URL could hold user information).
func attemptError(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no answer within %s", webhookAttemptTimeout)
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return err.Error()
}

// RedactRecipient replaces the user information of a recipient URL with "xxxxx" (a user name
// alone can be a token), as the delivery log shows it.
func RedactRecipient(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = url.User("xxxxx")
	return u.String()
}

// wait sleeps for d unless ctx is done first; it reports whether the full wait elapsed.
func wait(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
