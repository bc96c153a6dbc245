package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// invalidConfigCase is a configuration that plan must refuse before any API call.
type invalidConfigCase struct {
	name string
	// provider replaces the default provider block (the emulator's URL and credentials), written
	// on one line with arguments separated by "; "; %s in it stands for the emulator's URL. Cases that set it run with the SEQUENCE_* environment
	// variables cleared, except those in env.
	provider string
	env      map[string]string
	// object is the block under test, with arguments separated by "; " (one per line in HCL).
	object string
	// want are fragments of the diagnostic, in order; a space matches any white space, since
	// the CLI wraps long lines.
	want []string
	// clis limits the case to the CLIs it applies to (write-only arguments and ephemeral
	// resources are newer than some CLIs the tests run on); nil means every CLI.
	clis []tfversion.TerraformVersionCheck
}

// invalidConfigProbe is a data source that reads from the API during plan. Every case carries it,
// so a case that passed validation by mistake (or got a configured client) would send requests.
const invalidConfigProbe = `
data "sequence_notification_policies" "probe" {}
`

func resourceBlock(args string) string {
	return `resource "sequence_notification_policy" "test" {` + "\n  " + strings.ReplaceAll(args, "; ", "\n  ") + "\n}\n"
}

func policyDataSourceBlock(args string) string {
	return `data "sequence_notification_policy" "test" {` + "\n  " + strings.ReplaceAll(args, "; ", "\n  ") + "\n}\n"
}

func secretEphemeralBlock(args string) string {
	return `ephemeral "sequence_notification_policy_secret" "test" {` + "\n  " + strings.ReplaceAll(args, "; ", "\n  ") + "\n}\n"
}

func recipientResourceBlock(args string) string {
	return `resource "sequence_notification_policy_recipient" "test" {` + "\n  " + strings.ReplaceAll(args, "; ", "\n  ") + "\n}\n"
}

func policiesDataSourceBlock(args string) string {
	return `data "sequence_notification_policies" "test" {` + "\n  " + strings.ReplaceAll(args, "; ", "\n  ") + "\n}\n"
}

const validEmailPolicy = `name = "x"; channel = "EMAIL"; recipients = ["ops@example.com"]`

