package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

var (
	_ list.ListResource              = &notificationPolicyListResource{}
	_ list.ListResourceWithConfigure = &notificationPolicyListResource{}
)

// NewNotificationPolicyListResource returns the list resource of sequence_notification_policy
// (`list` blocks of `terraform query`, Terraform 1.14+), filtered like the
// sequence_notification_policies data source.
func NewNotificationPolicyListResource() list.ListResource {
	return &notificationPolicyListResource{}
}

type notificationPolicyListResource struct {
	data *providerData
}

func (l *notificationPolicyListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_notification_policy"
}

func (l *notificationPolicyListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the account's notification policies for `terraform query` (" + listResourceMinimumVersions +
			"+), with the filters of the `sequence_notification_policies` data source. Each result carries the policy's " +
			"identity (its `id`) and, when asked for, the resource's attributes without the webhook secret.",
		Attributes: map[string]listschema.Attribute{
			"channel": listschema.StringAttribute{
				MarkdownDescription: "Only policies on this channel: `WEBHOOK` or `EMAIL`. Unset means both.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(sequence.ChannelWebhook, sequence.ChannelEmail)},
			},
			"notification_type": listschema.StringAttribute{
				MarkdownDescription: "Only policies that send this notification type, as decided by the Sequence API's " +
					"own filter (which includes policies that send all types).",
				Optional:   true,
				Validators: []validator.String{notificationTypeFilterValidator{}},
			},
			"name_regex": listschema.StringAttribute{
				MarkdownDescription: "Only policies whose name matches this regular expression (Go RE2 syntax, unanchored).",
				Optional:            true,
				Validators:          []validator.String{regexpValidator{}},
			},
		},
	}
}

func (l *notificationPolicyListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	l.data = data
}

// List reads every page of the API (which filters by type only), applies the other filters as
// the data source does, and streams the results in the data source's order.
func (l *notificationPolicyListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config notificationPolicyFiltersModel
	diags := req.Config.Get(ctx, &config)
	client := l.data.apiClient(&diags)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	selected, listDiags := config.list(ctx, client)
	diags.Append(listDiags...)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}

	stream.Results = func(push func(list.ListResult) bool) {
		for i := range selected {
			if req.Limit > 0 && int64(i) >= req.Limit {
				return
			}
			p := &selected[i]
			result := req.NewListResult(ctx)
			result.DisplayName = fmt.Sprintf("%s (%s)", p.Name, p.Channel)
			result.Diagnostics.Append(setNotificationPolicyIdentity(ctx, result.Identity, types.StringValue(p.ID))...)
			if req.IncludeResource {
				// As in the data sources' lists, no secret: listing never puts one in state.
				m := notificationPolicyFromAPI(p, nil, writeOnlySecret{})
				m.WebhookSecret = types.StringNull()
				result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
			}
			if !push(result) {
				return
			}
		}
	}
}
