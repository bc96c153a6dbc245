package provider

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// cliOutput records everything the CLI under test prints. terraform-plugin-testing only surfaces
// the output of failed commands, so tests that check warnings, or that nothing secret is ever
// printed, run the CLI through a wrapper script that copies its stdout and stderr to files.
// The output of `show -json` goes to a file of its own: it is the state and the plan, which
// terraform-plugin-testing reads to run its checks, not something printed for people.
type cliOutput struct {
	stdoutPath, stderrPath, artifactsPath string
}

// recordCLIOutput points TF_ACC_TERRAFORM_PATH at the wrapper for the rest of the test, which
// therefore cannot run in parallel (t.Setenv forbids it).
func recordCLIOutput(t *testing.T) *cliOutput {
	t.Helper()
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		found, err := exec.LookPath("terraform")
		if err != nil {
			t.Fatalf("no CLI to wrap: TF_ACC_TERRAFORM_PATH is unset and terraform is not on PATH")
		}
		cli = found
	}
	dir := t.TempDir()
	out := &cliOutput{
		stdoutPath:    filepath.Join(dir, "stdout.txt"),
		stderrPath:    filepath.Join(dir, "stderr.txt"),
		artifactsPath: filepath.Join(dir, "show-json.txt"),
	}
	// Buffered through temporary files so the exit status and both streams pass through unchanged.
	script := fmt.Sprintf(`#!/bin/sh
out=$(mktemp) || exit 1
err=$(mktemp) || exit 1
%s "$@" >"$out" 2>"$err"
status=$?
case "$*" in
"show -json"*) record=%s ;;
*) record=%s ;;
esac
echo "### $*" >>"$record"
cat "$out" >>"$record"
cat "$out"
cat "$err" >>%s
cat "$err" >&2
rm -f "$out" "$err"
exit $status
`, shellQuote(cli), shellQuote(out.artifactsPath), shellQuote(out.stdoutPath), shellQuote(out.stderrPath))
	wrapper := filepath.Join(dir, "cli-recorder")
	if err := os.WriteFile(wrapper, []byte(script), 0o700); err != nil { //nolint:gosec // an executable script is the point
		t.Fatal(err)
	}
	t.Setenv("TF_ACC_TERRAFORM_PATH", wrapper)
	return out
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// text returns what the CLI printed for people so far: stdout, then stderr.
func (o *cliOutput) text(t *testing.T) string {
	t.Helper()
	return readAll(t, o.stdoutPath, o.stderrPath)
}

// artifacts returns the state and plan documents (`show -json`) read so far.
func (o *cliOutput) artifacts(t *testing.T) string {
	t.Helper()
	return readAll(t, o.artifactsPath)
}

func readAll(t *testing.T, paths ...string) string {
	t.Helper()
	var b strings.Builder
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}

// expectPrinted is a TestCheckFunc: the CLI output recorded so far contains the fragments in
// order (a space matches any run of white space, as the CLI wraps long lines).
func (o *cliOutput) expectPrinted(t *testing.T, fragments ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if !errorPattern(fragments...).MatchString(o.text(t)) {
			return fmt.Errorf("the CLI did not print %q", fragments)
		}
		return nil
	}
}

// randomSecret returns a value unlikely to appear anywhere by chance.
func randomSecret(t *testing.T, prefix string) string {
	t.Helper()
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b)
}