var invalidConfigCases = []invalidConfigCase{
	// The provider block (resolveProviderSettings, sequence.ParseEndpoint and the int64 validators).
	{
		name:     "provider without client_id names the attribute and its environment variable",
		provider: `provider "sequence" { endpoint = "%s"; client_secret = "s3cret" }`,
		object:   resourceBlock(validEmailPolicy),
		want:     []string{"Missing Sequence API client ID", "set the client_id attribute in the provider block or the SEQUENCE_CLIENT_ID environment variable"},
	},
	{
		name:     "provider without client_secret names the attribute and its environment variable",
		provider: `provider "sequence" { endpoint = "%s"; client_id = "id" }`,
		object:   resourceBlock(validEmailPolicy),
		want:     []string{"Missing Sequence API client secret", "set the client_secret attribute in the provider block or the SEQUENCE_CLIENT_SECRET environment variable"},
	},
	// An empty string counts as unset: without the environment variable it is missing (the
	// fallback to the environment is TestAccProvider_emptySettingsFallBackToEnvironment).
	{
		name:     "provider with an empty client_id and no SEQUENCE_CLIENT_ID reports it missing",
		provider: `provider "sequence" { endpoint = "%s"; client_id = ""; client_secret = "s3cret" }`,
		object:   resourceBlock(validEmailPolicy),
		want:     []string{"Missing Sequence API client ID", "or the SEQUENCE_CLIENT_ID environment variable (an empty string counts as unset)"},
	},
	{
		name:     "provider with an empty client_secret and no SEQUENCE_CLIENT_SECRET reports it missing",
		provider: `provider "sequence" { endpoint = "%s"; client_id = "id"; client_secret = "" }`,
		object:   resourceBlock(validEmailPolicy),
		want:     []string{"Missing Sequence API client secret", "or the SEQUENCE_CLIENT_SECRET environment variable (an empty string counts as unset)"},
	},
	{
		name:     "provider with an empty client_secret and an empty SEQUENCE_CLIENT_SECRET reports it missing",
		provider: `provider "sequence" { endpoint = "%s"; client_id = "id"; client_secret = "" }`,
		env:      map[string]string{envClientSecret: ""},
		object:   resourceBlock(validEmailPolicy),
		want:     []string{"Missing Sequence API client secret"},
	},
	{
		name:     "SEQUENCE_CLIENT_SECRET with a trailing newline names the variable and the likely cause",
		provider: `provider "sequence" { endpoint = "%s"; client_id = "id" }`,
		env:      map[string]string{envClientSecret: "s3cret-from-a-file\n"},
		object:   resourceBlock(validEmailPolicy),
		want: []string{"Invalid Sequence API client secret", "The SEQUENCE_CLIENT_SECRET environment variable ends with a line break",
			"trailing newline", "value not shown"},
	},
	{
		name:     "client_secret attribute with a tab names the attribute",
		provider: `provider "sequence" { endpoint = "%s"; client_id = "id"; client_secret = "s3cret\twith-tab" }`,
		object:   resourceBlock(validEmailPolicy),
		want:     []string{"Invalid Sequence API client secret", "The client_secret attribute contains a control character"},
	},
	{
		name:     "provider with an empty endpoint and empty credentials and no environment reports the credentials",
		provider: `provider "sequence" { endpoint = ""; client_id = ""; client_secret = "" }`,
		object:   resourceBlock(validEmailPolicy),
		want:     []string{"Missing Sequence API client ID"},
	},
	{
		name:     "provider with an empty endpoint judges SEQUENCE_ENDPOINT and says it came from there",
		provider: `provider "sequence" { endpoint = ""; client_id = "id"; client_secret = "s3cret" }`,
		env:      map[string]string{envEndpoint: "http://10.0.0.1/api"},
		object:   resourceBlock(validEmailPolicy),
		want:     []string{"Invalid Sequence API endpoint", `The SEQUENCE_ENDPOINT environment variable is "http://10.0.0.1/api"`},
	},
	{
		name:     "provider refuses a plain http endpoint on a non-loopback host",
		provider: `provider "sequence" { endpoint = "http://sequence.example.com/api"; client_id = "id"; client_secret = "s3cret" }`,
		object:   resourceBlock(validEmailPolicy),
		want:     []string{"Invalid Sequence API endpoint", `The endpoint attribute is "http://sequence.example.com/api"`, "plain http would send the API credentials unencrypted; use https"},
	},
	{
		name:     "provider refuses a plain http endpoint from the environment and says where it came from",
		provider: `provider "sequence" { client_id = "id"; client_secret = "s3cret" }`,
		env:      map[string]string{envEndpoint: "http://10.0.0.1/api"},
		object:   resourceBlock(validEmailPolicy),
		want:     []string{"Invalid Sequence API endpoint", `The SEQUENCE_ENDPOINT environment variable is "http://10.0.0.1/api"`, "use https"},
	},
	{
		name:     "provider refuses an endpoint without a scheme",
		provider: `provider "sequence" { endpoint = "eu.sequencehq.com/api"; client_id = "id"; client_secret = "s3cret" }`,
		object:   resourceBlock(validEmailPolicy),
		want:     []string{"Invalid Sequence API endpoint", "must be an absolute URL such as https://eu.sequencehq.com/api"},
	},
	{
		name:     "provider refuses an endpoint with another scheme",
		provider: `provider "sequence" { endpoint = "ftp://sequence.example.com/api"; client_id = "id"; client_secret = "s3cret" }`,
		object:   resourceBlock(validEmailPolicy),
		want:     []string{"Invalid Sequence API endpoint", `unsupported scheme "ftp"; use https`},
	},
	{
		name:     "provider refuses an endpoint that is not a URL",
		provider: `provider "sequence" { endpoint = "://sequence"; client_id = "id"; client_secret = "s3cret" }`,
		object:   resourceBlock(validEmailPolicy),
		want:     []string{"Invalid Sequence API endpoint", "not a valid URL"},
	},
	{
		name:     "provider refuses an endpoint with credentials without quoting them",
		provider: `provider "sequence" { endpoint = "https://leaked-id:leaked-pw@eu.sequencehq.com/api"; client_id = "id"; client_secret = "s3cret" }`,
		object:   resourceBlock(validEmailPolicy),
		want:     []string{"Invalid Sequence API endpoint", `The endpoint attribute is "https://eu.sequencehq.com/api"`, "possibly credentials (left out of this message)", "set client_id and client_secret instead"},
	},
	{
		name:     "provider refuses negative max_retries",
		provider: `provider "sequence" { endpoint = "%s"; client_id = "id"; client_secret = "s3cret"; max_retries = -1 }`,
		object:   resourceBlock(validEmailPolicy),
		want:     []string{"Attribute max_retries value must be at least 0, got: -1"},
	},
	{
		name:     "provider refuses zero requests_per_minute",
		provider: `provider "sequence" { endpoint = "%s"; client_id = "id"; client_secret = "s3cret"; requests_per_minute = 0 }`,
		object:   resourceBlock(validEmailPolicy),
		want:     []string{"Attribute requests_per_minute value must be at least 1, got: 0"},
	},
	{
		// The framework's own conversion error (it calls itself a provider bug), but at plan time
		// and pointing at the line.
		name:     "provider refuses a fractional max_retries",
		provider: `provider "sequence" { endpoint = "%s"; client_id = "id"; client_secret = "s3cret"; max_retries = 1.5 }`,
		object:   resourceBlock(validEmailPolicy),
		want:     []string{"max_retries = 1.5", "is not an integer"},
	},

	// sequence_notification_policy: attribute validators.
	{name: "resource refuses an empty name", object: resourceBlock(`name = ""; channel = "EMAIL"; recipients = ["ops@example.com"]`),
		want: []string{"Attribute name string length must be at least 1, got: 0"}},
	{name: "resource refuses a blank name", object: resourceBlock(`name = " \t"; channel = "EMAIL"; recipients = ["ops@example.com"]`),
		want: []string{"Blank name", `name must contain a character other than spaces, tabs and line breaks, because Sequence refuses blank values`}},
	{name: "resource refuses a lower-case channel", object: resourceBlock(`name = "x"; channel = "email"; recipients = ["ops@example.com"]`),
		want: []string{"Invalid channel", `channel is "email", but channel values are upper case: use "EMAIL".`}},
	{name: "resource suggests the upper-case spelling of a webhook channel", object: resourceBlock(`name = "x"; channel = "Webhook"; recipients = ["https://hooks.example.com/a"]`),
		want: []string{"Invalid channel", `channel is "Webhook", but channel values are upper case: use "WEBHOOK".`}},
	{name: "resource refuses an unknown channel", object: resourceBlock(`name = "x"; channel = "SMS"; recipients = ["+447700900000"]`),
		want: []string{"Invalid channel", `channel is "SMS"; it must be "EMAIL" or "WEBHOOK".`}},
	{name: "resource refuses an empty recipients set", object: resourceBlock(`name = "x"; channel = "EMAIL"; recipients = []`),
		want: []string{"No recipients", "A notification policy needs at least one recipient, and Sequence refuses one without",
			"remove the policy instead"}},
	{name: "resource refuses an empty webhook_secret", object: resourceBlock(`name = "x"; channel = "WEBHOOK"; recipients = ["https://hooks.example.com/a"]; webhook_secret = ""`),
		want: []string{"Attribute webhook_secret string length must be at least 1, got: 0"}},
	{name: "resource refuses a blank webhook_secret", object: resourceBlock(`name = "x"; channel = "WEBHOOK"; recipients = ["https://hooks.example.com/a"]; webhook_secret = " "`),
		want: []string{"Blank webhook_secret", "webhook_secret must contain a character other than spaces"}},
	{name: "resource refuses an empty notification_types set and explains null", object: resourceBlock(validEmailPolicy + `; notification_types = []`),
		want: []string{"Empty notification_types", "leave notification_types unset (null means all types"}},
	{name: "resource refuses an empty notification type name", object: resourceBlock(validEmailPolicy + `; notification_types = [""]`),
		want: []string{"Invalid notification type", "a notification type must not be an empty string"}},
	{name: "resource refuses an empty notification type among valid ones", object: resourceBlock(validEmailPolicy + `; notification_types = ["INVOICE_ISSUED", ""]`),
		want: []string{"Invalid notification type", "a notification type must not be an empty string"}},

	// sequence_notification_policy: recipients checked against the channel (ValidateConfig).
	{name: "EMAIL policy refuses an empty recipient", object: resourceBlock(`name = "x"; channel = "EMAIL"; recipients = [""]`),
		want: []string{"Invalid recipient", "a recipient must not be an empty string"}},
	{name: "EMAIL policy refuses an address without an at sign", object: resourceBlock(`name = "x"; channel = "EMAIL"; recipients = ["ops.example.com"]`),
		want: []string{"Invalid recipient", `"ops.example.com" is not a valid e-mail address; EMAIL policies take bare addresses such as ops@example.com`}},
	{name: "EMAIL policy refuses an address with two at signs", object: resourceBlock(`name = "x"; channel = "EMAIL"; recipients = ["ops@team@example.com"]`),
		want: []string{`"ops@team@example.com" is not a valid e-mail address`}},
	{name: "EMAIL policy refuses a display name", object: resourceBlock(`name = "x"; channel = "EMAIL"; recipients = ["Ops <ops@example.com>"]`),
		want: []string{`"Ops <ops@example.com>" must be a bare e-mail address such as ops@example.com, without a display name, angle brackets or spaces`}},
	{name: "EMAIL policy refuses angle brackets", object: resourceBlock(`name = "x"; channel = "EMAIL"; recipients = ["<ops@example.com>"]`),
		want: []string{`"<ops@example.com>" must be a bare e-mail address`}},
	{name: "EMAIL policy refuses surrounding spaces", object: resourceBlock(`name = "x"; channel = "EMAIL"; recipients = ["ops@example.com "]`),
		want: []string{`"ops@example.com " must be a bare e-mail address`}},
	{name: "EMAIL policy refuses a webhook URL", object: resourceBlock(`name = "x"; channel = "EMAIL"; recipients = ["https://hooks.example.com/a"]`),
		want: []string{`"https://hooks.example.com/a" is not a valid e-mail address`}},
	{name: "EMAIL policy refuses addresses that differ only in letter case", object: resourceBlock(`name = "x"; channel = "EMAIL"; recipients = ["ops@example.com", "Ops@Example.com"]`),
		want: []string{"Duplicate recipient", `The addresses "Ops@Example.com", "ops@example.com" differ only in letter case; Sequence treats them as one recipient`}},
	{name: "WEBHOOK policy refuses an empty recipient", object: resourceBlock(`name = "x"; channel = "WEBHOOK"; recipients = [""]`),
		want: []string{"Invalid recipient", "a recipient must not be an empty string"}},
	{name: "WEBHOOK policy refuses plain http", object: resourceBlock(`name = "x"; channel = "WEBHOOK"; recipients = ["http://hooks.example.com/a"]`),
		want: []string{`"http://hooks.example.com/a" uses http; Sequence only delivers webhooks to https URLs`}},
	{name: "WEBHOOK policy refuses another scheme", object: resourceBlock(`name = "x"; channel = "WEBHOOK"; recipients = ["ftp://hooks.example.com/a"]`),
		want: []string{`"ftp://hooks.example.com/a" uses ftp; Sequence only delivers webhooks to https URLs`}},
	{name: "WEBHOOK policy refuses a relative URL", object: resourceBlock(`name = "x"; channel = "WEBHOOK"; recipients = ["/hooks/a"]`),
		want: []string{`"/hooks/a" is not an absolute URL; WEBHOOK policies take absolute https URLs`}},
	{name: "WEBHOOK policy refuses a URL without a scheme", object: resourceBlock(`name = "x"; channel = "WEBHOOK"; recipients = ["hooks.example.com/a"]`),
		want: []string{`"hooks.example.com/a" is not an absolute URL`}},
	{name: "WEBHOOK policy refuses a URL without a host", object: resourceBlock(`name = "x"; channel = "WEBHOOK"; recipients = ["https:///a"]`),
		want: []string{`"https:///a" is not an absolute URL`}},
	{name: "WEBHOOK policy refuses a string that is not a URL", object: resourceBlock(`name = "x"; channel = "WEBHOOK"; recipients = ["https://hooks example.com/a"]`),
		want: []string{`"https://hooks example.com/a" is not a valid URL; WEBHOOK policies take absolute https URLs`}},
	{name: "WEBHOOK policy refuses an e-mail address", object: resourceBlock(`name = "x"; channel = "WEBHOOK"; recipients = ["ops@example.com"]`),
		want: []string{`"ops@example.com" is not an absolute URL`}},
	{name: "WEBHOOK policy names the one bad recipient among good ones", object: resourceBlock(`name = "x"; channel = "WEBHOOK"; recipients = ["https://a.example.com/", "http://b.example.com/"]`),
		want: []string{`"http://b.example.com/" uses http`}},

	// sequence_notification_policy: other cross-attribute rules (ValidateConfig).
	{name: "EMAIL policy refuses webhook_secret", object: resourceBlock(validEmailPolicy + `; webhook_secret = "s3cret-value"`),
		want: []string{"webhook_secret on an EMAIL policy", `only applies to channel = "WEBHOOK"; remove it from this EMAIL policy`}},

	// sequence_notification_policy: the write-only secret and its version.
	{name: "webhook_secret_wo_version requires webhook_secret_wo", object: resourceBlock(`name = "x"; channel = "WEBHOOK"; recipients = ["https://hooks.example.com/a"]; webhook_secret_wo_version = 1`),
		want: []string{`Attribute "webhook_secret_wo" must be specified when "webhook_secret_wo_version" is specified`}},
	{name: "webhook_secret_wo on a CLI without write-only arguments names the versions needed", clis: []tfversion.TerraformVersionCheck{skipWithWriteOnlySupport{}},
		object: resourceBlock(`name = "x"; channel = "WEBHOOK"; recipients = ["https://hooks.example.com/a"]; webhook_secret_wo = "s3cret-value"`),
		want:   []string{"webhook_secret_wo needs Terraform 1.11 or OpenTofu 1.11 or later", "Upgrade the CLI, or set webhook_secret instead"}},
	{name: "resource refuses an empty webhook_secret_wo", clis: writeOnlyCLIs,
		object: resourceBlock(`name = "x"; channel = "WEBHOOK"; recipients = ["https://hooks.example.com/a"]; webhook_secret_wo = ""`),
		want:   []string{"Attribute webhook_secret_wo string length must be at least 1, got: 0"}},
	{name: "resource refuses a blank webhook_secret_wo", clis: writeOnlyCLIs,
		object: resourceBlock(`name = "x"; channel = "WEBHOOK"; recipients = ["https://hooks.example.com/a"]; webhook_secret_wo = "  "`),
		want:   []string{"Blank webhook_secret_wo", "webhook_secret_wo must contain a character other than spaces"}},
	{name: "resource refuses webhook_secret together with webhook_secret_wo", clis: writeOnlyCLIs,
		object: resourceBlock(`name = "x"; channel = "WEBHOOK"; recipients = ["https://hooks.example.com/a"]; webhook_secret = "s3cret-value"; webhook_secret_wo = "s3cret-value"`),
		want:   []string{`Attribute "webhook_secret" cannot be specified when "webhook_secret_wo" is specified`}},
	{name: "EMAIL policy refuses webhook_secret_wo", clis: writeOnlyCLIs,
		object: resourceBlock(validEmailPolicy + `; webhook_secret_wo = "s3cret-value"`),
		want:   []string{"webhook_secret_wo on an EMAIL policy", `only applies to channel = "WEBHOOK"; remove it from this EMAIL policy`}},

	// sequence_notification_policy: the schema itself (the CLI and the framework).
	{name: "resource requires name", object: resourceBlock(`channel = "EMAIL"; recipients = ["ops@example.com"]`),
		want: []string{"Missing required argument", `The argument "name" is required`}},
	{name: "resource requires channel", object: resourceBlock(`name = "x"; recipients = ["ops@example.com"]`),
		want: []string{"Missing required argument", `The argument "channel" is required`}},
	{name: "resource requires recipients", object: resourceBlock(`name = "x"; channel = "EMAIL"`),
		want: []string{"Missing required argument", `The argument "recipients" is required`}},
	{name: "resource takes recipients as a set, not a string", object: resourceBlock(`name = "x"; channel = "EMAIL"; recipients = "ops@example.com"`),
		want: []string{"Incorrect attribute value type", `Inappropriate value for attribute "recipients": set of string required`}},
	{name: "resource refuses an unknown argument", object: resourceBlock(validEmailPolicy + `; webhook_url = "https://hooks.example.com/a"`),
		want: []string{"Unsupported argument", `An argument named "webhook_url" is not expected here`}},
	{name: "resource refuses a configured id", object: resourceBlock(`id = "abc"; ` + validEmailPolicy),
		want: []string{"Invalid Configuration for Read-Only Attribute", "Cannot set value for this attribute as the provider has marked it as read-only"}},
	{name: "resource refuses a configured created_at", object: resourceBlock(`created_at = "2024-01-01T00:00:00Z"; ` + validEmailPolicy),
		want: []string{"Invalid Configuration for Read-Only Attribute"}},
	{name: "resource refuses a configured sequence_account_id", object: resourceBlock(`sequence_account_id = "acct"; ` + validEmailPolicy),
		want: []string{"Invalid Configuration for Read-Only Attribute"}},

	// sequence_notification_policy_recipient: the form of each value (the channel is only known at apply).
	{name: "recipient resource refuses an empty recipient", object: recipientResourceBlock(`policy_id = "p1"; recipient = ""`),
		want: []string{"Invalid recipient", "a recipient must not be an empty string"}},
	{name: "recipient resource refuses white space in a recipient", object: recipientResourceBlock(`policy_id = "p1"; recipient = "ops@example.com "`),
		want: []string{"Invalid recipient", `"ops@example.com " contains white space; a recipient is an e-mail address`}},
	{name: "recipient resource refuses white space inside a webhook URL", object: recipientResourceBlock(`policy_id = "p1"; recipient = "https://hooks.example.com/a b"`),
		want: []string{`"https://hooks.example.com/a b" contains white space`}},
	{name: "recipient resource refuses a display name", object: recipientResourceBlock(`policy_id = "p1"; recipient = "Ops <ops@example.com>"`),
		want: []string{`"Ops <ops@example.com>" contains white space`}},
	{name: "recipient resource refuses angle brackets", object: recipientResourceBlock(`policy_id = "p1"; recipient = "<ops@example.com>"`),
		want: []string{`"<ops@example.com>" must be a bare e-mail address`}},
	{name: "recipient resource refuses plain http", object: recipientResourceBlock(`policy_id = "p1"; recipient = "http://hooks.example.com/a"`),
		want: []string{`"http://hooks.example.com/a" uses http; Sequence only delivers webhooks to https URLs`}},
	{name: "recipient resource refuses a URL without a scheme", object: recipientResourceBlock(`policy_id = "p1"; recipient = "hooks.example.com/a"`),
		want: []string{`"hooks.example.com/a" is not a valid e-mail address`}},
	{name: "recipient resource refuses a URL without a host", object: recipientResourceBlock(`policy_id = "p1"; recipient = "https:///a"`),
		want: []string{`"https:///a" is not an absolute URL`}},
	{name: "recipient resource refuses an empty policy_id", object: recipientResourceBlock(`policy_id = ""; recipient = "ops@example.com"`),
		want: []string{"Attribute policy_id must be a notification policy id, without slashes or white space"}},
	{name: "recipient resource refuses a policy_id with a slash", object: recipientResourceBlock(`policy_id = "p1/ops@example.com"; recipient = "ops@example.com"`),
		want: []string{"Attribute policy_id must be a notification policy id, without slashes or white space"}},
	{name: "recipient resource refuses a blank policy_id", object: recipientResourceBlock(`policy_id = " "; recipient = "ops@example.com"`),
		want: []string{"Attribute policy_id must be a notification policy id"}},
	{name: "recipient resource requires policy_id", object: recipientResourceBlock(`recipient = "ops@example.com"`),
		want: []string{"Missing required argument", `The argument "policy_id" is required`}},
	{name: "recipient resource requires recipient", object: recipientResourceBlock(`policy_id = "p1"`),
		want: []string{"Missing required argument", `The argument "recipient" is required`}},
	{name: "recipient resource takes one recipient, not a list", object: recipientResourceBlock(`policy_id = "p1"; recipient = ["ops@example.com"]`),
		want: []string{"Incorrect attribute value type", `Inappropriate value for attribute "recipient": string required`}},
	{name: "recipient resource refuses a configured id", object: recipientResourceBlock(`id = "p1/ops@example.com"; policy_id = "p1"; recipient = "ops@example.com"`),
		want: []string{"Invalid Configuration for Read-Only Attribute"}},

	// data "sequence_notification_policy": exactly one selector, neither empty.
	{name: "policy data source requires id or name", object: policyDataSourceBlock(``),
		want: []string{"No attribute specified when one (and only one) of [id,name] is required"}},
	{name: "policy data source refuses both id and name", object: policyDataSourceBlock(`id = "abc"; name = "ops"`),
		want: []string{"2 attributes specified when one (and only one) of [id,name] is required"}},
	{name: "policy data source refuses an empty id", object: policyDataSourceBlock(`id = ""`),
		want: []string{"Attribute id string length must be at least 1, got: 0"}},
	{name: "policy data source refuses an empty name", object: policyDataSourceBlock(`name = ""`),
		want: []string{"Attribute name string length must be at least 1, got: 0"}},
	{name: "policy data source refuses a configured channel", object: policyDataSourceBlock(`name = "ops"; channel = "EMAIL"`),
		want: []string{"Invalid Configuration for Read-Only Attribute"}},

	// ephemeral "sequence_notification_policy_secret".
	{name: "secret ephemeral resource refuses an empty id", clis: ephemeralCLIs, object: secretEphemeralBlock(`id = ""`),
		want: []string{"Attribute id string length must be at least 1, got: 0"}},
	{name: "secret ephemeral resource requires id", clis: ephemeralCLIs, object: secretEphemeralBlock(``),
		want: []string{"Missing required argument", `The argument "id" is required`}},

	// data "sequence_notification_policies": filters.
	{name: "policies data source refuses an unknown channel", object: policiesDataSourceBlock(`channel = "SMS"`),
		want: []string{"Invalid channel", `channel is "SMS"; it must be "EMAIL" or "WEBHOOK".`}},
	{name: "policies data source refuses a lower-case channel", object: policiesDataSourceBlock(`channel = "email"`),
		want: []string{"Invalid channel", `channel is "email", but channel values are upper case: use "EMAIL".`}},
	{name: "policies data source refuses an invalid name_regex", object: policiesDataSourceBlock(`name_regex = "team-(a"`),
		want: []string{"Invalid regular expression", `"team-(a" is not a valid regular expression (Go RE2 syntax`, "missing closing )"}},
	{name: "policies data source refuses Perl syntax RE2 lacks", object: policiesDataSourceBlock(`name_regex = "^(?!ops)"`),
		want: []string{"Invalid regular expression", "invalid or unsupported Perl syntax"}},
	{name: "policies data source refuses an empty notification_type", object: policiesDataSourceBlock(`notification_type = ""`),
		want: []string{"Invalid notification type", "notification_type must not be an empty string; leave it unset to list policies of every type"}},
	{name: "policies data source refuses configured ids", object: policiesDataSourceBlock(`ids = ["abc"]`),
		want: []string{"Invalid Configuration for Read-Only Attribute"}},
}

