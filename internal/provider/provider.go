// Package provider implements the Terraform objects of the Sequence provider: the provider
// configuration, resources, data sources and ephemeral resources.
package provider

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

// Environment variables read when the provider block leaves an attribute unset.
const (
	envEndpoint     = "SEQUENCE_ENDPOINT"
	envClientID     = "SEQUENCE_CLIENT_ID"
	envClientSecret = "SEQUENCE_CLIENT_SECRET"
)

const defaultMaxRetries = 5

var (
	_ provider.Provider                       = &sequenceProvider{}
	_ provider.ProviderWithEphemeralResources = &sequenceProvider{}
	_ provider.ProviderWithListResources      = &sequenceProvider{}
)

// New returns a constructor of the provider; version is the release version ("dev" for local
// builds, "test" in acceptance tests) and ends up in the User-Agent.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &sequenceProvider{version: version}
	}
}

type sequenceProvider struct {
	version string

	// configureClient, when set, adjusts the client configuration before the client is built.
	// Tests use it to shorten retry backoff; nothing else sets it.
	configureClient func(*sequence.Config)
}

type sequenceProviderModel struct {
	Endpoint          types.String `tfsdk:"endpoint"`
	ClientID          types.String `tfsdk:"client_id"`
	ClientSecret      types.String `tfsdk:"client_secret"`
	MaxRetries        types.Int64  `tfsdk:"max_retries"`
	RequestsPerMinute types.Int64  `tfsdk:"requests_per_minute"`
}

func (p *sequenceProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "sequence"
	resp.Version = p.version
}

func (p *sequenceProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages [Sequence](https://sequencehq.com) notification policies through the Sequence API " +
			"(API version `" + sequence.APIVersion + "`). `endpoint`, `client_id` and `client_secret` can also come from " +
			"environment variables; a value in the provider block wins over the environment.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL of the Sequence API. Defaults to `" + sequence.DefaultEndpoint + "` " +
					"(production); the sandbox is `" + sequence.SandboxEndpoint + "`. Can also be set with the `" +
					envEndpoint + "` environment variable. Must be `https://`, except for a loopback host " +
					"(`localhost`, `127.0.0.1`, `::1`) such as a local emulator.",
				Optional: true,
			},
			"client_id": schema.StringAttribute{
				MarkdownDescription: "Client ID of a Sequence API client (created in the Sequence dashboard). " +
					"Can also be set with the `" + envClientID + "` environment variable. Required by one of the two.",
				Optional: true,
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "Client secret of the Sequence API client. Sensitive. Can also be set with the `" +
					envClientSecret + "` environment variable, which keeps it out of configuration files. " +
					"Required by one of the two.",
				Optional:  true,
				Sensitive: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a failed API request is retried (rate limiting, "+
					"temporary server errors, network failures) after the first attempt. At least 0; defaults to %d.",
					defaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"requests_per_minute": schema.Int64Attribute{
				MarkdownDescription: "Client-side limit on API requests per minute, shared by every resource and data " +
					"source using this provider configuration, so large applies stay under Sequence's rate limit " +
					"instead of being answered with `429 Too Many Requests`. At least 1; unset means no limit " +
					"(429 responses are still retried).",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
		},
	}
}

func (p *sequenceProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config sequenceProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	settings, unknown, diags := resolveProviderSettings(config, os.Getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	if len(unknown) > 0 {
		// A value that comes from another resource is only known during apply. Building a client
		// from a partial configuration could send requests with the wrong endpoint or
		// credentials, so hand out no client: plans that need no API call still work, and
		// operations that do need one say why they cannot run.
		data := &providerData{unavailable: fmt.Sprintf(
			"The provider configuration attribute(s) %s depend on values that are not known until apply, "+
				"so the Sequence API cannot be called yet.", strings.Join(unknown, ", "))}
		tflog.Debug(ctx, "Sequence provider configuration has unknown values; no API client configured",
			map[string]any{"unknown_attributes": unknown})
		resp.ResourceData = data
		resp.DataSourceData = data
		resp.EphemeralResourceData = data
		resp.ListResourceData = data
		return
	}

	cfg := sequence.Config{
		Endpoint:          settings.endpoint,
		ClientID:          settings.clientID,
		ClientSecret:      settings.clientSecret,
		UserAgent:         userAgent(p.version, req.TerraformVersion),
		MaxRetries:        settings.maxRetries,
		RequestsPerMinute: settings.requestsPerMinute,
	}
	if p.configureClient != nil {
		p.configureClient(&cfg)
	}
	client, err := sequence.NewClient(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the Sequence API client", err.Error())
		return
	}
	tflog.Debug(ctx, "Sequence provider configured", map[string]any{
		"endpoint": settings.endpoint, "max_retries": settings.maxRetries, "requests_per_minute": settings.requestsPerMinute,
	})

	data := &providerData{client: client}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
	resp.ListResourceData = data
}

func (p *sequenceProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewNotificationPolicyResource,
		NewNotificationPolicyRecipientResource,
	}
}

func (p *sequenceProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewNotificationPolicyDataSource,
		NewNotificationPoliciesDataSource,
	}
}

func (p *sequenceProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewNotificationPolicyListResource,
	}
}

func (p *sequenceProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewNotificationPolicySecretEphemeralResource,
	}
}

