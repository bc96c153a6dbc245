// Package provider implements the Terraform objects of the Sequence provider: the provider
// configuration, resources, data sources and ephemeral resources.
package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
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
	envMaxRetries   = "SEQUENCE_MAX_RETRIES"
	envRequestsPM   = "SEQUENCE_REQUESTS_PER_MINUTE"
)

const defaultMaxRetries = 5

// emptyIsUnset documents how resolveProviderSettings treats "" (see stringSetting).
const emptyIsUnset = "An empty string counts as unset for each of the three, so a variable defaulting to `\"\"` " +
	"(`endpoint = var.endpoint`) falls back to the environment variable, then to the default endpoint " +
	"or a missing-credential error."

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
			"environment variables; a value in the provider block wins over the environment. " + emptyIsUnset,
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL of the Sequence API. Defaults to `" + sequence.DefaultEndpoint + "` " +
					"(production); the sandbox is `" + sequence.SandboxEndpoint + "`. Can also be set with the `" +
					envEndpoint + "` environment variable; an empty string counts as unset. Must be `https://`, except for a " +
					"loopback host (`localhost`, `127.0.0.1`, `::1`) such as a local emulator.",
				Optional: true,
			},
			"client_id": schema.StringAttribute{
				MarkdownDescription: "Client ID of a Sequence API client (created in the Sequence dashboard). " +
					"Can also be set with the `" + envClientID + "` environment variable. Required by one of the two; " +
					"an empty string counts as unset.",
				Optional: true,
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "Client secret of the Sequence API client. Sensitive. Can also be set with the `" +
					envClientSecret + "` environment variable, which keeps it out of configuration files. " +
					"Required by one of the two; an empty string counts as unset.",
				Optional:  true,
				Sensitive: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a failed API request is retried (rate limiting, "+
					"temporary server errors, network failures) after the first attempt. At least 0; defaults to %d. "+
					"Can also be set with the `"+envMaxRetries+"` environment variable.",
					defaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"requests_per_minute": schema.Int64Attribute{
				MarkdownDescription: "Client-side limit on API requests per minute, shared by every resource and data " +
					"source using this provider configuration, so large applies stay under Sequence's rate limit " +
					"instead of being answered with `429 Too Many Requests`. At least 1; unset means no limit " +
					"(429 responses are still retried). Can also be set with the `" + envRequestsPM + "` environment " +
					"variable, for CI runners that share one API client per machine.",
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
		UserAgent:         userAgent(p.version, runningCLIName(), req.TerraformVersion, os.Getenv(envAppendUserAgent)),
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
	// An empty string counts as unset, so `endpoint = var.endpoint` with a variable defaulting to
	// "" (the usual pattern) falls back to the environment like an omitted attribute does.
	stringSetting := func(attr string, v types.String, env string) (value string, fromEnv, ok bool) {
		if v.IsUnknown() {
			unknown = append(unknown, attr)
			return "", false, false
		}
		if !v.IsNull() && v.ValueString() != "" {
			return v.ValueString(), false, true
		}
		return getenv(env), true, true
	}

	endpoint, endpointFromEnv, endpointKnown := stringSetting("endpoint", config.Endpoint, envEndpoint)
	if endpointKnown {
		if endpoint == "" {
			endpoint = sequence.DefaultEndpoint
		}
		if _, err := sequence.ParseEndpoint(endpoint); err != nil {
			source := "The endpoint attribute"
			if endpointFromEnv {
				source = "The " + envEndpoint + " environment variable"
			}
			diags.AddAttributeError(path.Root("endpoint"), "Invalid Sequence API endpoint", endpointErrorDetail(source, err))
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
		value, fromEnv, known := stringSetting(c.attr, c.value, c.env)
		if !known {
			continue
		}
		if value == "" {
			diags.AddAttributeError(path.Root(c.attr), "Missing Sequence API "+c.what,
				fmt.Sprintf("The Sequence provider needs an API %s: set the %s attribute in the provider block or the %s "+
					"environment variable (an empty string counts as unset). API clients are created in the Sequence dashboard.", c.what, c.attr, c.env))
		}
		if problem := controlCharacterProblem(value); problem != "" {
			source := "The " + c.attr + " attribute"
			if fromEnv {
				source = "The " + c.env + " environment variable"
			}
			diags.AddAttributeError(path.Root(c.attr), "Invalid Sequence API "+c.what,
				fmt.Sprintf("%s %s, which an API %s cannot have (value not shown). Copy the %s from the Sequence dashboard "+
					"again, without the line break.", source, problem, c.what, c.what))
		}
		*c.dest = value
	}

	// The numbers: configuration, else environment (CI runners set limits per machine), else the
	// default. The attribute validators check configured values; environment values are checked here.
	numbers := []struct {
		attr, env string
		value     types.Int64
		minimum   int
		dest      *int
	}{
		{"max_retries", envMaxRetries, config.MaxRetries, 0, &settings.maxRetries},
		{"requests_per_minute", envRequestsPM, config.RequestsPerMinute, 1, &settings.requestsPerMinute},
	}
	for _, n := range numbers {
		switch raw := strings.TrimSpace(getenv(n.env)); {
		case n.value.IsUnknown():
			unknown = append(unknown, n.attr)
		case !n.value.IsNull():
			*n.dest = int(n.value.ValueInt64())
		case raw != "":
			v, err := strconv.Atoi(raw)
			if err != nil || v < n.minimum {
				diags.AddAttributeError(path.Root(n.attr), "Invalid "+n.env,
					fmt.Sprintf("The %s environment variable is %q, but %s must be a whole number, at least %d. Fix or unset "+
						"the variable, or set %s in the provider block (which wins over the environment).",
						n.env, getenv(n.env), n.attr, n.minimum, n.attr))
				continue
			}
			*n.dest = v
		}
	}

	return settings, unknown, diags
}

// controlCharacterProblem describes the control characters in a credential ("" when it has none):
// almost always the line break that `echo`, a heredoc or a file adds at the end.
func controlCharacterProblem(value string) string {
	switch {
	case !sequence.ContainsControl(value):
		return ""
	case !sequence.ContainsControl(strings.TrimRight(value, "\r\n")):
		return "ends with a line break (likely a trailing newline from `echo`, a heredoc or a file)"
	default:
		return "contains a control character (such as a line break or a tab)"
	}
}

// endpointErrorDetail says which setting holds an endpoint sequence.ParseEndpoint refused and why,
// quoting it only as the parser shows it (without anything that could be credentials).
func endpointErrorDetail(source string, err error) string {
	var endpointErr *sequence.EndpointError
	if errors.As(err, &endpointErr) {
		return fmt.Sprintf("%s is %q: %s.", source, endpointErr.Endpoint, endpointErr.Problem)
	}
	return fmt.Sprintf("%s is not a usable endpoint: %s.", source, err)
}

// envAppendUserAgent is the variable HashiCorp's providers read to add to their User-Agent.
const envAppendUserAgent = "TF_APPEND_USER_AGENT"

// userAgent identifies the provider and, as far as it is known, the CLI running it, plus
// whatever TF_APPEND_USER_AGENT adds. cliName is "Terraform", "OpenTofu", or "" when the provider
// cannot tell. cliVersion is the TerraformVersion the protocol carries: Terraform's own version,
// but under OpenTofu the Terraform version whose provider features OpenTofu supports (a 1.13
// release for OpenTofu 1.12), so OpenTofu is named without a version, and under an unknown CLI
// the number is labelled as what it is rather than as the CLI's version.
func userAgent(providerVersion, cliName, cliVersion, appended string) string {
	const home = "+https://registry.terraform.io/providers/sequencehq/sequence"
	ua := "terraform-provider-sequence/" + providerVersion + " (" + home
	switch {
	case cliName == "OpenTofu":
		ua += "; OpenTofu"
	case cliVersion == "":
	case cliName == "":
		ua += "; Terraform-compatible/" + cliVersion
	default:
		ua += "; " + cliName + "/" + cliVersion
	}
	ua += ")"
	if appended = strings.TrimSpace(appended); appended != "" {
		ua += " " + appended
	}
	return ua
}

// runningCLIName names the CLI that started this provider process, from the name of the parent
// process's executable where the system exposes it (Linux); "" otherwise, e.g. when a test or a
// debugger runs the provider.
func runningCLIName() string {
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", os.Getppid()))
	if err != nil {
		return ""
	}
	return cliNameFromExecutable(exe)
}

func cliNameFromExecutable(exe string) string {
	base := strings.ToLower(filepath.Base(exe))
	switch {
	case strings.HasPrefix(base, "tofu"), strings.HasPrefix(base, "opentofu"):
		return "OpenTofu"
	case strings.HasPrefix(base, "terraform") && !strings.HasPrefix(base, "terraform-provider-"):
		return "Terraform"
	}
	return ""
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

// apiClient is the one way to the API client: every operation that calls the API opens with it,
// once the request's model is read. Without a client it returns nil and adds to diags an error
// saying why.
func (d *providerData) apiClient(diags *diag.Diagnostics) *sequence.Client {
	switch {
	case d == nil:
		diags.AddError("Sequence provider not configured",
			"The Sequence provider has not been configured, so the Sequence API cannot be called. "+
				"This is a bug in the Sequence provider or in the calling tool; please report it.")
		return nil
	case d.client == nil:
		diags.AddError("Sequence provider configuration not known yet", d.unavailable+
			" Apply the resources the provider configuration depends on first (for example with -target), then run again.")
		return nil
	}
	return d.client
}
