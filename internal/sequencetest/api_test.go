package sequencetest

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	uuidV4Pattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	secretPattern = regexp.MustCompile(`^whsec_[A-Za-z0-9]{32}$`)
	createdAtRE   = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
)

func TestCreateWebhookPolicyGeneratesIDSecretAndCreatedAt(t *testing.T) {
	srv := NewServer(t)
	before := time.Now().Add(-time.Second)
	resp := call(t, srv, "POST", "/notifications/policies", createBody{
		Name: "Dev hooks", Channel: "WEBHOOK", Recipients: []string{"https://api.example.com/hooks"},
	}).expect(t, http.StatusCreated)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if v := resp.Header.Get("Sequence-Version"); v != "2024-07-30" {
		t.Errorf("Sequence-Version = %q", v)
	}
	p := resp.policy(t)
	if !uuidV4Pattern.MatchString(p.ID) {
		t.Errorf("id %q is not a UUID v4", p.ID)
	}
	if !secretPattern.MatchString(p.WebhookSecret) {
		t.Errorf("generated secret does not look like whsec_ + 32 alphanumerics")
	}
	if !createdAtRE.MatchString(p.CreatedAt) {
		t.Errorf("createdAt %q is not RFC 3339 with milliseconds in UTC", p.CreatedAt)
	}
	created, err := time.Parse(time.RFC3339, p.CreatedAt)
	if err != nil || created.Before(before) || created.After(time.Now().Add(time.Second)) {
		t.Errorf("createdAt %q is not now (%v)", p.CreatedAt, err)
	}
	if p.SequenceAccountID != DefaultAccountID || p.Name != "Dev hooks" || p.Channel != "WEBHOOK" ||
		!slices.Equal(p.Recipients, []string{"https://api.example.com/hooks"}) {
		t.Errorf("unexpected policy %+v", p)
	}
	if _, present := rawKeys(t, resp.Body)["notificationTypes"]; present {
		t.Errorf("notificationTypes present for an all-types policy: %s", resp.Body)
	}
	other := create(t, srv, createBody{Name: "x", Channel: "WEBHOOK", Recipients: []string{"https://a.example"}})
	if other.WebhookSecret == p.WebhookSecret || other.ID == p.ID {
		t.Error("two policies share a generated id or secret")
	}
}

func TestCreateKeepsGivenSecretTypesAndEmailCase(t *testing.T) {
	srv := NewServer(t)
	hook := create(t, srv, createBody{
		Name: "hooks", Channel: "WEBHOOK", Recipients: []string{"https://a.example/h"},
		NotificationTypes: []string{"INVOICE_ISSUED", "CUSTOMER_CREATED"}, WebhookSecret: "whsec_UserSubmittedSecret1234567890abc",
	})
	if hook.WebhookSecret != "whsec_UserSubmittedSecret1234567890abc" {
		t.Error("given webhookSecret not kept")
	}
	if !slices.Equal(hook.NotificationTypes, []string{"INVOICE_ISSUED", "CUSTOMER_CREATED"}) {
		t.Errorf("types = %v", hook.NotificationTypes)
	}
	resp := call(t, srv, "POST", "/notifications/policies", emailPolicy("Finance@Example.com", "finance@example.COM", "ops@example.com")).
		expect(t, http.StatusCreated)
	mail := resp.policy(t)
	if !slices.Equal(mail.Recipients, []string{"Finance@Example.com", "ops@example.com"}) {
		t.Errorf("recipients = %v, want first spelling kept and case-insensitive duplicate dropped", mail.Recipients)
	}
	if _, present := rawKeys(t, resp.Body)["webhookSecret"]; present {
		t.Error("EMAIL policy has a webhookSecret")
	}
}

