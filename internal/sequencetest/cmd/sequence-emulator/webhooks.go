package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// readWebhookCA reads the certificates of a -webhook-ca PEM file; none for an empty path.
func readWebhookCA(path string) ([]*x509.Certificate, error) {
	if path == "" {
		return nil, nil
	}
	raw, err := os.ReadFile(path) //nolint:gosec // G304: the file the user named
	if err != nil {
		return nil, fmt.Errorf("-webhook-ca: %w", err)
	}
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, raw = pem.Decode(raw)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("-webhook-ca %s: %w", path, err)
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return nil, errors.New("-webhook-ca " + path + ": no PEM CERTIFICATE block")
	}
	return certs, nil
}

// formatDeliveryAttempt is one log line per delivery attempt; the attempt holds neither the
// secret nor the recipient URL's user information.
func formatDeliveryAttempt(a sequencetest.DeliveryAttempt) string {
	line := fmt.Sprintf("webhook policy %s -> %s: ", a.PolicyID, a.Recipient)
	if a.Attempt == 0 {
		return line + a.Error
	}
	line += fmt.Sprintf("attempt %d: ", a.Attempt)
	if a.Status != 0 {
		line += fmt.Sprint(a.Status)
	} else {
		line += "no answer (" + a.Error + ")"
	}
	return line + " in " + a.Duration.Round(100*time.Microsecond).String()
}
