package sequence

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestLogsCarryRequestFactsAndNeverSecrets(t *testing.T) {
	const sentSecret = "whsec_sentByTheUser0123456789"
	const generatedSecret = "whsec_GeneratedByServer0123456789abcd"
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			writeJSON(w, 503, map[string]any{"error": map[string]any{"message": "echo " + r.Header.Get("Authorization")}})
			return
		}
		p := samplePolicy("p1")
		p.Channel = ChannelWebhook
		p.Recipients = []string{"https://hooks.example.com/x"}
		p.WebhookSecret = generatedSecret
		if r.Method == http.MethodPost {
			p.WebhookSecret = sentSecret
			writeJSON(w, 201, p)
			return
		}
		writeJSON(w, 200, p)
	})
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	c := newTestClient(t, api.base())
	must(c.GetNotificationPolicy(ctx, "p1"))(t)
	must(c.CreateNotificationPolicy(ctx, CreateNotificationPolicyRequest{
		Name: "hooks", Channel: ChannelWebhook, Recipients: []string{"https://hooks.example.com/x"}, WebhookSecret: sentSecret,
	}))(t)

	text := out.String()
	assertNoSecret(t, "log output", text, sentSecret, generatedSecret)

	entries, err := tflogtest.MultilineJSONDecode(&out)
	if err != nil {
		t.Fatal(err)
	}
	var debug, traceBodies, retries int
	for _, e := range entries {
		if e["@module"] != "provider.sequence" {
			t.Errorf("entry outside the sequence subsystem: %v", e)
		}
		switch e["@message"] {
		case "Sequence API request":
			debug++
			for _, field := range []string{"method", "path", "status", "attempt", "duration_ms"} {
				if _, ok := e[field]; !ok {
					t.Errorf("debug entry lacks %q: %v", field, e)
				}
			}
			if e["@level"] != "debug" {
				t.Errorf("request summary at %v, want debug", e["@level"])
			}
		case "Sequence API request body", "Sequence API response body":
			traceBodies++
			if e["@level"] != "trace" {
				t.Errorf("body logged at %v, want trace", e["@level"])
			}
		case "Retrying Sequence API request":
			retries++
		}
	}
	if debug != 3 || retries != 1 {
		t.Errorf("got %d request entries and %d retry entries, want 3 and 1:\n%s", debug, retries, text)
	}
	if traceBodies != 4 { // 503 body, GET body, create request and response bodies
		t.Errorf("got %d body entries, want 4:\n%s", traceBodies, text)
	}
	if !strings.Contains(text, `\"webhookSecret\":\"***\"`) {
		t.Errorf("bodies do not show the masked secret:\n%s", text)
	}
	if !strings.Contains(text, `"path":"/api/notifications/policies/p1"`) || !strings.Contains(text, `"attempt":2`) {
		t.Errorf("path or attempt missing:\n%s", text)
	}
}

// Retry lines name the path and the cause; request lines carry the server's request id when it
// sends one; a wait on the client-side rate limit is a line of its own.
func TestLogsRetriesRequestIDsAndLimiterWaits(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-Request-Id", "req-"+strings.Repeat("x", n))
		if n == 1 {
			writeJSON(w, 503, map[string]any{"error": map[string]any{"message": "try again"}})
			return
		}
		writeJSON(w, 200, samplePolicy("p1"))
	})
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	c := newTestClient(t, api.base(), func(cfg *Config) { cfg.RequestsPerMinute = 6000 })
	must(c.GetNotificationPolicy(ctx, "p1"))(t)
	must(c.GetNotificationPolicy(ctx, "p1"))(t)

	entries, err := tflogtest.MultilineJSONDecode(&out)
	if err != nil {
		t.Fatal(err)
	}
	var requestIDs []any
	var retries, waits int
	for _, e := range entries {
		switch e["@message"] {
		case "Sequence API request":
			requestIDs = append(requestIDs, e["request_id"])
		case "Retrying Sequence API request":
			retries++
			if !strings.HasSuffix(fmt.Sprint(e["path"]), "/notifications/policies/p1") || !strings.Contains(fmt.Sprint(e["cause"]), "503") {
				t.Errorf("retry entry lacks the path or the cause: %v", e)
			}
		case "Waiting for the client-side rate limit (requests_per_minute)":
			waits++
			if _, ok := e["wait_ms"]; !ok || e["@level"] != "debug" {
				t.Errorf("limiter entry: %v", e)
			}
		}
	}
	if want := []any{"req-x", "req-xx", "req-xxx"}; fmt.Sprint(requestIDs) != fmt.Sprint(want) {
		t.Errorf("request ids logged = %v, want %v", requestIDs, want)
	}
	if retries != 1 {
		t.Errorf("%d retry entries, want 1", retries)
	}
	if waits == 0 {
		t.Error("no entry for waiting on the rate limit (three requests at 6000/min must wait)")
	}
}