// providerSettings is the provider configuration after environment fallbacks and defaults.
type providerSettings struct {
	endpoint          string
	clientID          string
	clientSecret      string
	maxRetries        int
	requestsPerMinute int
}

// resolveProviderSettings applies "configuration beats environment", defaults and validation.
// It returns the names of attributes whose values are unknown; getenv is os.Getenv outside tests.
func resolveProviderSettings(config sequenceProviderModel, getenv func(string) string) (providerSettings, []string, diag.Diagnostics) {
	var diags diag.Diagnostics
	var unknown []string
	settings := providerSettings{maxRetries: defaultMaxRetries}

	// stringSetting returns the configured value, else the environment's; ok is false when unknown.
	stringSetting := func(attr string, v types.String, env string) (string, bool) {
		if v.IsUnknown() {
			unknown = append(unknown, attr)
			return "", false
		}
		if !v.IsNull() {
			return v.ValueString(), true
		}
		return getenv(env), true
	}

	endpoint, endpointKnown := stringSetting("endpoint", config.Endpoint, envEndpoint)
	if endpointKnown {
		if endpoint == "" {
			endpoint = sequence.DefaultEndpoint
		}
		if problem := endpointProblem(endpoint); problem != "" {
			source := "The endpoint attribute"
			if config.Endpoint.IsNull() {
				source = "The " + envEndpoint + " environment variable"
			}
			diags.AddAttributeError(path.Root("endpoint"), "Invalid Sequence API endpoint",
				fmt.Sprintf("%s is %q: %s.", source, endpoint, problem))
		}
		settings.endpoint = endpoint
	}

	credentials := []struct {
		attr, env, what string
		value           types.String
		dest            *string
	}{
		{"client_id", envClientID, "client ID", config.ClientID, &settings.clientID},
		{"client_secret", envClientSecret, "client secret", config.ClientSecret, &settings.clientSecret},
	}
	for _, c := range credentials {
		value, known := stringSetting(c.attr, c.value, c.env)
		if !known {
			continue
		}
		if value == "" {
			diags.AddAttributeError(path.Root(c.attr), "Missing Sequence API "+c.what,
				fmt.Sprintf("The Sequence provider needs an API %s: set the %s attribute in the provider block or the %s "+
					"environment variable. API clients are created in the Sequence dashboard.", c.what, c.attr, c.env))
		}
		*c.dest = value
	}

	if config.MaxRetries.IsUnknown() {
		unknown = append(unknown, "max_retries")
	} else if !config.MaxRetries.IsNull() {
		settings.maxRetries = int(config.MaxRetries.ValueInt64())
	}
	if config.RequestsPerMinute.IsUnknown() {
		unknown = append(unknown, "requests_per_minute")
	} else if !config.RequestsPerMinute.IsNull() {
		settings.requestsPerMinute = int(config.RequestsPerMinute.ValueInt64())
	}

	return settings, unknown, diags
}

// endpointProblem explains why raw cannot be used as the API base URL, or returns "".
// Plain http is only allowed to a loopback host, where nothing crosses a network.
func endpointProblem(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "not a valid URL"
	}
	if u.Scheme == "" || u.Hostname() == "" {
		return "must be an absolute URL such as " + sequence.DefaultEndpoint
	}
	switch u.Scheme {
	case "https":
		return ""
	case "http":
		if isLoopbackHost(u.Hostname()) {
			return ""
		}
		return "plain http would send the API credentials unencrypted; use https (http is only allowed for a loopback host such as 127.0.0.1 or localhost)"
	default:
		return fmt.Sprintf("unsupported scheme %q; use https", u.Scheme)
	}
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// userAgent identifies the provider and, when known, the Terraform (or OpenTofu) version running it.
func userAgent(providerVersion, terraformVersion string) string {
	const home = "+https://registry.terraform.io/providers/sequencehq/sequence"
	if terraformVersion == "" {
		return "terraform-provider-sequence/" + providerVersion + " (" + home + ")"
	}
	return "terraform-provider-sequence/" + providerVersion + " (" + home + "; Terraform/" + terraformVersion + ")"
}

// providerData is what Configure hands to resources, data sources and ephemeral resources.
type providerData struct {
	client *sequence.Client
	// unavailable says why client is nil.
	unavailable string
}

// providerDataFrom converts the ProviderData of a Configure request. It tolerates nil, which the
// framework passes before the provider is configured (e.g. during validation).
func providerDataFrom(raw any) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	if raw == nil {
		return nil, diags
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *provider.providerData, got %T. This is a bug in the Sequence provider; please report it.", raw))
		return nil, diags
	}
	return data, diags
}

// apiClient returns the configured client, or an error diagnostic saying why there is none.
func (d *providerData) apiClient() (*sequence.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	switch {
	case d == nil:
		diags.AddError("Sequence provider not configured",
			"The Sequence provider has not been configured, so the Sequence API cannot be called. "+
				"This is a bug in the Sequence provider or in the calling tool; please report it.")
		return nil, diags
	case d.client == nil:
		diags.AddError("Sequence provider configuration not known yet", d.unavailable+
			" Apply the resources the provider configuration depends on first (for example with -target), then run again.")
		return nil, diags
	}
	return d.client, diags
}
