// The retry policy of the loop in request.go: which failures are worth another
// attempt, and how long to wait before it.

package sequence

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// retryableStatus: rate limiting and gateway/server trouble. 500 is included
// because Sequence documents it on every endpoint and, for operations that are
// safe to repeat, a second try is the useful answer to a transient one.
func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableTransportError is false for failures that a retry cannot fix: a
// certificate the system does not trust, or a request Go refuses to send.
func retryableTransportError(err error) bool {
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuthority) ||
		errors.As(err, &hostnameErr) || errors.As(err, &invalidCert) {
		return false
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) && strings.Contains(urlErr.Err.Error(), "unsupported protocol scheme") {
		return false
	}
	return true
}

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP date; it
// returns 0 when absent, unparseable or already past.
func parseRetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(value, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second) // the caller caps it anyway; avoid overflow
		}
		return time.Duration(secs) * time.Second
	}
	if at, err := http.ParseTime(value); err == nil {
		if d := at.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// backoff is the wait before retry number retry+1: full jitter over an
// exponentially growing ceiling, added to Retry-After when the server gave
// one; always capped at MaxBackoff. Retry-After stays a floor, and the jitter
// above it keeps callers told the same Retry-After (all of Terraform's
// parallel operations after a rate limit) from retrying in lockstep, where
// the same ones keep losing the race for the next tokens.
func (c *Client) backoff(retry int, retryAfter time.Duration) time.Duration {
	ceiling := c.maxBackoff
	if retry < 32 {
		if d := c.minBackoff << retry; d > 0 && d < ceiling {
			ceiling = d
		}
	}
	var jitter time.Duration
	if ceiling > 0 {
		jitter = rand.N(ceiling + 1) //nolint:gosec // G404: jitter needs spread, not secrecy
	}
	return min(retryAfter+jitter, c.maxBackoff)
}
