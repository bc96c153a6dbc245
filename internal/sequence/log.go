package sequence

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// LogSubsystem is the tflog subsystem the client logs to.
const LogSubsystem = "sequence"

// logContext returns ctx with the client's subsystem logger, which also masks
// the credentials and call secrets should they ever reach a field value or a
// message. A secret shorter than minSubstringSecret is not masked that way:
// the mask would also hit the client's own text (a secret "api" turned every
// path into "/***/notifications/policies"), so the fields that carry a
// server's text (error, request_id, response bodies) are redacted by the
// errors' rule instead (redactSecretsOutside), and every other field is the
// client's own text.
func (c *Client) logContext(ctx context.Context, callSecrets []string) context.Context {
	// Root fields (tf_req_id, tf_rpc, tf_resource_type, ...) tie each request line to the
	// Terraform operation and resource that caused it.
	ctx = tflog.NewSubsystem(ctx, LogSubsystem, tflog.WithRootFields())
	patterns := []*regexp.Regexp{generatedWebhookSecret}
	var plain []string // secrets no pattern can hold
	for _, s := range append(append([]string(nil), c.redact...), callSecrets...) {
		if len(s) < minSubstringSecret {
			continue
		}
		if re := secretPattern(s); re != nil {
			patterns = append(patterns, re)
		} else {
			plain = append(plain, s)
		}
	}
	ctx = tflog.SubsystemMaskAllFieldValuesRegexes(ctx, LogSubsystem, patterns...)
	ctx = tflog.SubsystemMaskMessageRegexes(ctx, LogSubsystem, patterns...)
	if len(plain) > 0 {
		ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, LogSubsystem, plain...)
		ctx = tflog.SubsystemMaskMessageStrings(ctx, LogSubsystem, plain...)
	}
	return ctx
}

func (c *Client) logRequest(ctx context.Context, call *apiCall, u *url.URL, body []byte, attempt int) {
	if body == nil || !tflog.SubsystemIsTrace(ctx, LogSubsystem) {
		return
	}
	tflog.SubsystemTrace(ctx, LogSubsystem, "Sequence API request body", map[string]any{
		"method":  call.method,
		"path":    u.EscapedPath(),
		"attempt": attempt + 1,
		"body":    maskWebhookSecrets(string(body)),
	})
}

func (c *Client) logResponse(ctx context.Context, call *apiCall, u *url.URL, out attemptOutcome, attempt int, took time.Duration) {
	fields := map[string]any{
		"operation":   call.op,
		"method":      call.method,
		"path":        u.EscapedPath(),
		"status":      out.status,
		"attempt":     attempt + 1,
		"duration_ms": took.Milliseconds(),
	}
	if u.RawQuery != "" {
		fields["query"] = u.RawQuery
	}
	if out.err != nil {
		fields["error"] = c.redactError(call, out.err)
	}
	if id := serverRequestID(out.header); id != "" {
		fields["request_id"] = redactSecrets(id, c.secrets(call))
	}
	tflog.SubsystemDebug(ctx, LogSubsystem, "Sequence API request", fields)
	if len(out.body) > 0 && tflog.SubsystemIsTrace(ctx, LogSubsystem) {
		tflog.SubsystemTrace(ctx, LogSubsystem, "Sequence API response body", map[string]any{
			"method":  call.method,
			"path":    u.EscapedPath(),
			"status":  out.status,
			"attempt": attempt + 1,
			"body":    redactSecrets(maskWebhookSecrets(string(out.body)), c.secrets(call)),
		})
	}
}

func (c *Client) logRetry(ctx context.Context, call *apiCall, attempt int, wait time.Duration, cause error) {
	tflog.SubsystemDebug(ctx, LogSubsystem, "Retrying Sequence API request", map[string]any{
		"operation":    call.op,
		"method":       call.method,
		"path":         c.url(call.segments, nil).EscapedPath(),
		"next_attempt": attempt + 2,
		"wait_ms":      wait.Milliseconds(),
		"cause":        cause.Error(),
	})
}

// requestIDHeaders are the headers in which servers and gateways commonly name a request; the
// first present is logged, so a failure can be quoted to Sequence's support.
var requestIDHeaders = []string{"X-Request-Id", "X-Correlation-Id", "X-Amzn-Requestid", "X-Amzn-Trace-Id", "Cf-Ray"}

func serverRequestID(header http.Header) string {
	for _, name := range requestIDHeaders {
		if v := strings.TrimSpace(header.Get(name)); v != "" {
			return truncateRunes(collapseSpace(v), 200)
		}
	}
	return ""
}
