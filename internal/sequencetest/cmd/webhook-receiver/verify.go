package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// maxSignatureAge is how far a delivery's timestamp may be from the receiver's clock: an older
// one is refused, so a captured delivery cannot be replayed later.
const maxSignatureAge = 5 * time.Minute

// verifySignature checks a Sequence-Signature header, "t=<unix ms>,s=<hex HMAC-SHA256>", over
// the raw request body (the bytes as received, before any JSON decoding) with the policy's
// webhook secret.
func verifySignature(secret, header string, body []byte, now time.Time) error {
	var timestamp, signature string
	for _, part := range strings.Split(header, ",") {
		key, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch key {
		case "t":
			timestamp = value
		case "s":
			signature = value
		}
	}
	ms, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || signature == "" {
		return errors.New("malformed Sequence-Signature header")
	}
	if age := now.Sub(time.UnixMilli(ms)); age > maxSignatureAge || age < -maxSignatureAge {
		return errors.New("Sequence-Signature timestamp is too far from now")
	}
	got, err := hex.DecodeString(signature)
	if err != nil {
		return errors.New("malformed Sequence-Signature header")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "."))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) { // constant time: no timing hint about the right value
		return errors.New("Sequence-Signature does not match the body")
	}
	return nil
}
