package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	providerschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// The benchmark's plugin floor (tools/bench/floorprovider) serves these schemas as they are, so
// the CLI and the framework do the same per-instance work for it as for the provider (the same
// attributes, validators and plan modifiers) and the floor cannot drift from the provider.

// ProviderSchema is the provider block's schema.
func ProviderSchema(ctx context.Context) providerschema.Schema {
	var resp provider.SchemaResponse
	(&sequenceProvider{}).Schema(ctx, provider.SchemaRequest{}, &resp)
	return resp.Schema
}

// NotificationPolicyResourceSchema is sequence_notification_policy's schema.
func NotificationPolicyResourceSchema(ctx context.Context) schema.Schema {
	var resp resource.SchemaResponse
	(&notificationPolicyResource{}).Schema(ctx, resource.SchemaRequest{}, &resp)
	return resp.Schema
}

// NotificationPolicyIdentitySchema is sequence_notification_policy's resource identity.
func NotificationPolicyIdentitySchema(ctx context.Context) identityschema.Schema {
	var resp resource.IdentitySchemaResponse
	(&notificationPolicyResource{}).IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &resp)
	return resp.IdentitySchema
}
