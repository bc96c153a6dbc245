package sequencetest

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

const (
	channelWebhook = "WEBHOOK"
	channelEmail   = "EMAIL"

	maxBodyBytes = 1 << 20
	defaultLimit = 20
	maxLimit     = 100
)

// fieldError is one item of Sequence's validation body {"errors":[{"key":..,"error":..}]}.
type fieldError struct {
	Key   string `json:"key"`
	Error string `json:"error"`
}

// wirePolicy is the JSON shape of a NotificationPolicy.
type wirePolicy struct {
	ID                string   `json:"id"`
	CreatedAt         string   `json:"createdAt"`
	SequenceAccountID string   `json:"sequenceAccountId"`
	Name              string   `json:"name"`
	Channel           string   `json:"channel"`
	Recipients        []string `json:"recipients"`
	NotificationTypes []string `json:"notificationTypes,omitempty"`
	WebhookSecret     string   `json:"webhookSecret,omitempty"`
}

func toWire(p Policy, withSecret bool) wirePolicy {
	w := wirePolicy{
		ID:                p.ID,
		CreatedAt:         p.CreatedAt.UTC().Format(createdAtFormat),
		SequenceAccountID: p.SequenceAccountID,
		Name:              p.Name,
		Channel:           p.Channel,
		Recipients:        p.Recipients,
		NotificationTypes: p.NotificationTypes,
	}
	if w.Recipients == nil {
		w.Recipients = []string{}
	}
	if withSecret {
		w.WebhookSecret = p.WebhookSecret
	}
	return w
}

type listResponse struct {
	Items      []wirePolicy `json:"items"`
	Pagination pagination   `json:"pagination"`
}

