package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is written by the server's goroutines and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestServesLogsAndStops(t *testing.T) {
	urlFile := filepath.Join(t.TempDir(), "url")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-url-file", urlFile, "-client-id", "cid", "-client-secret", "top-secret-value"}, &stdout, &stderr)
	}()

	var baseURL string
	for deadline := time.Now().Add(5 * time.Second); baseURL == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		raw, _ := os.ReadFile(urlFile)
		baseURL = strings.TrimSpace(string(raw))
	}
	if !strings.HasPrefix(baseURL, "http://127.0.0.1:") || !strings.HasSuffix(baseURL, "/api") {
		t.Fatalf("url file holds %q", baseURL)
	}

	req, _ := http.NewRequestWithContext(context.Background(), "POST", baseURL+"/notifications/policies",
		strings.NewReader(`{"name":"n","channel":"WEBHOOK","recipients":["https://a.example"],"webhookSecret":"whsec_dont_log_me"}`))
	req.SetBasicAuth("cid", "top-secret-value")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create status = %d", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("did not stop after cancellation")
	}
	if want := "Sequence emulator listening on " + baseURL + "\n"; stdout.String() != want {
		t.Errorf("stdout = %q, want %q", stdout.String(), want)
	}
	logs := stderr.String()
	if !strings.Contains(logs, "POST /api/notifications/policies -> 201") {
		t.Errorf("stderr lacks the request line:\n%s", logs)
	}
	for _, secret := range []string{"top-secret-value", "whsec_dont_log_me", "Basic "} {
		if strings.Contains(logs, secret) {
			t.Errorf("stderr contains %q", secret)
		}
	}
}

func TestRejectsBadFlags(t *testing.T) {
	cases := map[string][]string{
		"fault rate above 1":  {"-fault-rate", "1.5"},
		"unknown fault kind":  {"-fault-kinds", "429,502"},
		"negative rpm":        {"-rpm", "-1"},
		"empty client secret": {"-client-secret", ""},
		"stray argument":      {"serve"},
		"missing webhook CA":  {"-webhook-ca", "/nonexistent/ca.pem"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(context.Background(), append([]string{"-listen", "127.0.0.1:0"}, args...), &out, &out); err == nil {
				t.Error("run accepted the flags")
			}
		})
	}
}