func TestEveryEndpointHappyPath(t *testing.T) {
	srv := NewServer(t)
	p := create(t, srv, createBody{Name: "Finance", Channel: "EMAIL", Recipients: []string{"a@example.com"}, NotificationTypes: []string{"INVOICE_ISSUED"}})
	base := "/notifications/policies/" + p.ID

	if got := call(t, srv, "GET", base, nil).expect(t, http.StatusOK).policy(t); got.ID != p.ID || got.CreatedAt != p.CreatedAt {
		t.Errorf("get = %+v", got)
	}
	if l := call(t, srv, "GET", "/notifications/policies", nil).expect(t, http.StatusOK).list(t); len(l.Items) != 1 || l.Items[0].ID != p.ID || l.Pagination.TotalResultSize != 1 {
		t.Errorf("list = %+v", l)
	}
	got := call(t, srv, "POST", base+"/recipients", map[string]any{"recipients": []string{"b@example.com", "c@example.com"}}).expect(t, http.StatusOK).policy(t)
	if !slices.Equal(got.Recipients, []string{"a@example.com", "b@example.com", "c@example.com"}) {
		t.Errorf("after add recipients: %v", got.Recipients)
	}
	got = call(t, srv, "DELETE", base+"/recipients/"+url.PathEscape("b@example.com"), nil).expect(t, http.StatusOK).policy(t)
	if !slices.Equal(got.Recipients, []string{"a@example.com", "c@example.com"}) {
		t.Errorf("after remove recipient: %v", got.Recipients)
	}
	got = call(t, srv, "POST", base+"/notification-types", map[string]any{"notificationTypes": []string{"CUSTOMER_CREATED"}}).expect(t, http.StatusOK).policy(t)
	if !slices.Equal(got.NotificationTypes, []string{"INVOICE_ISSUED", "CUSTOMER_CREATED"}) {
		t.Errorf("after add types: %v", got.NotificationTypes)
	}
	got = call(t, srv, "DELETE", base+"/notification-types/INVOICE_ISSUED", nil).expect(t, http.StatusOK).policy(t)
	if !slices.Equal(got.NotificationTypes, []string{"CUSTOMER_CREATED"}) {
		t.Errorf("after remove type: %v", got.NotificationTypes)
	}
	deleted := call(t, srv, "DELETE", base, nil).expect(t, http.StatusOK).policy(t)
	if deleted.ID != p.ID || !slices.Equal(deleted.Recipients, []string{"a@example.com", "c@example.com"}) {
		t.Errorf("delete returned %+v, want the deleted policy", deleted)
	}
	errs := call(t, srv, "GET", base, nil).expect(t, http.StatusNotFound).fieldErrors(t)
	if !slices.Equal(errs, []fieldError{{Key: "id", Error: "not found"}}) {
		t.Errorf("404 body = %+v", errs)
	}
}

