package sequence

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Seeds run on every `go test`; `go test -fuzz=FuzzX ./internal/sequence/` explores further.

func FuzzDecodeNotificationPolicy(f *testing.F) {
	for _, seed := range []string{
		validPolicyJSON,
		`{"id":"p1","name":"n","channel":"WEBHOOK","recipients":["https://x.example"],"webhookSecret":"whsec_x","extra":{"a":[1,{}]}}`,
		`{"items":[` + validPolicyJSON + `],"pagination":{"after":"c2","before":"c0","totalResultSize":1}}`,
		`{"items":[null]}`, `{"items":{}}`, `{"id":42}`, `{"recipients":"x"}`, `[]`, `null`, `""`, `{`, ``,
		"<html><title>502</title></html>", `{"id":"\ud800","name":"\u0000","channel":"EMAIL","recipients":[null]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if p, err := decodeNotificationPolicy(body); err == nil {
			if p.ID == "" || p.Name == "" || p.Channel == "" || p.Recipients == nil {
				t.Fatalf("decoded a policy without its required fields: %+v", p)
			}
			if p.NotificationTypes != nil && len(p.NotificationTypes) == 0 {
				t.Fatalf("empty non-nil notification types: %+v", p)
			}
		} else if err.Error() == "" {
			t.Fatal("empty error text")
		}
		if items, _, _, err := decodeNotificationPolicyPage(body); err == nil {
			for _, p := range items {
				if p.ID == "" || p.Recipients == nil {
					t.Fatalf("page item without required fields: %+v", p)
				}
			}
		}
	})
}

func FuzzParseAPIError(f *testing.F) {
	for _, seed := range []struct {
		status      int
		contentType string
		body        string
	}{
		{400, "application/json", `{"errors":[{"key":"recipients[1]","error":"not a valid e-mail address"}]}`},
		{400, "application/json", `{"error":{"type":"UnrecognisedApiVersion","message":"unknown"}}`},
		{401, "", `{"message":"Unauthorized"}`},
		{500, "", `{"errors":[1,"x",{"key":{}},null]}`},
		{502, "text/html", "<html><head><title>502 Bad Gateway</title></head><body><h1>x</h1></body></html>"},
		{503, "text/html; charset=\"", "<!DOCTYPE html><script>alert(1)</script>"},
		{429, "", "slow down " + testClientSecret},
		{599, "", "\xff\xfe\x00\x01"},
	} {
		f.Add(seed.status, seed.contentType, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		e := newAPIError("op", status, contentType, body, []string{testClientSecret})
		text := e.Error()
		if !strings.HasPrefix(text, "op: ") {
			t.Fatalf("error does not start with the operation: %q", text)
		}
		if strings.Contains(text, testClientSecret) {
			t.Fatalf("error contains the secret: %q", text)
		}
		if utf8.RuneCountInString(e.Message) > maxMessageRunes+len("HTML page: ")+1 && !strings.Contains(e.Message, "[REDACTED]") {
			t.Fatalf("message not capped: %d runes", utf8.RuneCountInString(e.Message))
		}
		if len(e.Fields) > maxFieldErrors+1 {
			t.Fatalf("%d fields kept", len(e.Fields))
		}
	})
}

func FuzzMaskWebhookSecrets(f *testing.F) {
	for _, seed := range []string{
		`{"webhookSecret":"whsec_abc"}`,
		`{"items":[{"webhookSecret":"s1"},{"webhookSecret":"s2"}]}`,
		`{"webhookSecret":"whsec_trunc`,
		`{"webhookSecret":"a\"b"}`,
		`{"webhook\u0053ecret":"escaped-key"}`,
		`not json "webhookSecret": bare`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		masked := maskWebhookSecrets(text)
		if !strings.Contains(text, "webhookSecret") && !strings.Contains(text, `\u`) && masked != text {
			t.Fatalf("changed text without a webhookSecret: %q -> %q", text, masked)
		}
	})
}
