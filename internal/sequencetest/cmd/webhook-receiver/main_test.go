package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

func TestVerifySignature(t *testing.T) {
	// An independently computed HMAC-SHA256("whsec_test", `1700000000123.{"a":1}`).
	const (
		secret = "whsec_test"
		header = "t=1700000000123,s=a91a0126961636f9a9cdaa5cdc1e3917b473a60893dcbb782aca9ad90833a32a"
	)
	signedAt := time.UnixMilli(1700000000123)
	body := []byte(`{"a":1}`)
	cases := []struct {
		name    string
		secret  string
		header  string
		body    []byte
		now     time.Time
		wantErr string
	}{
		{"valid", secret, header, body, signedAt.Add(time.Second), ""},
		{"valid with spaces after the comma", secret, "t=1700000000123, s=a91a0126961636f9a9cdaa5cdc1e3917b473a60893dcbb782aca9ad90833a32a", body, signedAt, ""},
		{"wrong secret", "whsec_other", header, body, signedAt, "does not match"},
		{"body re-encoded", secret, header, []byte(`{"a": 1}`), signedAt, "does not match"},
		{"stale", secret, header, body, signedAt.Add(maxSignatureAge + time.Millisecond), "too far from now"},
		{"from the future", secret, header, body, signedAt.Add(-maxSignatureAge - time.Millisecond), "too far from now"},
		{"no header", secret, "", body, signedAt, "malformed"},
		{"no signature", secret, "t=1700000000123", body, signedAt, "malformed"},
		{"signature not hex", secret, "t=1700000000123,s=zz", body, signedAt, "malformed"},
		{"timestamp in seconds", secret, "t=1700000000,s=a91a0126961636f9a9cdaa5cdc1e3917b473a60893dcbb782aca9ad90833a32a", body, signedAt, "too far from now"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := verifySignature(tc.secret, tc.header, tc.body, tc.now)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("verifySignature = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

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

// The demo's path: a generated certificate, trusted by the emulator through WithWebhookCA, and
// deliveries verified with the policy's secret or rejected with another.
func TestReceiverVerifiesEmulatorDeliveries(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, urlFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "url")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"generate-cert", "-cert", certFile, "-key", keyFile}, os.Getenv, &out, &out); err != nil {
		t.Fatalf("generate-cert: %v", err)
	}
	if info, err := os.Stat(keyFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v, %v; want mode 0600", info, err)
	}
	raw, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		t.Fatalf("%s holds no PEM block", certFile)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}

	const secret = "whsec_receiver_test_secret"
	getenv := func(name string) string {
		if name == secretEnv {
			return secret
		}
		return ""
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-cert", certFile, "-key", keyFile, "-url-file", urlFile}, getenv, &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("receiver: %v", err)
		}
	})
	var receiverURL string
	for deadline := time.Now().Add(5 * time.Second); receiverURL == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		raw, _ := os.ReadFile(urlFile)
		receiverURL = strings.TrimSpace(string(raw))
	}
	if !strings.HasPrefix(receiverURL, "https://127.0.0.1:") {
		t.Fatalf("url file holds %q; stderr: %s", receiverURL, stderr.String())
	}

	emu := sequencetest.New(sequencetest.WithWebhookCA(cert))
	emu.InsertPolicy(sequencetest.Policy{Name: "right", Channel: "WEBHOOK", Recipients: []string{receiverURL + "right"}, WebhookSecret: secret})
	emu.InsertPolicy(sequencetest.Policy{Name: "wrong", Channel: "WEBHOOK", Recipients: []string{receiverURL + "wrong"}, WebhookSecret: "whsec_another_secret"})
	got := emu.SendEvent(context.Background(), sequencetest.Event{NotificationType: "INVOICE_ISSUED", ResourceType: "INVOICE", ResourceID: "inv_1"})
	if len(got) != 2 || got[0].Status != 204 || got[1].Status != 401 || got[1].Attempts != 3 {
		t.Fatalf("deliveries = %+v, want 204 for the right secret, 401 (3 attempts) for the wrong one", got)
	}
	logs := stdout.String()
	for _, want := range []string{
		"Webhook receiver listening on " + receiverURL + "\n",
		"verified INVOICE_ISSUED delivery to /right (account " + sequencetest.DefaultAccountID + ", resource INVOICE inv_1): signature matches",
		"rejected delivery to /wrong: Sequence-Signature does not match the body",
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("stdout lacks %q:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, secret) {
		t.Error("stdout holds the secret")
	}
}

func TestReceiverRejectsBadFlags(t *testing.T) {
	withSecret := func(string) string { return "whsec_x" }
	noSecret := func(string) string { return "" }
	cases := map[string]struct {
		args   []string
		getenv func(string) string
	}{
		"no certificate":         {[]string{"-listen", "127.0.0.1:0"}, withSecret},
		"no secret":              {[]string{"-listen", "127.0.0.1:0", "-cert", "c.pem", "-key", "k.pem"}, noSecret},
		"stray argument":         {[]string{"serve"}, withSecret},
		"generate-cert, no -key": {[]string{"generate-cert", "-cert", filepath.Join(t.TempDir(), "c.pem")}, withSecret},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(context.Background(), tc.args, tc.getenv, &out, &out); err == nil {
				t.Error("run accepted the arguments")
			}
		})
	}
}
