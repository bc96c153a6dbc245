package provider

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

var (
	_ datasource.DataSource              = &notificationPolicyDataSource{}
	_ datasource.DataSourceWithConfigure = &notificationPolicyDataSource{}
)

// NewNotificationPolicyDataSource returns the sequence_notification_policy data source, which reads
// one policy by id or by its exact name.
func NewNotificationPolicyDataSource() datasource.DataSource {
	return &notificationPolicyDataSource{}
}

type notificationPolicyDataSource struct {
	data *providerData
}

func (d *notificationPolicyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_notification_policy"
}

func (d *notificationPolicyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Sequence notification policy, selected by `id` or by its exact `name`. " +
			"Set exactly one of the two. Returns the same attributes as the `sequence_notification_policy` resource.",
		Attributes: withPolicySummaryAttributes(map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "ID of the policy to read. Exactly one of `id` and `name` must be set.",
				Optional:            true,
				Computed:            true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					// On id only, so a missing or doubled selector is reported once.
					stringvalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
				},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the policy to read, matched exactly (letter case and spaces included) " +
					"against every policy in the account. Sequence does not require names to be unique: when several " +
					"policies have this name the read fails and lists their ids, and `id` must be used instead. " +
					"Exactly one of `id` and `name` must be set.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"webhook_secret": schema.StringAttribute{
				MarkdownDescription: "Secret Sequence signs `WEBHOOK` deliveries with. Sensitive. Null for `EMAIL` policies " +
					"and whenever the Sequence API does not return the secret on reads.",
				Computed:  true,
				Sensitive: true,
			},
		}),
	}
}

// Descriptions of the computed attributes every object describing a policy has, the resource's
// included, so they cannot drift apart.
const (
	createdAtDescription         = "When the policy was created, as Sequence reports it (ISO-8601, UTC)."
	sequenceAccountIDDescription = "Identifier of the Sequence account that owns the policy."
)

// withPolicySummaryAttributes returns attrs completed with the attributes of
// notificationPolicySummaryModel, all computed, as both data sources show them (a policy in the
// list, or the one read); an attribute in attrs (such as the singular's selectors id and name)
// takes the place of the shared one.
func withPolicySummaryAttributes(attrs map[string]schema.Attribute) map[string]schema.Attribute {
	shared := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "ID of the policy.",
			Computed:            true,
		},
		"name": schema.StringAttribute{
			MarkdownDescription: "Name of the policy (not necessarily unique).",
			Computed:            true,
		},
		"channel": schema.StringAttribute{
			MarkdownDescription: "How notifications are delivered: `WEBHOOK` or `EMAIL`.",
			Computed:            true,
		},
		"recipients": schema.SetAttribute{
			MarkdownDescription: "Webhook URLs (`WEBHOOK`) or e-mail addresses (`EMAIL`) that receive the notifications.",
			ElementType:         types.StringType,
			Computed:            true,
		},
		"notification_types": schema.SetAttribute{
			MarkdownDescription: "Notification types the policy sends. Null means all types, including ones Sequence adds later.",
			ElementType:         types.StringType,
			Computed:            true,
		},
		"created_at": schema.StringAttribute{
			MarkdownDescription: createdAtDescription,
			Computed:            true,
		},
		"sequence_account_id": schema.StringAttribute{
			MarkdownDescription: sequenceAccountIDDescription,
			Computed:            true,
		},
	}
	maps.Copy(shared, attrs)
	return shared
}

func (d *notificationPolicyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = data
}

func (d *notificationPolicyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config notificationPolicyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := d.data.apiClient(&resp.Diagnostics)
	if client == nil {
		return
	}

	var policy *sequence.NotificationPolicy
	var diags diag.Diagnostics
	if !config.ID.IsNull() {
		policy, diags = notificationPolicyByID(ctx, client, config.ID.ValueString())
	} else {
		policy, diags = notificationPolicyByName(ctx, client, config.Name.ValueString(), "set id instead of name to select one of them.")
	}
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	// No prior: a data source has nothing to keep, so webhook_secret is whatever this read returned.
	state := notificationPolicyFromAPI(policy, nil, writeOnlySecret{}).notificationPolicyModel
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func notificationPolicyByID(ctx context.Context, client *sequence.Client, id string) (*sequence.NotificationPolicy, diag.Diagnostics) {
	var diags diag.Diagnostics
	// No prior either: the data source wants the secret Sequence may return.
	policy, err := client.ReadNotificationPolicy(ctx, id, sequence.ReadNotificationPolicyOptions{WantSecret: true})
	switch {
	case sequence.NotFound(err):
		diags.AddAttributeError(path.Root("id"), "Notification policy not found",
			fmt.Sprintf("No notification policy has the id %q in this Sequence account.", id))
	case err != nil:
		diags.AddAttributeError(path.Root("id"), "Cannot read notification policy", err.Error())
	}
	return policy, diags
}

// notificationPolicyByName lists every policy, since the API cannot filter by name, and requires
// exactly one with that name. hint ends the error when several have it: how to pick one.
func notificationPolicyByName(ctx context.Context, client *sequence.Client, name, hint string) (*sequence.NotificationPolicy, diag.Diagnostics) {
	var diags diag.Diagnostics
	all, err := client.ListNotificationPolicies(ctx, sequence.ListNotificationPoliciesOptions{PageSize: 100})
	if err != nil {
		diags.AddAttributeError(path.Root("name"), "Cannot list notification policies", err.Error())
		return nil, diags
	}
	named := selectNotificationPolicies(all, notificationPolicyFilter{name: name})
	switch len(named) {
	case 0:
		detail := fmt.Sprintf("No notification policy has the name %q. Names are matched exactly, including letter case "+
			"and spaces.", name)
		var near []sequence.NotificationPolicy
		for _, p := range all {
			if strings.EqualFold(strings.TrimSpace(p.Name), strings.TrimSpace(name)) {
				near = append(near, p)
			}
		}
		if len(near) > 0 {
			detail += " Policies whose names differ only in letter case or surrounding spaces: " + describePolicies(near) + "."
		}
		diags.AddAttributeError(path.Root("name"), "Notification policy not found", detail)
		return nil, diags
	case 1:
		return &named[0], diags
	}
	diags.AddAttributeError(path.Root("name"), "Ambiguous notification policy name",
		fmt.Sprintf("%d notification policies have the name %q: %s. Sequence does not require names to be unique; %s",
			len(named), name, describePolicies(named), hint))
	return nil, diags
}

// describePolicies lists policies for an error message: `id (CHANNEL) "name"`, comma-separated.
func describePolicies(policies []sequence.NotificationPolicy) string {
	out := make([]string, len(policies))
	for i, p := range policies {
		out[i] = fmt.Sprintf("%s (%s) %q", p.ID, p.Channel, p.Name)
	}
	return strings.Join(out, ", ")
}