// Every invalid configuration is refused at plan time with its own message, and no request
// reaches the API (the probe data source would otherwise be read).
func TestAccInvalidConfiguration_refusedWithoutAPIRequests(t *testing.T) {
	for _, tc := range invalidConfigCases {
		t.Run(tc.name, func(t *testing.T) {
			srv := sequencetest.NewServer(t)
			provider := testAccProviderConfig(srv)
			run := resource.ParallelTest
			if tc.provider != "" {
				// The provider reads the environment, which t.Setenv fixes for this test only
				// (and which therefore cannot run in parallel).
				for _, name := range []string{envEndpoint, envClientID, envClientSecret} {
					t.Setenv(name, tc.env[name])
				}
				provider = strings.NewReplacer("%s", srv.URL, "{ ", "{\n  ", "; ", "\n  ", " }", "\n}").Replace(tc.provider)
				run = resource.Test
			}
			run(t, resource.TestCase{
				TerraformVersionChecks:   tc.clis,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      provider + "\n" + tc.object + invalidConfigProbe,
					PlanOnly:    true,
					ExpectError: errorPattern(tc.want...),
				}},
			})
			if reqs := srv.Requests(); len(reqs) != 0 {
				t.Errorf("the invalid configuration sent %d API requests, want 0: %+v", len(reqs), reqs)
			}
		})
	}
}

// The probe is what makes "no request" mean something: a valid configuration with it does reach
// the API during plan.
func TestAccInvalidConfiguration_probeReadsDuringPlan(t *testing.T) {
	srv := sequencetest.NewServer(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:             testAccProviderConfig(srv) + "\n" + resourceBlock(validEmailPolicy) + invalidConfigProbe,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
	if len(srv.Requests()) == 0 {
		t.Error("a valid configuration with the probe sent no API request during plan; the zero-request checks prove nothing")
	}
}
