package sequence

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
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
	if !tflog.SubsystemIsError(ctx, LogSubsystem) {
		// The subsystem writes nothing (plugin logs are off by default, internal/pluginlog): no
		// line to mask, so no masks to set up on every request.
		return ctx
	}
	masks := c.logMasks.with(callSecrets)
	ctx = tflog.SubsystemMaskAllFieldValuesRegexes(ctx, LogSubsystem, masks.patterns...)
	ctx = tflog.SubsystemMaskMessageRegexes(ctx, LogSubsystem, masks.patterns...)
	if len(masks.plain) > 0 {
		ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, LogSubsystem, masks.plain...)
		ctx = tflog.SubsystemMaskMessageStrings(ctx, LogSubsystem, masks.plain...)
	}
	return ctx
}

// logMasks is what the subsystem logger masks: a pattern per secret (secretPattern), and as
// plain strings the secrets no pattern can hold. The client's own secrets are compiled once, in
// NewClient; a call's secrets are added per call.
type logMasks struct {
	patterns []*regexp.Regexp
	plain    []string
}

// with returns m extended by secrets, leaving m as it is; secrets shorter than
// minSubstringSecret are not masked this way (see logContext).
func (m logMasks) with(secrets []string) logMasks {
	out := logMasks{patterns: m.patterns, plain: m.plain}
	for _, s := range secrets {
		if len(s) < minSubstringSecret {
			continue
		}
		if re := secretPattern(s); re != nil {
			out.patterns = append(slices.Clip(out.patterns), re)
		} else {
			out.plain = append(slices.Clip(out.plain), s)
		}
	}
	return out
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
	if !tflog.SubsystemIsDebug(ctx, LogSubsystem) {
		return // nothing below would be written
	}
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