func TestCreateRejects(t *testing.T) {
	valid := `"name":"n","channel":"EMAIL","recipients":["a@example.com"]`
	hook := `"name":"n","channel":"WEBHOOK"`
	cases := []struct {
		name    string
		body    string
		wantKey string
	}{
		{"missing name", `{"channel":"EMAIL","recipients":["a@example.com"]}`, "name"},
		{"blank name", `{"name":"  ","channel":"EMAIL","recipients":["a@example.com"]}`, "name"},
		{"name not a string", `{"name":5,"channel":"EMAIL","recipients":["a@example.com"]}`, "name"},
		{"missing channel", `{"name":"n","recipients":["a@example.com"]}`, "channel"},
		{"unknown channel", `{"name":"n","channel":"SMS","recipients":["a@example.com"]}`, "channel"},
		{"channel in lower case", `{"name":"n","channel":"email","recipients":["a@example.com"]}`, "channel"},
		{"missing recipients", `{"name":"n","channel":"EMAIL"}`, "recipients"},
		{"null recipients", `{"name":"n","channel":"EMAIL","recipients":null}`, "recipients"},
		{"no recipients", `{"name":"n","channel":"EMAIL","recipients":[]}`, "recipients"},
		{"recipients not strings", `{"name":"n","channel":"EMAIL","recipients":[1]}`, "recipients"},
		{"null recipient", `{"name":"n","channel":"EMAIL","recipients":["a@example.com",null]}`, "recipients"},
		{"e-mail with display name", `{"name":"n","channel":"EMAIL","recipients":["a@example.com","Ann <ann@example.com>"]}`, "recipients[1]"},
		{"e-mail with an empty display name", `{"name":"n","channel":"EMAIL","recipients":["\"\" <a@example.com>"]}`, "recipients[0]"},
		{"quoted e-mail in angle brackets", `{"name":"n","channel":"EMAIL","recipients":["<\"a\"@example.com>"]}`, "recipients[0]"},
		{"e-mail without @", `{"name":"n","channel":"EMAIL","recipients":["example.com"]}`, "recipients[0]"},
		{"e-mail with surrounding space", `{"name":"n","channel":"EMAIL","recipients":[" a@example.com"]}`, "recipients[0]"},
		{"URL on an EMAIL policy", `{"name":"n","channel":"EMAIL","recipients":["https://a.example"]}`, "recipients[0]"},
		{"e-mail on a WEBHOOK policy", `{` + hook + `,"recipients":["a@example.com"]}`, "recipients[0]"},
		{"http webhook", `{` + hook + `,"recipients":["http://a.example/h"]}`, "recipients[0]"},
		{"relative webhook", `{` + hook + `,"recipients":["/hooks"]}`, "recipients[0]"},
		{"webhook without host", `{` + hook + `,"recipients":["https:///hooks"]}`, "recipients[0]"},
		{"webhook with bad escape", `{` + hook + `,"recipients":["https://a.example/%zz"]}`, "recipients[0]"},
		{"empty notificationTypes", `{` + valid + `,"notificationTypes":[]}`, "notificationTypes"},
		{"unknown notification type", `{` + valid + `,"notificationTypes":["INVOICE_ISSUED","NOTIFICATION_SENT"]}`, "notificationTypes[1]"},
		{"webhookSecret on EMAIL", `{` + valid + `,"webhookSecret":"whsec_x"}`, "webhookSecret"},
		{"blank webhookSecret", `{` + hook + `,"recipients":["https://a.example"],"webhookSecret":""}`, "webhookSecret"},
		{"unknown field", `{` + valid + `,"description":"x"}`, "description"},
		{"field name in another case", `{"Name":"n","channel":"EMAIL","recipients":["a@example.com"]}`, "Name"},
		{"read-only field", `{` + valid + `,"id":"x"}`, "id"},
		{"malformed JSON", `{"name":`, "body"},
		{"trailing data", `{` + valid + `} {}`, "body"},
		{"array body", `[]`, "body"},
		{"null body", `null`, "body"},
		{"empty body", ``, "body"},
	}
	srv := NewServer(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := call(t, srv, "POST", "/notifications/policies", tc.body).expect(t, http.StatusBadRequest).fieldErrors(t)
			if !hasKey(errs, tc.wantKey) {
				t.Errorf("errors %+v lack key %q", errs, tc.wantKey)
			}
		})
	}
	if n := len(srv.Policies()); n != 0 {
		t.Errorf("%d policies stored by rejected creates", n)
	}
}

func TestCreateReportsEveryInvalidField(t *testing.T) {
	srv := NewServer(t)
	errs := call(t, srv, "POST", "/notifications/policies", `{"name":"","channel":"EMAIL","recipients":["ok@example.com","bad"],"notificationTypes":["NOPE"],"webhookSecret":"s"}`).
		expect(t, http.StatusBadRequest).fieldErrors(t)
	for _, key := range []string{"name", "recipients[1]", "notificationTypes[0]", "webhookSecret"} {
		if !hasKey(errs, key) {
			t.Errorf("errors %+v lack key %q", errs, key)
		}
	}
}

