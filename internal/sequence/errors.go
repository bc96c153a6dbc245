package sequence

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	maxMessageRunes = 500 // one parsed message
	maxRawBodyRunes = 300 // an unparsed body quoted in an error
	maxFieldErrors  = 20
)

// APIError is a non-2xx answer from Sequence.
type APIError struct {
	// Operation is what was being done, e.g. `creating notification policy "x"`.
	Operation  string
	StatusCode int
	// Type is the error type of a `{"error":{"type","message"}}` body, e.g. UnrecognisedApiVersion.
	Type string
	// Message is the parsed message, or a trimmed excerpt of a body that could not be parsed.
	Message string
	// Fields are the entries of a `{"errors":[{"key","error"}]}` body.
	Fields []FieldError
}

// FieldError is one validation failure.
type FieldError struct {
	Key     string `json:"key"`
	Message string `json:"error"`
}

// Error reads like `creating notification policy "x": 400 Bad Request:
// recipients[1]: not a valid e-mail address`.
func (e *APIError) Error() string {
	var b strings.Builder
	if e.Operation != "" {
		b.WriteString(e.Operation)
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	text := http.StatusText(e.StatusCode)
	if text != "" {
		b.WriteString(" " + text)
	}
	if detail := e.detail(text); detail != "" {
		b.WriteString(": " + detail)
	}
	if e.StatusCode == http.StatusUnauthorized {
		if !strings.HasSuffix(b.String(), ".") {
			b.WriteString(".")
		}
		b.WriteString(" " + unauthorizedHint)
	}
	return b.String()
}

// unauthorizedHint follows a 401: the usual cause is a sandbox API client used against
// production or the other way round.
const unauthorizedHint = "Sequence refused the client id and secret. Production and sandbox have separate API " +
	"clients, and each environment refuses the other's credentials: check that the endpoint (production " +
	DefaultEndpoint + ", sandbox " + SandboxEndpoint + ") is the environment the API client was created in."

// detail is what the body adds to the status line, leaving out a type or message that only
// repeats statusText ("401 Unauthorized: Unauthorized: ..." would say it twice).
func (e *APIError) detail(statusText string) string {
	typ, message := e.Type, e.Message
	if sameWords(typ, statusText) {
		typ = ""
	}
	if sameWords(message, statusText) {
		message = ""
	}
	var parts []string
	switch {
	case typ != "" && message != "":
		parts = append(parts, typ+": "+message)
	case message != "":
		parts = append(parts, message)
	case typ != "":
		parts = append(parts, typ)
	}
	for _, f := range e.Fields {
		if f.Key != "" {
			parts = append(parts, f.Key+": "+f.Message)
		} else {
			parts = append(parts, f.Message)
		}
	}
	return strings.Join(parts, "; ")
}

// NotFound reports whether err is, or wraps, an APIError with status 404. The
// Client returns one only for a 404 that Sequence sent (see notfound.go), so
// true means the policy is gone, never that the endpoint is wrong.
func NotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound
}

// PolicyMayExist reports whether err is a create error after which Sequence may hold the policy
// although the client could not say so: the request may have been processed, and the check for
// what it did failed or was ambiguous.
func PolicyMayExist(err error) bool {
	var e *policyMayExistError
	return errors.As(err, &e)
}

type policyMayExistError struct{ err error }

func (e *policyMayExistError) Error() string { return e.err.Error() }
func (e *policyMayExistError) Unwrap() error { return e.err }

// newAPIError builds the error for a non-2xx response, parsing either body
// shape Sequence uses and falling back to an excerpt of the raw body. Every
// string in redact is removed from the texts kept.
func newAPIError(op string, status int, contentType string, body []byte, redact []string) *APIError {
	e := parseErrorBody(body)
	e.Operation = op
	e.StatusCode = status
	if e.Message == "" && e.Type == "" && len(e.Fields) == 0 {
		e.Message = bodyExcerpt(contentType, body)
	}
	e.Type = redactSecrets(e.Type, redact)
	e.Message = redactSecrets(e.Message, redact)
	for i := range e.Fields {
		e.Fields[i].Key = redactSecrets(e.Fields[i].Key, redact)
		e.Fields[i].Message = redactSecrets(e.Fields[i].Message, redact)
	}
	return e
}

// sameWords reports whether a and b are the same words, ignoring case, spaces and punctuation:
// "NOT_FOUND", "NotFound" and "Not Found" are.
func sameWords(a, b string) bool {
	letters := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return unicode.ToLower(r)
			}
			return -1
		}, s)
	}
	return a != "" && letters(a) != "" && letters(a) == letters(b)
}

