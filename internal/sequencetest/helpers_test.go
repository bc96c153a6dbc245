package sequencetest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// response is a raw HTTP answer from the emulator.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// call sends one request with valid credentials and version unless edit changes them. body is
// sent raw when it is a string, else as JSON; nil sends no body.
func call(t *testing.T, srv *Server, method, path string, body any, edit ...func(*http.Request)) response {
	t.Helper()
	resp, err := send(srv, method, path, body, edit...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

func send(srv *Server, method, path string, body any, edit ...func(*http.Request)) (response, error) {
	return sendWith(http.DefaultClient, srv, method, path, body, edit...)
}

// sendWith is send through a given client, e.g. one without keep-alives: Go's transport silently
// retries an idempotent request once when a reused connection is reset.
func sendWith(client *http.Client, srv *Server, method, path string, body any, edit ...func(*http.Request)) (response, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return response{}, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, srv.URL+path, rd)
	if err != nil {
		return response{}, err
	}
	req.SetBasicAuth(DefaultClientID, DefaultClientSecret)
	req.Header.Set("Sequence-Version", "2024-07-30")
	req.Header.Set("Accept", "application/json")
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, f := range edit {
		f(req)
	}
	resp, err := client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: raw}, nil
}

func (r response) expect(t *testing.T, status int) response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d; body: %s", r.Status, status, r.Body)
	}
	return r
}

func (r response) policy(t *testing.T) wirePolicy {
	t.Helper()
	var p wirePolicy
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("decoding policy %s: %v", r.Body, err)
	}
	return p
}

func (r response) list(t *testing.T) listResponse {
	t.Helper()
	var l listResponse
	if err := json.Unmarshal(r.Body, &l); err != nil {
		t.Fatalf("decoding list %s: %v", r.Body, err)
	}
	return l
}

// fieldErrors decodes the validation shape {"errors":[{"key","error"}]}.
func (r response) fieldErrors(t *testing.T) []fieldError {
	t.Helper()
	var body struct {
		Errors []fieldError `json:"errors"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil || len(body.Errors) == 0 {
		t.Fatalf("want a validation error body, got %s", r.Body)
	}
	return body.Errors
}

// apiError decodes the {"error":{"type","message"}} shape.
func (r response) apiError(t *testing.T) (typ, message string) {
	t.Helper()
	var body struct {
		Error struct{ Type, Message string } `json:"error"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil || body.Error.Type == "" {
		t.Fatalf("want an error body, got %s", r.Body)
	}
	return body.Error.Type, body.Error.Message
}

func hasKey(errs []fieldError, key string) bool {
	for _, e := range errs {
		if e.Key == key {
			return true
		}
	}
	return false
}

// rawKeys returns the top-level keys of a JSON object, to tell absent from empty.
func rawKeys(t *testing.T, body []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
	return m
}

type createBody struct {
	Name              string   `json:"name"`
	Channel           string   `json:"channel"`
	Recipients        []string `json:"recipients"`
	NotificationTypes []string `json:"notificationTypes,omitempty"`
	WebhookSecret     string   `json:"webhookSecret,omitempty"`
}

func create(t *testing.T, srv *Server, body createBody) wirePolicy {
	t.Helper()
	return call(t, srv, "POST", "/notifications/policies", body).expect(t, http.StatusCreated).policy(t)
}

func emailPolicy(recipients ...string) createBody {
	return createBody{Name: "Finance", Channel: "EMAIL", Recipients: recipients}
}