func TestPostRequiresJSONContentType(t *testing.T) {
	srv := NewServer(t)
	resp := call(t, srv, "POST", "/notifications/policies", `{"name":"n","channel":"EMAIL","recipients":["a@example.com"]}`,
		func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }).expect(t, http.StatusUnsupportedMediaType)
	if typ, _ := resp.apiError(t); typ != "UnsupportedMediaType" {
		t.Errorf("type = %q", typ)
	}
	call(t, srv, "POST", "/notifications/policies", `{"name":"n","channel":"EMAIL","recipients":["a@example.com"]}`,
		func(r *http.Request) { r.Header.Set("Content-Type", "application/json; charset=utf-8") }).expect(t, http.StatusCreated)
}

func TestUpdatesReject(t *testing.T) {
	srv := NewServer(t)
	mail := create(t, srv, createBody{Name: "m", Channel: "EMAIL", Recipients: []string{"a@example.com", "b@example.com"}, NotificationTypes: []string{"INVOICE_ISSUED"}})
	single := create(t, srv, emailPolicy("only@example.com"))
	allTypes := create(t, srv, emailPolicy("a@example.com"))
	hook := create(t, srv, createBody{Name: "h", Channel: "WEBHOOK", Recipients: []string{"https://a.example/h"}})
	p := func(id, rest string) string { return "/notifications/policies/" + id + rest }
	cases := []struct {
		name, method, path string
		body               any
		wantKey            string
	}{
		{"removing a recipient not on the policy", "DELETE", p(mail.ID, "/recipients/c@example.com"), nil, "recipient"},
		{"removing the last recipient", "DELETE", p(single.ID, "/recipients/only@example.com"), nil, "recipient"},
		{"removing a type not on the policy", "DELETE", p(mail.ID, "/notification-types/CUSTOMER_CREATED"), nil, "notificationType"},
		{"removing an unknown type", "DELETE", p(mail.ID, "/notification-types/NOPE"), nil, "notificationType"},
		{"removing a type from an all-types policy", "DELETE", p(allTypes.ID, "/notification-types/INVOICE_ISSUED"), nil, "notificationType"},
		{"adding an invalid e-mail", "POST", p(mail.ID, "/recipients"), map[string]any{"recipients": []string{"c@example.com", "nope"}}, "recipients[1]"},
		{"adding a URL to an EMAIL policy", "POST", p(mail.ID, "/recipients"), map[string]any{"recipients": []string{"https://a.example"}}, "recipients[0]"},
		{"adding an http URL to a WEBHOOK policy", "POST", p(hook.ID, "/recipients"), map[string]any{"recipients": []string{"http://a.example"}}, "recipients[0]"},
		{"adding no recipients", "POST", p(mail.ID, "/recipients"), map[string]any{"recipients": []string{}}, "recipients"},
		{"adding recipients without the field", "POST", p(mail.ID, "/recipients"), map[string]any{}, "recipients"},
		{"adding recipients with an unknown field", "POST", p(mail.ID, "/recipients"), map[string]any{"recipients": []string{"c@example.com"}, "x": 1}, "x"},
		{"adding an unknown type", "POST", p(mail.ID, "/notification-types"), map[string]any{"notificationTypes": []string{"NOPE"}}, "notificationTypes[0]"},
		{"adding no types", "POST", p(mail.ID, "/notification-types"), map[string]any{"notificationTypes": []string{}}, "notificationTypes"},
		{"adding types as a string", "POST", p(mail.ID, "/notification-types"), map[string]any{"notificationTypes": "INVOICE_ISSUED"}, "notificationTypes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := call(t, srv, tc.method, tc.path, tc.body).expect(t, http.StatusBadRequest).fieldErrors(t)
			if !hasKey(errs, tc.wantKey) {
				t.Errorf("errors %+v lack key %q", errs, tc.wantKey)
			}
		})
	}
	for _, want := range []wirePolicy{mail, single, allTypes, hook} {
		got, _ := srv.Policy(want.ID)
		if !slices.Equal(got.Recipients, want.Recipients) || !slices.Equal(got.NotificationTypes, want.NotificationTypes) {
			t.Errorf("rejected updates changed policy %s: %+v", want.Name, got)
		}
	}
}

