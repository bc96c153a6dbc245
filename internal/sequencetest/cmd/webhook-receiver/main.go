// Command webhook-receiver is a local https endpoint that verifies the Sequence-Signature of
// every webhook delivery it gets, the reference for a receiver of your own and the one `make
// demo` uses. Give it a certificate and the policy's webhook secret:
//
//	go run ./internal/sequencetest/cmd/webhook-receiver generate-cert -cert receiver.pem -key receiver-key.pem
//	SEQUENCE_WEBHOOK_SECRET=whsec_... go run ./internal/sequencetest/cmd/webhook-receiver \
//	    -listen 127.0.0.1:8443 -cert receiver.pem -key receiver-key.pem
//
// generate-cert writes a self-signed certificate for localhost, 127.0.0.1 and ::1: start the
// emulator with `-webhook-ca receiver.pem` so that it trusts it. The receiver prints
// "Webhook receiver listening on <URL>", then one line per delivery: "verified <type> delivery
// ..." and 204 when the signature matches the raw body and its timestamp is within 5 minutes,
// "rejected delivery: <why>" and 401 otherwise. The secret is read from the environment, never
// from a flag (command lines are visible to other users), and never printed.
//
// verify.go is shown as it is in the guide "Test your webhook receiver locally" (make
// generate): keep it a complete example a user can copy, with nothing but the verification.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// secretEnv names the environment variable holding the webhook secret.
const secretEnv = "SEQUENCE_WEBHOOK_SECRET"

// maxDeliveryBytes bounds what the receiver reads of a delivery.
const maxDeliveryBytes = 1 << 20

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "webhook-receiver:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "generate-cert" {
		return generateCert(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("webhook-receiver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		listen   = fs.String("listen", "127.0.0.1:8443", "address to listen on (port 0 picks a free one)")
		certFile = fs.String("cert", "", "PEM certificate to serve (generate-cert writes one)")
		keyFile  = fs.String("key", "", "PEM private key of -cert")
		urlFile  = fs.String("url-file", "", "write the receiver's URL to this file once listening")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *certFile == "" || *keyFile == "" {
		return errors.New("-cert and -key are required: webhook recipients are https URLs (generate-cert writes a pair)")
	}
	secret := getenv(secretEnv)
	if secret == "" {
		return errors.New(secretEnv + " must hold the policy's webhook secret")
	}

	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", *listen)
	if err != nil {
		return err
	}
	receiverURL := "https://" + ln.Addr().String() + "/"
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(receiverURL+"\n"), 0o600); err != nil {
			ln.Close()
			return fmt.Errorf("writing -url-file: %w", err)
		}
	}
	logger := log.New(stdout, "", log.LstdFlags)
	srv := &http.Server{Handler: &receiver{secret: secret, logger: logger, now: time.Now}, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.ServeTLS(ln, *certFile, *keyFile) }()
	fmt.Fprintf(stdout, "Webhook receiver listening on %s\n", receiverURL)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

func generateCert(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("webhook-receiver generate-cert", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		certFile = fs.String("cert", "", "where to write the certificate (PEM); pass it to the emulator's -webhook-ca")
		keyFile  = fs.String("key", "", "where to write the private key (PEM, mode 0600)")
		validFor = fs.Duration("valid-for", 7*24*time.Hour, "how long the certificate is valid")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("generate-cert: unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *certFile == "" || *keyFile == "" || *validFor <= 0 {
		return errors.New("generate-cert: -cert and -key are required, and -valid-for must be positive")
	}
	if err := writeSelfSignedCert(*certFile, *keyFile, *validFor); err != nil {
		return fmt.Errorf("generate-cert: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s (self-signed for %s, until %s) and its key %s\n",
		*certFile, strings.Join(loopbackNames, ", "), time.Now().Add(*validFor).UTC().Format(time.RFC3339), *keyFile)
	return nil
}

// receiver answers every POST: 204 for a delivery whose signature verifies, 401 otherwise.
type receiver struct {
	secret string
	logger *log.Logger
	now    func() time.Time
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "webhook deliveries are POST requests", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxDeliveryBytes+1))
	if err == nil && len(body) > maxDeliveryBytes {
		err = errors.New("body larger than 1 MiB")
	}
	if err == nil {
		err = verifySignature(rc.secret, r.Header.Get("Sequence-Signature"), body, rc.now())
	}
	if err != nil {
		rc.logger.Printf("rejected delivery to %s: %v", r.URL.Path, err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var env struct {
		NotificationType  string `json:"notificationType"`
		SequenceAccountID string `json:"sequenceAccountId"`
		ResourceType      string `json:"resourceType"`
		ResourceID        string `json:"resourceId"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.NotificationType == "" {
		rc.logger.Printf("rejected delivery to %s: signature verified, but the body is not Sequence's envelope", r.URL.Path)
		http.Error(w, "not a Sequence webhook envelope", http.StatusBadRequest)
		return
	}
	about := ""
	if env.ResourceType != "" || env.ResourceID != "" {
		about = fmt.Sprintf(", resource %s %s", env.ResourceType, env.ResourceID)
	}
	rc.logger.Printf("verified %s delivery to %s (account %s%s): signature matches", env.NotificationType, r.URL.Path, env.SequenceAccountID, about)
	w.WriteHeader(http.StatusNoContent)
}
