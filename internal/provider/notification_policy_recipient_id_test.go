package provider

import "testing"

func TestParseNotificationPolicyRecipientID(t *testing.T) {
	const pid = "3f0a1b2c-4d5e-4f60-8a7b-9c0d1e2f3a4b"
	for _, recipient := range []string{"ops@example.com", awkwardWebhookURL, "https://h.example.com:8443/a/b:c/"} {
		id := notificationPolicyRecipientID(pid, recipient)
		gotPolicy, gotRecipient, problem := parseNotificationPolicyRecipientID(id)
		if problem != "" || gotPolicy != pid || gotRecipient != recipient {
			t.Errorf("parse(%q) = %q, %q, %q; want %q, %q", id, gotPolicy, gotRecipient, problem, pid, recipient)
		}
	}
	for _, bad := range []string{"", "x", "/ops@example.com", pid + "/", pid + "/not a recipient", " " + pid + "/ops@example.com"} {
		if _, _, problem := parseNotificationPolicyRecipientID(bad); problem == "" {
			t.Errorf("parse(%q) accepted it", bad)
		}
	}
}
