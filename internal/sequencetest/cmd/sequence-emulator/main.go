// Command sequence-emulator serves the in-memory Sequence API emulator for local development,
// `make demo` and manual testing:
//
//	go run ./internal/sequencetest/cmd/sequence-emulator -listen 127.0.0.1:8080
//
// It prints "Sequence emulator listening on <base URL>", logs one line per request to stderr
// (method, path, status; never credentials or secrets) and stops cleanly on SIGINT or SIGTERM.
// With -state-file FILE it loads the policies from FILE at start and saves them there after
// every change and on SIGINT/SIGTERM, each time to a temporary file renamed over FILE, so a
// killed emulator restarts with the policies it had.
//
// It delivers signed webhooks when asked: POST <root>/_emulator/events, or from another shell
//
//	go run ./internal/sequencetest/cmd/sequence-emulator send-event -endpoint http://127.0.0.1:8080/api -type INVOICE_ISSUED
//
// which prints one line per delivery and exits non-zero when one failed. Deliveries go to
// loopback hosts only unless -deliver-to-any-host is given, verify TLS against the system's
// roots plus the certificates of -webhook-ca FILE (PEM), and every attempt is logged to stderr
// (policy, recipient, status, duration; never the secret), -quiet or not.
package main

import (
	"context"
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

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "sequence-emulator:", err)
		os.Exit(1)
	}
}

// run serves until ctx is cancelled, then shuts down gracefully; "send-event" as the first
// argument runs that command instead.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "send-event" {
		return sendEvent(ctx, args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("sequence-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		listen     = fs.String("listen", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
		clientID   = fs.String("client-id", sequencetest.DefaultClientID, "Basic auth client id the emulator accepts")
		secret     = fs.String("client-secret", sequencetest.DefaultClientSecret, "Basic auth client secret the emulator accepts")
		latency    = fs.Duration("latency", 0, "delay added to every request")
		faultRate  = fs.Float64("fault-rate", 0, "probability in [0,1] that a request gets an injected fault")
		faultKinds = fs.String("fault-kinds", "", "comma-separated fault kinds (429,500,503,reset-before-handler,reset-after-commit); empty = all")
		faultSeed  = fs.Int64("fault-seed", 0, "seed for fault injection (0 = random)")
		retryAfter = fs.Duration("fault-retry-after", 0, "Retry-After of injected 429 faults (whole seconds)")
		rpm        = fs.Int("rpm", 0, "requests-per-minute limit answered with 429 (0 = none)")
		omitSecret = fs.Bool("omit-secret-on-read", false, "leave webhookSecret out of GET and list responses")
		urlFile    = fs.String("url-file", "", "write the base URL to this file once listening")
		quiet      = fs.Bool("quiet", false, "do not log requests")
		statePath  = fs.String("state-file", "", "load policies from this file at start and save them to it after every change")
		webhookCA  = fs.String("webhook-ca", "", "PEM file of certificates to trust, besides the system's roots, when delivering webhooks")
		anyHost    = fs.Bool("deliver-to-any-host", false, "deliver webhooks to any host, not only to loopback ones")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *faultRate < 0 || *faultRate > 1 {
		return fmt.Errorf("-fault-rate must be in [0,1], got %v", *faultRate)
	}
	if *rpm < 0 {
		return fmt.Errorf("-rpm must not be negative, got %d", *rpm)
	}
	if *clientID == "" || *secret == "" {
		return errors.New("-client-id and -client-secret must not be empty")
	}
	var kinds []sequencetest.FaultKind
	if *faultKinds != "" {
		for _, name := range strings.Split(*faultKinds, ",") {
			k, err := sequencetest.ParseFaultKind(name)
			if err != nil {
				return fmt.Errorf("-fault-kinds: %w", err)
			}
			kinds = append(kinds, k)
		}
	}

	caCerts, err := readWebhookCA(*webhookCA)
	if err != nil {
		return err
	}

	logger := log.New(stderr, "", log.LstdFlags|log.Lmicroseconds)
	opts := []sequencetest.Option{
		sequencetest.WithWebhookCA(caCerts...),
		sequencetest.WithDeliverToAnyHost(*anyHost),
		sequencetest.WithDeliveryHook(func(a sequencetest.DeliveryAttempt) { logger.Print(formatDeliveryAttempt(a)) }),
		sequencetest.WithCredentials(*clientID, *secret),
		sequencetest.WithLatency(*latency),
		sequencetest.WithFaults(*faultRate, kinds...),
		sequencetest.WithFaultRetryAfter(*retryAfter),
		sequencetest.WithRequestsPerMinute(*rpm),
		sequencetest.WithOmitSecretOnRead(*omitSecret),
	}
	if *faultSeed != 0 {
		opts = append(opts, sequencetest.WithFaultSeed(*faultSeed))
	}
	if !*quiet {
		opts = append(opts, sequencetest.WithRequestHook(func(r sequencetest.Request) {
			logger.Print(formatRequest(r))
		}))
	}
	var state *stateFile
	if *statePath != "" {
		state = &stateFile{path: *statePath}
		opts = append(opts, sequencetest.WithChangeHook(func() {
			if err := state.save(); err != nil {
				logger.Printf("saving -state-file: %v", err)
			}
		}))
	}
	emulator := sequencetest.New(opts...)
	if state != nil {
		state.emulator = emulator
		if err := state.load(); err != nil {
			return err
		}
	}

	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", *listen)
	if err != nil {
		return err
	}
	baseURL := "http://" + ln.Addr().String() + "/api"
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(baseURL+"\n"), 0o600); err != nil {
			ln.Close()
			return fmt.Errorf("writing -url-file: %w", err)
		}
	}
	srv := &http.Server{Handler: emulator, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "Sequence emulator listening on %s\n", baseURL)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	shutdownErr := srv.Shutdown(shutdownCtx)
	if state != nil {
		if err := state.save(); err != nil {
			return fmt.Errorf("saving -state-file on shutdown: %w", err)
		}
	}
	if shutdownErr != nil {
		return fmt.Errorf("shutting down: %w", shutdownErr)
	}
	logger.Print("stopped")
	return nil
}

// formatRequest is one log line; the request log holds no headers or bodies, so no credential
// or secret can appear in it.
func formatRequest(r sequencetest.Request) string {
	line := r.Method + " " + r.Path
	if r.Query != "" {
		line += "?" + r.Query
	}
	switch r.Fault {
	case sequencetest.FaultResetBeforeHandler, sequencetest.FaultResetAfterCommit:
		line += " -> connection reset"
	default:
		line += fmt.Sprintf(" -> %d", r.Status)
	}
	if r.Fault != "" {
		line += " (injected fault " + string(r.Fault) + ")"
	}
	if r.RateLimited {
		line += " (rate limited)"
	}
	return line
}
