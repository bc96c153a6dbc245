package provider

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

// endpointsWithCredentials are endpoints a user might paste with credentials in them, in every
// shape the parser must cope with. Each holds "leaked" only in its user information, query or
// fragment.
var endpointsWithCredentials = []string{
	"https://leaked-id:leaked-pw@eu.sequencehq.com/api",
	"http://leaked-id:leaked-pw@sequence.example.com/api",
	"http://leaked-id:leaked-pw@127.0.0.1:8080/api",
	"https://leaked-id@eu.sequencehq.com/api",
	"https://leaked-id:leaked%40pw@eu.sequencehq.com/api",
	"https://leaked-id:leaked@pw@eu.sequencehq.com/api",
	"https://leaked-id:leaked/pw@eu.sequencehq.com/api",
	"https://leaked-id:1234/leaked-pw@eu.sequencehq.com/api",
	"https://leaked-id:leaked-pw@exa mple.com/api",
	"https://leaked-id:leaked-pw@eu.sequencehq.com/api?x=1",
	"ftp://leaked-id:leaked-pw@eu.sequencehq.com/api",
	"leaked-id:leaked-pw@eu.sequencehq.com/api",
	"//leaked-id:leaked-pw@eu.sequencehq.com/api",
	"http://127.0.0.1:8080/api?token=leaked-pw",
	"https://eu.sequencehq.com/api?token=leaked-pw",
	"https://eu.sequencehq.com/api#leaked-pw",
	"https://eu.sequencehq.com/api?x=1#leaked-pw",
	"https://eu.sequencehq.com/api?token=leaked@pw",
	"https://eu.sequencehq.com/api?next=https://x@leaked-host/",
	"eu.sequencehq.com/api?token=leaked-pw",
}

// Every diagnostic and log line of the provider's Configure that can mention the endpoint (the
// invalid-endpoint error, for the attribute and for the environment variable, the client
// construction error, the debug log of the configuration) leaves its user information out.
func TestConfigureNeverShowsEndpointCredentials(t *testing.T) {
	for _, source := range []string{"attribute", envEndpoint} {
		for _, endpoint := range endpointsWithCredentials {
			t.Run(source+"/"+endpoint, func(t *testing.T) {
				config := map[string]string{"client_id": "id", "client_secret": "s3cret-value"}
				if source == envEndpoint {
					t.Setenv(envEndpoint, endpoint)
				} else {
					t.Setenv(envEndpoint, "")
					config["endpoint"] = endpoint
				}
				diags, logs := configureProvider(t, config)
				if !diags.HasError() {
					t.Fatalf("Configure accepted endpoint %q", endpoint)
				}
				var text strings.Builder
				for _, d := range diags {
					text.WriteString(d.Summary() + ": " + d.Detail() + "\n")
				}
				if !strings.Contains(text.String(), "Invalid Sequence API endpoint") {
					t.Errorf("no invalid-endpoint diagnostic:\n%s", text.String())
				}
				for what, out := range map[string]string{"diagnostics": text.String(), "logs": logs} {
					if strings.Contains(out, "leaked") {
						t.Errorf("%s show the endpoint's credentials:\n%s", what, out)
					}
				}
			})
		}
	}
}

// An endpoint of only white space is quoted as it is, and called blank, not shown as "".
func TestConfigureReportsABlankEndpointAsWhiteSpace(t *testing.T) {
	for _, source := range []string{"attribute", envEndpoint} {
		t.Run(source, func(t *testing.T) {
			config := map[string]string{"client_id": "id", "client_secret": "s3cret-value"}
			if source == envEndpoint {
				t.Setenv(envEndpoint, " ")
			} else {
				t.Setenv(envEndpoint, "")
				config["endpoint"] = " "
			}
			diags, _ := configureProvider(t, config)
			if !diags.HasError() {
				t.Fatal("Configure accepted a blank endpoint")
			}
			detail := diags[0].Detail()
			if !strings.Contains(detail, `is " ": only white space`) || strings.Contains(detail, `""`) {
				t.Errorf("detail = %q, want the blank value quoted as it is and called white space", detail)
			}
		})
	}
}

// The check above reads the logs of a refused configuration; this one shows that the logs it
// reads are the provider's, by finding the endpoint in those of an accepted configuration.
func TestConfigureLogsTheEndpoint(t *testing.T) {
	t.Setenv(envEndpoint, "")
	diags, logs := configureProvider(t, map[string]string{
		"endpoint": sequence.SandboxEndpoint, "client_id": "id", "client_secret": "s3cret-value",
	})
	if diags.HasError() {
		t.Fatalf("Configure: %v", diags)
	}
	if !strings.Contains(logs, "Sequence provider configured") || !strings.Contains(logs, sequence.SandboxEndpoint) {
		t.Errorf("logs do not record the configured endpoint:\n%s", logs)
	}
}

// configureProvider runs the provider's Configure on a provider block holding the given string
// attributes (the rest null) and returns its diagnostics and everything it logged.
func configureProvider(t *testing.T, attrs map[string]string) (diag.Diagnostics, string) {
	t.Helper()
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	p := &sequenceProvider{version: "test"}
	var schemaResp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &schemaResp)
	objectType, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("provider schema type is %T", schemaResp.Schema.Type().TerraformType(ctx))
	}
	values := map[string]tftypes.Value{}
	for name, typ := range objectType.AttributeTypes {
		values[name] = tftypes.NewValue(typ, nil)
		if v, ok := attrs[name]; ok {
			values[name] = tftypes.NewValue(typ, v)
		}
	}
	req := provider.ConfigureRequest{Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objectType, values)}}
	var resp provider.ConfigureResponse
	p.Configure(ctx, req, &resp)
	return resp.Diagnostics, out.String()
}
