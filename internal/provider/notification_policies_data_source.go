package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSource              = &notificationPoliciesDataSource{}
	_ datasource.DataSourceWithConfigure = &notificationPoliciesDataSource{}
)

// NewNotificationPoliciesDataSource returns the sequence_notification_policies data source, which
// lists the policies of the account, optionally filtered.
func NewNotificationPoliciesDataSource() datasource.DataSource {
	return &notificationPoliciesDataSource{}
}

type notificationPoliciesDataSource struct {
	data *providerData
}

type notificationPoliciesDataSourceModel struct {
	notificationPolicyFiltersModel
	Policies []notificationPolicySummaryModel `tfsdk:"policies"`
	IDs      []string                         `tfsdk:"ids"`
}

func (d *notificationPoliciesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_notification_policies"
}

func (d *notificationPoliciesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the Sequence notification policies of the account, optionally filtered by channel, " +
			"notification type and a regular expression on the name. Results are ordered by name, then id, so the " +
			"output only changes when the policies do. Webhook secrets are never returned; read one policy with the " +
			"`sequence_notification_policy` data source for that.",
		Attributes: map[string]schema.Attribute{
			"channel": schema.StringAttribute{
				MarkdownDescription: "Only policies on this channel: `WEBHOOK` or `EMAIL`. Unset means both.",
				Optional:            true,
				Validators:          []validator.String{channelValidator{}},
			},
			"notification_type": schema.StringAttribute{
				MarkdownDescription: "Only policies that send this notification type, such as `INVOICE_ISSUED`, as " +
					"decided by the Sequence API's own filter (which includes policies that send all types). " +
					"A type this provider does not know is a warning, not an error, since Sequence adds types.",
				Optional:   true,
				Validators: []validator.String{notificationTypeFilterValidator{}},
			},
			"name_regex": schema.StringAttribute{
				MarkdownDescription: "Only policies whose name matches this regular expression ([Go RE2 syntax]" +
					"(https://pkg.go.dev/regexp/syntax)). It is unanchored: use `^` and `$` to match whole names, " +
					"`(?i)` to ignore letter case.",
				Optional:   true,
				Validators: []validator.String{regexpValidator{}},
			},
			"policies": schema.ListNestedAttribute{
				MarkdownDescription: "The matching policies, ordered by name, then id.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: withPolicySummaryAttributes(nil),
				},
			},
			"ids": schema.ListAttribute{
				MarkdownDescription: "IDs of the matching policies, in the same order as `policies`.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
	}
}

func (d *notificationPoliciesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = data
}

func (d *notificationPoliciesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config notificationPoliciesDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := d.data.apiClient(&resp.Diagnostics)
	if client == nil {
		return
	}

	selected, diags := config.list(ctx, client)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	config.Policies = make([]notificationPolicySummaryModel, len(selected))
	config.IDs = make([]string, len(selected))
	for i := range selected {
		config.Policies[i] = notificationPolicyFromAPI(&selected[i], nil, writeOnlySecret{}).notificationPolicySummaryModel
		config.IDs[i] = selected[i].ID
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}