func TestUnknownIDIsNotFoundOnEveryEndpoint(t *testing.T) {
	srv := NewServer(t)
	id := "/notifications/policies/9c4c54e7-59da-44ae-9cc5-7fd81be7c133"
	cases := []struct {
		name, method, path string
		body               any
	}{
		{"get", "GET", id, nil},
		{"delete", "DELETE", id, nil},
		{"add recipients", "POST", id + "/recipients", map[string]any{"recipients": []string{"a@example.com"}}},
		{"remove recipient", "DELETE", id + "/recipients/a@example.com", nil},
		{"add types", "POST", id + "/notification-types", map[string]any{"notificationTypes": []string{"INVOICE_ISSUED"}}},
		{"remove type", "DELETE", id + "/notification-types/INVOICE_ISSUED", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := call(t, srv, tc.method, tc.path, tc.body).expect(t, http.StatusNotFound).fieldErrors(t)
			if !slices.Equal(errs, []fieldError{{Key: "id", Error: "not found"}}) {
				t.Errorf("body = %+v", errs)
			}
		})
	}
}

func TestOpenBehaviour(t *testing.T) {
	srv := NewServer(t)
	path := func(p wirePolicy, rest string) string { return "/notifications/policies/" + p.ID + rest }

	t.Run("adding a recipient already on the policy stores no duplicate, e-mails compared case-insensitively", func(t *testing.T) {
		p := create(t, srv, emailPolicy("Ann@Example.com"))
		got := call(t, srv, "POST", path(p, "/recipients"), map[string]any{"recipients": []string{"ann@example.COM", "bob@example.com", "BOB@example.com"}}).
			expect(t, http.StatusOK).policy(t)
		if !slices.Equal(got.Recipients, []string{"Ann@Example.com", "bob@example.com"}) {
			t.Errorf("recipients = %v", got.Recipients)
		}
	})
	t.Run("webhook URLs are compared exactly", func(t *testing.T) {
		p := create(t, srv, createBody{Name: "h", Channel: "WEBHOOK", Recipients: []string{"https://a.example/Hook"}})
		got := call(t, srv, "POST", path(p, "/recipients"), map[string]any{"recipients": []string{"https://a.example/hook", "https://a.example/Hook"}}).
			expect(t, http.StatusOK).policy(t)
		if !slices.Equal(got.Recipients, []string{"https://a.example/Hook", "https://a.example/hook"}) {
			t.Errorf("recipients = %v", got.Recipients)
		}
	})
	t.Run("removing an e-mail matches case-insensitively", func(t *testing.T) {
		p := create(t, srv, emailPolicy("Ann@Example.com", "bob@example.com"))
		got := call(t, srv, "DELETE", path(p, "/recipients/ANN@example.com"), nil).expect(t, http.StatusOK).policy(t)
		if !slices.Equal(got.Recipients, []string{"bob@example.com"}) {
			t.Errorf("recipients = %v", got.Recipients)
		}
	})
	t.Run("adding a type already on the policy stores no duplicate", func(t *testing.T) {
		p := create(t, srv, createBody{Name: "m", Channel: "EMAIL", Recipients: []string{"a@example.com"}, NotificationTypes: []string{"INVOICE_ISSUED"}})
		got := call(t, srv, "POST", path(p, "/notification-types"), map[string]any{"notificationTypes": []string{"INVOICE_ISSUED", "QUOTE_SIGNED", "QUOTE_SIGNED"}}).
			expect(t, http.StatusOK).policy(t)
		if !slices.Equal(got.NotificationTypes, []string{"INVOICE_ISSUED", "QUOTE_SIGNED"}) {
			t.Errorf("types = %v", got.NotificationTypes)
		}
	})
	t.Run("removing the last type makes the policy match all types", func(t *testing.T) {
		p := create(t, srv, createBody{Name: "m", Channel: "EMAIL", Recipients: []string{"a@example.com"}, NotificationTypes: []string{"INVOICE_ISSUED"}})
		resp := call(t, srv, "DELETE", path(p, "/notification-types/INVOICE_ISSUED"), nil).expect(t, http.StatusOK)
		if _, present := rawKeys(t, resp.Body)["notificationTypes"]; present {
			t.Errorf("notificationTypes still present: %s", resp.Body)
		}
		if stored, _ := srv.Policy(p.ID); stored.NotificationTypes != nil {
			t.Errorf("stored types = %#v, want nil", stored.NotificationTypes)
		}
	})
	t.Run("adding types to an all-types policy makes it match exactly those", func(t *testing.T) {
		p := create(t, srv, emailPolicy("a@example.com"))
		got := call(t, srv, "POST", path(p, "/notification-types"), map[string]any{"notificationTypes": []string{"QUOTE_SIGNED"}}).
			expect(t, http.StatusOK).policy(t)
		if !slices.Equal(got.NotificationTypes, []string{"QUOTE_SIGNED"}) {
			t.Errorf("types = %v", got.NotificationTypes)
		}
	})
}

