package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// errDeliveryFailed makes the command exit non-zero once every delivery line is printed.
var errDeliveryFailed = errors.New("a delivery failed")

// sendEvent is `sequence-emulator send-event`: it asks a running emulator to deliver an event
// (POST <root>/_emulator/events) and prints one line per delivery.
func sendEvent(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sequence-emulator send-event", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		endpoint     = fs.String("endpoint", "", "the emulator's base URL, ending in /api (as it prints when it starts)")
		typ          = fs.String("type", "", "the notification type of the event, e.g. INVOICE_ISSUED")
		resourceType = fs.String("resource-type", "", "the envelope's resourceType (optional)")
		resourceID   = fs.String("resource-id", "", "the envelope's resourceId (optional)")
		resourceFile = fs.String("resource-file", "", "JSON file holding the envelope's resource, an object (optional)")
		clientID     = fs.String("client-id", sequencetest.DefaultClientID, "Basic auth client id the emulator accepts")
		secret       = fs.String("client-secret", sequencetest.DefaultClientSecret, "Basic auth client secret the emulator accepts")
		timeout      = fs.Duration("timeout", 30*time.Second, "how long to wait for every delivery to finish")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("send-event: unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *typ == "" {
		return errors.New("send-event: -type is required")
	}
	eventsURL, err := eventsURLFor(*endpoint)
	if err != nil {
		return fmt.Errorf("send-event: %w", err)
	}
	req := sequencetest.EventsRequest{NotificationType: *typ, ResourceType: *resourceType, ResourceID: *resourceID}
	if *resourceFile != "" {
		raw, err := os.ReadFile(*resourceFile) //nolint:gosec // G304: the file the user named
		if err != nil {
			return fmt.Errorf("send-event: -resource-file: %w", err)
		}
		if !json.Valid(raw) || !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
			return fmt.Errorf("send-event: -resource-file %s: not a JSON object", *resourceFile)
		}
		req.Resource = raw
	}
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("send-event: %w", err)
	}

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, eventsURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("send-event: %w", err)
	}
	httpReq.SetBasicAuth(*clientID, *secret)
	httpReq.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(httpReq)
	if err != nil {
		return fmt.Errorf("send-event: %w", err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("send-event: reading the answer: %w", err)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return errors.New("send-event: the emulator refused the credentials (401): pass the -client-id and -client-secret it was started with")
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("send-event: the emulator answered %d: %s", resp.StatusCode, bytes.TrimSpace(answer))
	}
	var result sequencetest.EventsResponse
	if err := json.Unmarshal(answer, &result); err != nil {
		return fmt.Errorf("send-event: decoding the answer: %w", err)
	}

	for _, w := range result.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	if len(result.Deliveries) == 0 {
		fmt.Fprintf(stdout, "no WEBHOOK policy receives %s: nothing delivered\n", *typ)
		return nil
	}
	failed := 0
	for _, d := range result.Deliveries {
		if !d.Delivered() {
			failed++
		}
		fmt.Fprintln(stdout, formatDelivery(*typ, d))
	}
	if failed > 0 {
		return fmt.Errorf("%w: %d of %d deliveries", errDeliveryFailed, failed, len(result.Deliveries))
	}
	return nil
}

// eventsURLFor is the trigger endpoint of the emulator whose base URL is endpoint.
func eventsURLFor(endpoint string) (string, error) {
	if endpoint == "" {
		return "", errors.New("-endpoint is required (the emulator's base URL, e.g. http://127.0.0.1:8080/api)")
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("-endpoint %q is not an http or https URL", endpoint)
	}
	root, ok := strings.CutSuffix(strings.TrimSuffix(u.Path, "/"), "/api")
	if !ok {
		return "", fmt.Errorf("-endpoint %q does not end in /api", endpoint)
	}
	u.Path, u.RawPath, u.RawQuery, u.Fragment = root+sequencetest.EventsPath, "", "", ""
	return u.String(), nil
}

// formatDelivery is the line printed for one delivery.
func formatDelivery(typ string, d sequencetest.Delivery) string {
	outcome := "delivered"
	if !d.Delivered() {
		outcome = "FAILED"
	}
	line := fmt.Sprintf("%s %s to %s (policy %s): ", outcome, typ, sequencetest.RedactRecipient(d.Recipient), d.PolicyID)
	switch {
	case d.Attempts == 0:
		return line + d.Error
	case d.Status != 0:
		line += fmt.Sprint(d.Status)
	default:
		line += "no answer (" + d.Error + ")"
	}
	return line + fmt.Sprintf(" after %d %s", d.Attempts, plural(d.Attempts, "attempt", "attempts"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