// secretHygieneCycle runs create, update, import, failing creates and destroy with the most
// verbose logging Terraform and the provider have, then checks that no secret appears in the log
// file, in anything the CLI printed (errors included), or in the provider's logs of requests.
// With writeOnly, the cycle also sets a secret through webhook_secret_wo and reads one through the
// ephemeral resource into another policy's webhook_secret_wo.
func secretHygieneCycle(t *testing.T, writeOnly bool, versionChecks []tfversion.TerraformVersionCheck) {
	clientID := randomSecret(t, "hygiene-client-id-")
	clientSecret := randomSecret(t, "hygiene-client-secret-")
	wrongClientSecret := randomSecret(t, "hygiene-wrong-client-secret-")
	suppliedSecret := randomSecret(t, "hygiene-supplied-")
	writeOnlySecret := randomSecret(t, "hygiene-write-only-")
	srv := sequencetest.NewServer(t, sequencetest.WithCredentials(clientID, clientSecret))

	logPath := filepath.Join(t.TempDir(), "terraform-trace.log")
	t.Setenv("TF_ACC_LOG_PATH", logPath) // CLI logs and the in-process provider's logs
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_LOG", "TRACE")
	output := recordCLIOutput(t)

	// Secrets reach Terraform the way users are told to pass them: the provider's through its
	// environment variables, webhook secrets through sensitive variables (ephemeral for the
	// write-only one, or Terraform would keep its value in the plan).
	setProviderEnv(t, srv.URL, clientID, clientSecret)
	t.Setenv("TF_VAR_supplied_secret", suppliedSecret)
	if writeOnly {
		t.Setenv("TF_VAR_write_only_secret", writeOnlySecret)
	}

	config := func(recipientsSuffix string) string {
		c := `
provider "sequence" {}

variable "supplied_secret" {
  type      = string
  sensitive = true
}

resource "sequence_notification_policy" "generated" {
  name       = "generated secret"
  channel    = "WEBHOOK"
  recipients = ["https://hooks.example.com/generated"` + recipientsSuffix + `]
}

resource "sequence_notification_policy" "supplied" {
  name           = "supplied secret"
  channel        = "WEBHOOK"
  recipients     = ["https://hooks.example.com/supplied"` + recipientsSuffix + `]
  webhook_secret = var.supplied_secret
}
`
		if writeOnly {
			c += `
variable "write_only_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "sequence_notification_policy" "write_only" {
  name                      = "write-only secret"
  channel                   = "WEBHOOK"
  recipients                = ["https://hooks.example.com/write-only"` + recipientsSuffix + `]
  webhook_secret_wo         = var.write_only_secret
  webhook_secret_wo_version = 1
}

ephemeral "sequence_notification_policy_secret" "generated" {
  id = sequence_notification_policy.generated.id
}

resource "sequence_notification_policy" "from_ephemeral" {
  name              = "secret from the ephemeral resource"
  channel           = "WEBHOOK"
  recipients        = ["https://hooks.example.com/from-ephemeral"` + recipientsSuffix + `]
  webhook_secret_wo = ephemeral.sequence_notification_policy_secret.generated.webhook_secret
}
`
		}
		return c
	}
	// A create that fails with a secret in its request: Sequence rejects the notification type.
	const rejectedCreate = `
resource "sequence_notification_policy" "rejected" {
  name               = "rejected"
  channel            = "WEBHOOK"
  recipients         = ["https://hooks.example.com/rejected"]
  notification_types = ["NOT_A_SEQUENCE_TYPE"]
  webhook_secret     = var.supplied_secret
}
`
	const twoRecipients = `, "https://backup.example.com/hook"`
	var generatedSecret string
	learnGeneratedSecret := func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources["sequence_notification_policy.generated"]
		if !ok {
			return fmt.Errorf("sequence_notification_policy.generated not in state")
		}
		p, ok := srv.Policy(rs.Primary.ID)
		if !ok || p.WebhookSecret == "" {
			return fmt.Errorf("the emulator holds no generated secret for %s", rs.Primary.ID)
		}
		generatedSecret = p.WebhookSecret
		return nil
	}

	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   versionChecks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkNoPolicies(srv),
		Steps: []resource.TestStep{
			{Config: config(""), Check: learnGeneratedSecret},
			{
				Config: config(twoRecipients),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("sequence_notification_policy.generated", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("sequence_notification_policy.supplied", plancheck.ResourceActionUpdate),
				}},
			},
			{ResourceName: "sequence_notification_policy.generated", ImportState: true, ImportStateVerify: true},
			{ResourceName: "sequence_notification_policy.supplied", ImportState: true, ImportStateVerify: true},
			{
				Config:      config(twoRecipients) + rejectedCreate,
				ExpectError: errorPattern("Cannot create notification policy", "400"),
			},
			{
				// Reads with a wrong client secret fail with 401. (A provider alias would not do:
				// the in-process provider serves a single configuration.)
				PreConfig:   func() { t.Setenv(envClientSecret, wrongClientSecret) },
				Config:      config(twoRecipients),
				ExpectError: errorPattern("Cannot read notification policy", "401"),
			},
			{
				PreConfig: func() { t.Setenv(envClientSecret, clientSecret) },
				Config:    config(twoRecipients),
				PlanOnly:  true,
			},
		},
	})
	if t.Failed() || t.Skipped() {
		return
	}

	if generatedSecret == "" {
		t.Fatal("the generated webhook secret was never learned; the check would prove nothing")
	}
	secrets := map[string]string{
		"provider client secret":              clientSecret,
		"wrong client secret":                 wrongClientSecret,
		"Basic Authorization value":           base64.StdEncoding.EncodeToString([]byte(clientID + ":" + clientSecret)),
		"wrong Basic Authorization":           base64.StdEncoding.EncodeToString([]byte(clientID + ":" + wrongClientSecret)),
		"generated webhook secret":            generatedSecret,
		"supplied webhook secret":             suppliedSecret,
		"write-only webhook secret":           writeOnlySecret,
		"generated secret without its prefix": strings.TrimPrefix(generatedSecret, "whsec_"),
	}
	if !writeOnly {
		delete(secrets, "write-only webhook secret")
	}
	// Generated and supplied secrets are in state by design (the write-only input exists to avoid
	// that); nothing else may ever be.
	neverInState := []string{"provider client secret", "wrong client secret", "Basic Authorization value",
		"wrong Basic Authorization", "write-only webhook secret"}

	logData, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("reading the trace log: %v", err)
	}
	logText := string(logData)
	// The checks below must not pass vacuously: the log has to hold the CLI's trace output and
	// the provider's own request logs, bodies included.
	for _, want := range []string{"Sequence API request", "Sequence API request body", "Sequence API response body", "PlanResourceChange"} {
		if !strings.Contains(logText, want) {
			t.Fatalf("the trace log (%d bytes) has no %q line; the hygiene check would prove nothing", len(logData), want)
		}
	}
	cliText := output.text(t)
	if !strings.Contains(cliText, "Cannot create notification policy") || !strings.Contains(cliText, "401") {
		t.Fatalf("the recorded CLI output lacks the expected errors; the hygiene check would prove nothing")
	}

	for what, secret := range secrets {
		if n := strings.Count(logText, secret); n > 0 {
			t.Errorf("the %s appears %d time(s) in the trace log", what, n)
		}
		if n := strings.Count(cliText, secret); n > 0 {
			t.Errorf("the %s appears %d time(s) in the CLI's stdout or stderr", what, n)
		}
	}
	artifacts := output.artifacts(t)
	if !strings.Contains(artifacts, `"sequence_notification_policy"`) {
		t.Fatal("no state or plan was recorded; the check of them would prove nothing")
	}
	for _, what := range neverInState {
		secret, ok := secrets[what]
		if !ok {
			continue
		}
		if n := strings.Count(artifacts, secret); n > 0 {
			t.Errorf("the %s appears %d time(s) in the state or plan", what, n)
		}
	}
}

func TestAccSecretHygiene_generatedAndSuppliedSecretsNeverLogged(t *testing.T) {
	secretHygieneCycle(t, false, nil)
}

func TestAccSecretHygiene_writeOnlyAndEphemeralSecretsNeverLogged(t *testing.T) {
	secretHygieneCycle(t, true, []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)})
}

// skipWithWriteOnlySupport skips a test on CLIs that support write-only attributes: for tests of
// what an older CLI is told.
type skipWithWriteOnlySupport struct{}

func (skipWithWriteOnlySupport) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if req.TerraformVersion.Core().GreaterThanOrEqual(tfversion.Version1_11_0) {
		resp.Skip = fmt.Sprintf("CLI version %s supports write-only attributes", req.TerraformVersion)
	}
}