func TestAuthentication(t *testing.T) {
	srv := NewServer(t, WithCredentials("id-1", "secret-1"))
	cases := []struct {
		name string
		edit func(*http.Request)
		want int
	}{
		{"missing credentials", func(r *http.Request) { r.Header.Del("Authorization") }, http.StatusUnauthorized},
		{"wrong secret", func(r *http.Request) { r.SetBasicAuth("id-1", "secret-2") }, http.StatusUnauthorized},
		{"wrong id", func(r *http.Request) { r.SetBasicAuth("id-2", "secret-1") }, http.StatusUnauthorized},
		{"bearer instead of basic", func(r *http.Request) { r.Header.Set("Authorization", "Bearer secret-1") }, http.StatusUnauthorized},
		{"configured credentials", func(r *http.Request) { r.SetBasicAuth("id-1", "secret-1") }, http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := call(t, srv, "GET", "/notifications/policies", nil, tc.edit).expect(t, tc.want)
			if resp.Header.Get("Sequence-Version") == "" {
				t.Error("no Sequence-Version header")
			}
			if tc.want == http.StatusUnauthorized {
				if typ, msg := resp.apiError(t); typ != "Unauthorized" || strings.Contains(msg, "secret-1") {
					t.Errorf("error = %q %q", typ, msg)
				}
			}
		})
	}
}

func TestAPIVersion(t *testing.T) {
	srv := NewServer(t)
	cases := []struct {
		name, sent  string
		wantStatus  int
		wantVersion string
	}{
		{"missing header uses the pinned version", "", http.StatusOK, "2024-07-30"},
		{"current version", "2024-07-30", http.StatusOK, "2024-07-30"},
		{"older valid version is echoed", "2024-05-09", http.StatusOK, "2024-05-09"},
		{"oldest valid version is echoed", "2024-01-01", http.StatusOK, "2024-01-01"},
		{"unknown version", "2025-01-01", http.StatusBadRequest, "2024-07-30"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := call(t, srv, "GET", "/notifications/policies", nil, func(r *http.Request) {
				if tc.sent == "" {
					r.Header.Del("Sequence-Version")
				} else {
					r.Header.Set("Sequence-Version", tc.sent)
				}
			}).expect(t, tc.wantStatus)
			if got := resp.Header.Get("Sequence-Version"); got != tc.wantVersion {
				t.Errorf("Sequence-Version = %q, want %q", got, tc.wantVersion)
			}
			if tc.wantStatus == http.StatusBadRequest {
				if typ, _ := resp.apiError(t); typ != "UnrecognisedApiVersion" {
					t.Errorf("type = %q", typ)
				}
			}
		})
	}
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	srv := NewServer(t)
	p := create(t, srv, emailPolicy("a@example.com"))
	cases := []struct {
		name, method, path string
		want               int
		wantAllow          string
	}{
		{"unknown collection", "GET", "/customers", http.StatusNotFound, ""},
		{"trailing slash", "GET", "/notifications/policies/", http.StatusNotFound, ""},
		{"unknown sub-resource", "GET", "/notifications/policies/" + p.ID + "/owners", http.StatusNotFound, ""},
		{"PUT of a policy", "PUT", "/notifications/policies/" + p.ID, http.StatusMethodNotAllowed, "GET, DELETE"},
		{"PATCH of a policy", "PATCH", "/notifications/policies/" + p.ID, http.StatusMethodNotAllowed, "GET, DELETE"},
		{"DELETE of the collection", "DELETE", "/notifications/policies", http.StatusMethodNotAllowed, "GET, POST"},
		{"GET of recipients", "GET", "/notifications/policies/" + p.ID + "/recipients", http.StatusMethodNotAllowed, "POST"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := call(t, srv, tc.method, tc.path, nil).expect(t, tc.want)
			if got := resp.Header.Get("Allow"); got != tc.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tc.wantAllow)
			}
			resp.apiError(t)
		})
	}
}

