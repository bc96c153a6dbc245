package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// newTestReceiver is a loopback https receiver answering status, recording the bodies it got.
func newTestReceiver(t *testing.T, status int) (*httptest.Server, func() [][]byte) {
	t.Helper()
	var mu sync.Mutex
	var bodies [][]byte
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, body)
		mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv, func() [][]byte {
		mu.Lock()
		defer mu.Unlock()
		return bodies
	}
}

func TestSendEvent(t *testing.T) {
	ok, _ := newTestReceiver(t, http.StatusNoContent)
	broken, _ := newTestReceiver(t, http.StatusInternalServerError)
	emu := sequencetest.NewServer(t, sequencetest.WithWebhookCA(ok.Certificate(), broken.Certificate()))
	good := emu.InsertPolicy(sequencetest.Policy{Name: "ok", Channel: "WEBHOOK", Recipients: []string{ok.URL + "/hook"}, NotificationTypes: []string{"INVOICE_ISSUED"}})
	bad := emu.InsertPolicy(sequencetest.Policy{Name: "broken", Channel: "WEBHOOK", Recipients: []string{broken.URL}, NotificationTypes: []string{"CUSTOMER_CREATED"}})

	cases := []struct {
		name       string
		args       []string
		wantOut    []string
		wantStderr string
		wantErr    error
	}{{
		name:    "delivered",
		args:    []string{"-type", "INVOICE_ISSUED"},
		wantOut: []string{"delivered INVOICE_ISSUED to " + ok.URL + "/hook (policy " + good.ID + "): 204 after 1 attempt"},
	}, {
		name:    "failed after retries",
		args:    []string{"-type", "CUSTOMER_CREATED"},
		wantOut: []string{"FAILED CUSTOMER_CREATED to " + broken.URL + " (policy " + bad.ID + "): 500 after 3 attempts"},
		wantErr: errDeliveryFailed,
	}, {
		name:    "no recipient",
		args:    []string{"-type", "QUOTE_SIGNED"},
		wantOut: []string{"no WEBHOOK policy receives QUOTE_SIGNED: nothing delivered"},
	}, {
		name:       "unpublished type",
		args:       []string{"-type", "QUOTE_SHREDDED"},
		wantOut:    []string{"no WEBHOOK policy receives QUOTE_SHREDDED: nothing delivered"},
		wantStderr: `warning: notification type "QUOTE_SHREDDED" is not one Sequence publishes`,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"send-event", "-endpoint", emu.URL}, tc.args...), &stdout, &stderr)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Errorf("error = %v, want %v", err, tc.wantErr)
			}
			if got := strings.Split(strings.TrimSpace(stdout.String()), "\n"); strings.Join(got, "\n") != strings.Join(tc.wantOut, "\n") {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout.String(), strings.Join(tc.wantOut, "\n"))
			}
			if !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tc.wantStderr)
			}
		})
	}
}

func TestSendEventResource(t *testing.T) {
	rcv, bodies := newTestReceiver(t, http.StatusOK)
	emu := sequencetest.NewServer(t, sequencetest.WithWebhookCA(rcv.Certificate()), sequencetest.WithCredentials("cid", "csecret"))
	emu.InsertPolicy(sequencetest.Policy{Name: "all", Channel: "WEBHOOK", Recipients: []string{rcv.URL}})
	resource := filepath.Join(t.TempDir(), "invoice.json")
	if err := os.WriteFile(resource, []byte(`{"id": "inv_1", "status": "ISSUED"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"send-event", "-endpoint", emu.URL + "/", "-client-id", "cid", "-client-secret", "csecret",
		"-type", "INVOICE_ISSUED", "-resource-type", "INVOICE", "-resource-id", "inv_1", "-resource-file", resource}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("send-event: %v\n%s", err, stderr.String())
	}
	got := bodies()
	if len(got) != 1 {
		t.Fatalf("receiver got %d deliveries, want 1", len(got))
	}
	var env map[string]any
	if err := json.Unmarshal(got[0], &env); err != nil {
		t.Fatal(err)
	}
	resourceMember, _ := env["resource"].(map[string]any)
	if env["resourceType"] != "INVOICE" || env["resourceId"] != "inv_1" || resourceMember["status"] != "ISSUED" {
		t.Errorf("envelope = %s", got[0])
	}
}

func TestSendEventRejects(t *testing.T) {
	emu := sequencetest.NewServer(t)
	notObject := filepath.Join(t.TempDir(), "list.json")
	if err := os.WriteFile(notObject, []byte(`[1]`), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		args []string
		want string
	}{
		"no type":               {[]string{"-endpoint", emu.URL}, "-type is required"},
		"no endpoint":           {[]string{"-type", "INVOICE_ISSUED"}, "-endpoint is required"},
		"endpoint without /api": {[]string{"-endpoint", strings.TrimSuffix(emu.URL, "/api"), "-type", "INVOICE_ISSUED"}, "does not end in /api"},
		"resource not object":   {[]string{"-endpoint", emu.URL, "-type", "INVOICE_ISSUED", "-resource-file", notObject}, "not a JSON object"},
		"wrong credentials":     {[]string{"-endpoint", emu.URL, "-type", "INVOICE_ISSUED", "-client-secret", "nope"}, "refused the credentials (401)"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), append([]string{"send-event"}, tc.args...), &out, &out)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// The standalone emulator trusts -webhook-ca, delivers, and logs each attempt without the secret.
func TestServeDeliversWithWebhookCA(t *testing.T) {
	rcv, bodies := newTestReceiver(t, http.StatusNoContent)
	dir := t.TempDir()
	caFile, urlFile := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "url")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: rcv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-url-file", urlFile, "-webhook-ca", caFile, "-quiet"}, &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("emulator: %v", err)
		}
	})
	var baseURL string
	for deadline := time.Now().Add(5 * time.Second); baseURL == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		raw, _ := os.ReadFile(urlFile)
		baseURL = strings.TrimSpace(string(raw))
	}
	req, _ := http.NewRequestWithContext(context.Background(), "POST", baseURL+"/notifications/policies",
		strings.NewReader(`{"name":"n","channel":"WEBHOOK","recipients":["`+rcv.URL+`"],"webhookSecret":"whsec_dont_log_me"}`))
	req.SetBasicAuth(sequencetest.DefaultClientID, sequencetest.DefaultClientSecret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"send-event", "-endpoint", baseURL, "-type", "INVOICE_ISSUED"}, &out, &errOut); err != nil {
		t.Fatalf("send-event: %v\n%s%s", err, out.String(), errOut.String())
	}
	if n := len(bodies()); n != 1 {
		t.Errorf("receiver got %d deliveries, want 1", n)
	}
	logs := stderr.String()
	if !strings.Contains(logs, " -> "+rcv.URL+": attempt 1: 204 in ") {
		t.Errorf("stderr lacks the attempt line:\n%s", logs)
	}
	if strings.Contains(logs, "whsec_dont_log_me") || strings.Contains(logs, "POST /api") {
		t.Errorf("stderr holds the secret or a request line despite -quiet:\n%s", logs)
	}
}

func TestReadWebhookCARejectsFilesWithoutCertificates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1}}), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readWebhookCA(path); err == nil || !strings.Contains(err.Error(), "no PEM CERTIFICATE block") {
		t.Errorf("error = %v", err)
	}
	if _, err := readWebhookCA(filepath.Join(t.TempDir(), "missing.pem")); err == nil {
		t.Error("a missing file was accepted")
	}
}