// parseErrorBody understands `{"errors":[{"key","error"}]}` and
// `{"error":{"type","message"}}` (and near variants: message instead of
// error, plain strings), ignoring anything of an unexpected type.
func parseErrorBody(body []byte) *APIError {
	e := &APIError{}
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return e
	}
	switch errs := doc["errors"].(type) {
	case []any:
		for _, item := range errs {
			if len(e.Fields) == maxFieldErrors {
				e.Fields = append(e.Fields, FieldError{Message: fmt.Sprintf("and %d more", len(errs)-maxFieldErrors)})
				break
			}
			switch item := item.(type) {
			case map[string]any:
				f := FieldError{Key: clean(firstString(item, "key", "field", "path"))}
				f.Message = clean(firstString(item, "error", "message", "detail"))
				if f.Key != "" || f.Message != "" {
					e.Fields = append(e.Fields, f)
				}
			case string:
				if msg := clean(item); msg != "" {
					e.Fields = append(e.Fields, FieldError{Message: msg})
				}
			}
		}
	case string:
		e.Message = clean(errs)
	}
	switch inner := doc["error"].(type) {
	case map[string]any:
		e.Type = clean(firstString(inner, "type", "code"))
		e.Message = clean(firstString(inner, "message", "detail"))
	case string:
		e.Message = clean(inner)
	}
	if e.Message == "" {
		e.Message = clean(firstString(doc, "message"))
	}
	return e
}

func firstString(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := m[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// clean makes a server-supplied string safe to print on one line.
func clean(s string) string {
	return truncateRunes(collapseSpace(s), maxMessageRunes)
}

var (
	htmlTitle   = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	htmlHeading = regexp.MustCompile(`(?is)<h1[^>]*>(.*?)</h1>`)
	htmlDrop    = regexp.MustCompile(`(?is)<(script|style|head)[^>]*>.*?</(script|style|head)>`)
	htmlTag     = regexp.MustCompile(`(?s)<[^>]*>`)
)

// bodyExcerpt summarises a body that is not a Sequence error: an HTML page
// becomes its title (or heading, or text), anything else a trimmed excerpt.
func bodyExcerpt(contentType string, body []byte) string {
	text := strings.ToValidUTF8(string(body), "\uFFFD")
	if isHTML(contentType, text) {
		for _, re := range []*regexp.Regexp{htmlTitle, htmlHeading} {
			if m := re.FindStringSubmatch(text); m != nil {
				if t := collapseSpace(html.UnescapeString(htmlTag.ReplaceAllString(m[1], " "))); t != "" {
					return "HTML page: " + truncateRunes(t, maxRawBodyRunes)
				}
			}
		}
		text = html.UnescapeString(htmlTag.ReplaceAllString(htmlDrop.ReplaceAllString(text, " "), " "))
		if t := collapseSpace(text); t != "" {
			return "HTML page: " + truncateRunes(t, maxRawBodyRunes)
		}
		return "HTML page"
	}
	return truncateRunes(collapseSpace(maskWebhookSecrets(text)), maxRawBodyRunes)
}

func isHTML(contentType, text string) bool {
	if mediaType, _, err := mime.ParseMediaType(contentType); err == nil && mediaType == "text/html" {
		return true
	}
	t := strings.ToLower(strings.TrimSpace(text))
	return strings.HasPrefix(t, "<!doctype html") || strings.HasPrefix(t, "<html")
}

// collapseSpace turns runs of whitespace and control characters into one space.
func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// opError prefixes err with the operation, redacting any secret from its text.
func (c *Client) opError(call *apiCall, err error) error {
	return &operationError{op: call.op, err: err, redact: c.secrets(call), ownText: c.ownText}
}

type operationError struct {
	op      string
	err     error
	redact  []string
	ownText *regexp.Regexp
}

func (e *operationError) Error() string {
	// The operation is the client's own text throughout; what follows may quote a server.
	wholly := func(s string) [][]int { return [][]int{{0, len(s)}} }
	return redactSecretsOutside(e.op, e.redact, wholly) + ": " + redactSecretsOutside(e.err.Error(), e.redact, ownSpans(e.ownText))
}

func (e *operationError) Unwrap() error { return e.err }

// UnresolvedCreateError is a create that may have succeeded, after which
// several policies match what it would have made, so the client cannot tell
// which, if any, is its own. It created nothing more.
type UnresolvedCreateError struct {
	Name string
	// Cause is why the create's outcome is unknown. It is context, not what
	// went wrong, so the error does not unwrap to it.
	Cause      error
	Candidates []CreateCandidate
}

// CreateCandidate is a policy an unresolved create may have made.
type CreateCandidate struct {
	ID        string
	CreatedAt string // as sent by the API
	// CreatedAfterSend is true when, by the server's clock, the policy was
	// created after the create's first attempt was sent; false means the
	// clocks are not known closely enough to say (it may predate the apply).
	CreatedAfterSend bool
}

func (e *UnresolvedCreateError) Error() string {
	list := make([]string, len(e.Candidates))
	for i, p := range e.Candidates {
		when := "possibly before the create was sent"
		if p.CreatedAfterSend {
			when = "after the create was sent"
		}
		list[i] = fmt.Sprintf("%s (created %s, %s)", p.ID, p.CreatedAt, when)
	}
	return fmt.Sprintf("the create may have succeeded (%v), and %d policies named %q now match it: %s. "+
		"Which of them, if any, this create made cannot be told, so it was not sent again; "+
		"those that may predate it can be someone else's (made in the dashboard or by another run)",
		e.Cause, len(e.Candidates), e.Name, strings.Join(list, "; "))
}