// TestUnknownPathIsNotAMissingPolicy pins the contract's last row: a client whose endpoint lacks
// /api (or has a typo) gets a 404 it can tell apart from the one for an unknown id, so it never
// takes a wrong endpoint for deleted policies.
func TestUnknownPathIsNotAMissingPolicy(t *testing.T) {
	srv := NewServer(t)
	p := create(t, srv, emailPolicy("a@example.com"))
	withoutAPI := func(r *http.Request) { r.URL.Path = strings.TrimPrefix(r.URL.Path, "/api") }
	withTypo := func(r *http.Request) { r.URL.Path = strings.Replace(r.URL.Path, "/api/", "/apis/", 1) }
	cases := []struct {
		name   string
		method string
		edit   func(*http.Request)
	}{
		{"GET without /api", "GET", withoutAPI},
		{"DELETE without /api", "DELETE", withoutAPI},
		{"GET under a mistyped prefix", "GET", withTypo},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := call(t, srv, tc.method, "/notifications/policies/"+p.ID, nil, tc.edit).expect(t, http.StatusNotFound)
			if _, ok := rawKeys(t, resp.Body)["errors"]; ok {
				t.Errorf("an unknown path answered with the unknown-id shape: %s", resp.Body)
			}
			if typ, _ := resp.apiError(t); typ != "NotFound" {
				t.Errorf("type = %q, want NotFound", typ)
			}
		})
	}
	if _, ok := srv.Policy(p.ID); !ok {
		t.Fatal("a DELETE outside /api deleted the policy")
	}
	missing := call(t, srv, "GET", "/notifications/policies/"+newUUID(), nil).expect(t, http.StatusNotFound).fieldErrors(t)
	if !hasKey(missing, "id") {
		t.Errorf("unknown id answered %+v, want the id field error", missing)
	}
}