type pagination struct {
	After           string `json:"after,omitempty"`
	Before          string `json:"before,omitempty"`
	TotalResultSize int    `json:"totalResultSize"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // URLs with '&' stay readable
	_ = enc.Encode(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// writeError writes the {"error":{"type","message"}} shape (version, auth and server errors).
func writeError(w http.ResponseWriter, status int, typ, message string) {
	type apiError struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	}
	writeJSON(w, status, struct {
		Error apiError `json:"error"`
	}{apiError{typ, message}})
}

// writeValidation writes the {"errors":[{"key","error"}]} shape.
func writeValidation(w http.ResponseWriter, status int, errs ...fieldError) {
	writeJSON(w, status, struct {
		Errors []fieldError `json:"errors"`
	}{errs})
}

func writeNotFound(w http.ResponseWriter) {
	writeValidation(w, http.StatusNotFound, fieldError{Key: "id", Error: "not found"})
}

// serveAPI authenticates, checks the version and routes to an endpoint.
func (e *Emulator) serveAPI(w http.ResponseWriter, r *http.Request) {
	if !e.authenticated(w, r) {
		return
	}
	if v := r.Header.Get("Sequence-Version"); v != "" && !slices.Contains(SupportedAPIVersions, v) {
		writeError(w, http.StatusBadRequest, "UnrecognisedApiVersion",
			"unrecognised API version "+strconv.Quote(v)+"; supported: "+strings.Join(SupportedAPIVersions, ", "))
		return
	}

	// Route on the escaped path so a recipient containing an encoded '/' stays one segment.
	raw := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/api/"), "/")
	segs := make([]string, len(raw))
	for i, s := range raw {
		u, err := url.PathUnescape(s)
		if err != nil || u == "" {
			writeError(w, http.StatusNotFound, "NotFound", "no such endpoint")
			return
		}
		segs[i] = u
	}
	if len(segs) < 2 || segs[0] != "notifications" || segs[1] != "policies" {
		writeError(w, http.StatusNotFound, "NotFound", "no such endpoint")
		return
	}
	segs = segs[2:]

	type route struct {
		method string
		serve  func()
	}
	var routes []route
	switch {
	case len(segs) == 0:
		routes = []route{
			{http.MethodGet, func() { e.list(w, r) }},
			{http.MethodPost, func() { e.create(w, r) }},
		}
	case len(segs) == 1:
		routes = []route{
			{http.MethodGet, func() { e.get(w, segs[0]) }},
			{http.MethodDelete, func() { e.delete(w, segs[0]) }},
		}
	case len(segs) == 2 && segs[1] == "recipients":
		routes = []route{{http.MethodPost, func() { e.addRecipients(w, r, segs[0]) }}}
	case len(segs) == 3 && segs[1] == "recipients":
		routes = []route{{http.MethodDelete, func() { e.removeRecipient(w, segs[0], segs[2]) }}}
	case len(segs) == 2 && segs[1] == "notification-types":
		routes = []route{{http.MethodPost, func() { e.addNotificationTypes(w, r, segs[0]) }}}
	case len(segs) == 3 && segs[1] == "notification-types":
		routes = []route{{http.MethodDelete, func() { e.removeNotificationType(w, segs[0], segs[2]) }}}
	default:
		writeError(w, http.StatusNotFound, "NotFound", "no such endpoint")
		return
	}
	allowed := make([]string, len(routes))
	for i, rt := range routes {
		if rt.method == r.Method {
			rt.serve()
			return
		}
		allowed[i] = rt.method
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", r.Method+" is not allowed here")
}

// authenticated checks the Basic credentials, answering 401 when they are missing or wrong.
func (e *Emulator) authenticated(w http.ResponseWriter, r *http.Request) bool {
	e.mu.Lock()
	wantID, wantSecret := e.cfg.clientID, e.cfg.clientSecret
	e.mu.Unlock()
	id, secret, ok := r.BasicAuth()
	if !ok || !constantTimeEqual(id, wantID) || !constantTimeEqual(secret, wantSecret) {
		w.Header().Set("WWW-Authenticate", `Basic realm="Sequence"`)
		writeError(w, http.StatusUnauthorized, "Unauthorized", "missing or invalid API credentials")
		return false
	}
	return true
}

func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// readJSONObject reads a POST body that must be one JSON object with only the allowed keys,
// matched exactly (Go's decoder alone would accept "NAME" for "name").
func readJSONObject(w http.ResponseWriter, r *http.Request, allowed ...string) (map[string]json.RawMessage, bool) {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "UnsupportedMediaType", "Content-Type must be application/json")
		return nil, false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		writeValidation(w, http.StatusBadRequest, fieldError{Key: "body", Error: "could not read the request body"})
		return nil, false
	}
	if len(body) > maxBodyBytes {
		writeValidation(w, http.StatusBadRequest, fieldError{Key: "body", Error: "request body too large"})
		return nil, false
	}
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&obj); err != nil || obj == nil || dec.Decode(new(json.RawMessage)) != io.EOF {
		writeValidation(w, http.StatusBadRequest, fieldError{Key: "body", Error: "must be a single JSON object"})
		return nil, false
	}
	var errs []fieldError
	for _, k := range sortedKeys(obj) {
		if !slices.Contains(allowed, k) {
			errs = append(errs, fieldError{Key: k, Error: "unknown field"})
		}
	}
	if len(errs) > 0 {
		writeValidation(w, http.StatusBadRequest, errs...)
		return nil, false
	}
	return obj, true
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// stringField decodes obj[key]. present is false for an absent key or JSON null; ok is false
// (and an error recorded) when the value is not a string.
func stringField(obj map[string]json.RawMessage, key string, errs *[]fieldError) (s string, present, ok bool) {
	raw, found := obj[key]
	if !found || string(raw) == "null" {
		return "", false, true
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		*errs = append(*errs, fieldError{Key: key, Error: "must be a string"})
		return "", false, false
	}
	return s, true, true
}

// stringsField decodes obj[key] as an array of strings, like stringField.
func stringsField(obj map[string]json.RawMessage, key string, errs *[]fieldError) (out []string, present, ok bool) {
	raw, found := obj[key]
	if !found || string(raw) == "null" {
		return nil, false, true
	}
	var items []*string
	if err := json.Unmarshal(raw, &items); err != nil || slices.Contains(items, nil) {
		*errs = append(*errs, fieldError{Key: key, Error: "must be an array of strings"})
		return nil, false, false
	}
	out = make([]string, len(items))
	for i, s := range items {
		out[i] = *s
	}
	return out, true, true
}