func TestRecipientPathSegmentIsUnescapedOnce(t *testing.T) {
	cases := []struct {
		name      string
		channel   string
		recipient string
	}{
		{"webhook with slashes", "WEBHOOK", "https://hooks.example.com/a/b/c"},
		{"webhook with query", "WEBHOOK", "https://hooks.example.com/h?x=1&y=2"},
		{"webhook with fragment", "WEBHOOK", "https://hooks.example.com/h#frag"},
		{"webhook with percent escape", "WEBHOOK", "https://hooks.example.com/50%25off?q=%2F"},
		{"webhook with plus", "WEBHOOK", "https://hooks.example.com/a+b?c=d+e"},
		{"webhook with space", "WEBHOOK", "https://hooks.example.com/a b?q=c d"},
		{"webhook with non-ASCII", "WEBHOOK", "https://hooks.example.com/zürich/日本?ü=é#ß"},
		{"webhook with everything", "WEBHOOK", "https://user@hooks.example.com:8443/p/a b/ü%20?x=a+b&y=/#f/g"},
		{"e-mail with plus", "EMAIL", "finance+alerts@example.com"},
		{"e-mail with non-ASCII", "EMAIL", "zoë@example.com"},
		{"e-mail with a quoted local part", "EMAIL", `"quoted"@example.com`},
		{"e-mail with a quoted local part holding a space and an at sign", "EMAIL", `"first last@home"@example.com`},
	}
	srv := NewServer(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			keep := "https://keep.example.com/h"
			if tc.channel == "EMAIL" {
				keep = "keep@example.com"
			}
			p := create(t, srv, createBody{Name: tc.name, Channel: tc.channel, Recipients: []string{tc.recipient, keep}})
			if p.Recipients[0] != tc.recipient {
				t.Fatalf("stored %q, want %q", p.Recipients[0], tc.recipient)
			}
			srv.ResetRequests()
			segment := url.PathEscape(tc.recipient)
			got := call(t, srv, "DELETE", "/notifications/policies/"+p.ID+"/recipients/"+segment, nil).expect(t, http.StatusOK).policy(t)
			if !slices.Equal(got.Recipients, []string{keep}) {
				t.Errorf("recipients after removal = %q", got.Recipients)
			}
			if log := srv.Requests(); len(log) != 1 || log[0].Path != "/api/notifications/policies/"+p.ID+"/recipients/"+segment {
				t.Errorf("request log = %+v", log)
			}
		})
	}

	t.Run("a recipient spliced raw into the path is not found", func(t *testing.T) {
		p := create(t, srv, createBody{Name: "raw", Channel: "WEBHOOK", Recipients: []string{"https://a.example/x", "https://b.example"}})
		call(t, srv, "DELETE", "/notifications/policies/"+p.ID+"/recipients/https://a.example/x", nil).expect(t, http.StatusNotFound)
	})
	for _, segment := range []string{"a+b@example.com", "a%2Bb%40example.com"} {
		t.Run("segment "+segment+" names the recipient a+b@example.com", func(t *testing.T) {
			p := create(t, srv, emailPolicy("a+b@example.com", "c@example.com"))
			got := call(t, srv, "DELETE", "/notifications/policies/"+p.ID+"/recipients/"+segment, nil).expect(t, http.StatusOK).policy(t)
			if !slices.Equal(got.Recipients, []string{"c@example.com"}) {
				t.Errorf("recipients = %v", got.Recipients)
			}
		})
	}
}

// Removing a policy's last type through the API widens it to every type: the emulator counts each
// such request (tests of update races assert none happened); a dashboard edit does not count.
func TestTypesEmptiedByRequestsCountsWidenings(t *testing.T) {
	srv := NewServer(t)
	p := create(t, srv, createBody{Name: "typed", Channel: "EMAIL", Recipients: []string{"a@example.com"},
		NotificationTypes: []string{"INVOICE_ISSUED", "QUOTE_SIGNED"}})
	base := "/notifications/policies/" + p.ID
	call(t, srv, "DELETE", base+"/notification-types/INVOICE_ISSUED", nil).expect(t, http.StatusOK)
	if n := srv.TypesEmptiedByRequests(); n != 0 {
		t.Fatalf("after removing one of two types: %d widenings, want 0", n)
	}
	call(t, srv, "DELETE", base+"/notification-types/QUOTE_SIGNED", nil).expect(t, http.StatusOK)
	if n := srv.TypesEmptiedByRequests(); n != 1 {
		t.Fatalf("after removing the last type: %d widenings, want 1", n)
	}
	call(t, srv, "POST", base+"/notification-types", map[string]any{"notificationTypes": []string{"QUOTE_SIGNED"}}).expect(t, http.StatusOK)
	if err := srv.UpdatePolicy(p.ID, func(p *Policy) { p.NotificationTypes = nil }); err != nil {
		t.Fatal(err)
	}
	if n := srv.TypesEmptiedByRequests(); n != 1 {
		t.Errorf("after a dashboard edit emptied the types: %d widenings, want still 1", n)
	}
}
