package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// These tests speak the plugin protocol to the provider server the way a CLI with resource identity
// (Terraform 1.12+, OpenTofu 1.12+) or list resources (Terraform 1.14+, which no test runs) does.
// Identity through a real CLI is in notification_policy_identity_acc_test.go.

const policyType = "sequence_notification_policy"

// protoProvider is the provider's protocol 6 server, configured for srv.
func protoProvider(t *testing.T, srv *sequencetest.Server) (tfprotov6.ProviderServer, *tfprotov6.GetProviderSchemaResponse) {
	t.Helper()
	ctx := context.Background()
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasErrors(schemas.Diagnostics) {
		t.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	// Every provider attribute null except the emulator's endpoint and credentials.
	values := map[string]string{"endpoint": srv.URL, "client_id": sequencetest.DefaultClientID, "client_secret": sequencetest.DefaultClientSecret}
	config := map[string]tftypes.Value{}
	for _, a := range schemas.Provider.Block.Attributes {
		if v, ok := values[a.Name]; ok {
			config[a.Name] = tftypes.NewValue(tftypes.String, v)
		} else {
			config[a.Name] = tftypes.NewValue(a.ValueType(), nil)
		}
	}
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.14.0",
		Config:           dynamicValue(t, schemas.Provider.ValueType(), config),
	})
	if err != nil || hasErrors(resp.Diagnostics) {
		t.Fatalf("ConfigureProvider: %v %v", err, resp.Diagnostics)
	}
	return server, schemas
}

func dynamicValue(t *testing.T, typ tftypes.Type, attrs map[string]tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// objectAttrs decodes a dynamic value of an object type into its attributes.
func objectAttrs(t *testing.T, dv *tfprotov6.DynamicValue, typ tftypes.Type) map[string]tftypes.Value {
	t.Helper()
	if dv == nil {
		t.Fatal("no value")
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	attrs := map[string]tftypes.Value{}
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	return attrs
}

func stringAttr(t *testing.T, attrs map[string]tftypes.Value, name string) string {
	t.Helper()
	var s string
	if err := attrs[name].As(&s); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

func hasErrors(diags []*tfprotov6.Diagnostic) bool {
	return slices.ContainsFunc(diags, func(d *tfprotov6.Diagnostic) bool { return d.Severity == tfprotov6.DiagnosticSeverityError })
}

func identityType() tftypes.Type {
	return tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}
}

func TestNotificationPolicyIdentitySchema(t *testing.T) {
	srv := sequencetest.NewServer(t)
	server, _ := protoProvider(t, srv)
	resp, err := server.GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || hasErrors(resp.Diagnostics) {
		t.Fatalf("GetResourceIdentitySchemas: %v %v", err, resp.Diagnostics)
	}
	schema := resp.IdentitySchemas[policyType]
	if schema == nil || len(schema.IdentityAttributes) != 1 {
		t.Fatalf("identity schema of %s = %+v, want one attribute", policyType, schema)
	}
	a := schema.IdentityAttributes[0]
	if a.Name != "id" || !a.Type.Is(tftypes.String) || !a.RequiredForImport {
		t.Errorf("identity attribute = %+v, want id, a string required for import", a)
	}
	// The recipient resource has no identity.
	if _, ok := resp.IdentitySchemas["sequence_notification_policy_recipient"]; ok {
		t.Error("sequence_notification_policy_recipient has an identity schema")
	}
}

// An import by identity, then the read that follows it, yield the policy with its identity.
func TestNotificationPolicyImportByIdentity(t *testing.T) {
	ctx := context.Background()
	srv := sequencetest.NewServer(t)
	p := srv.InsertPolicy(sequencetest.Policy{Name: "finance", Channel: "EMAIL", Recipients: []string{"finance@example.com"}})
	server, schemas := protoProvider(t, srv)
	stateType := schemas.ResourceSchemas[policyType].ValueType()

	for _, tc := range []struct {
		name string
		req  *tfprotov6.ImportResourceStateRequest
	}{
		{"identity", &tfprotov6.ImportResourceStateRequest{TypeName: policyType, Identity: &tfprotov6.ResourceIdentityData{
			IdentityData: dynamicValue(t, identityType(), map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, p.ID)}),
		}}},
		{"id", &tfprotov6.ImportResourceStateRequest{TypeName: policyType, ID: p.ID}},
		{"name", &tfprotov6.ImportResourceStateRequest{TypeName: policyType, ID: "name=finance"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			imported, err := server.ImportResourceState(ctx, tc.req)
			if err != nil || hasErrors(imported.Diagnostics) || len(imported.ImportedResources) != 1 {
				t.Fatalf("ImportResourceState: %v %v %+v", err, imported.Diagnostics, imported.ImportedResources)
			}
			r := imported.ImportedResources[0]
			if id := stringAttr(t, objectAttrs(t, r.State, stateType), "id"); id != p.ID {
				t.Errorf("imported state id = %q, want %q", id, p.ID)
			}
			if r.Identity == nil || stringAttr(t, objectAttrs(t, r.Identity.IdentityData, identityType()), "id") != p.ID {
				t.Errorf("imported identity = %+v, want id %q", r.Identity, p.ID)
			}

			read, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{
				TypeName: policyType, CurrentState: r.State, CurrentIdentity: r.Identity, Private: r.Private,
			})
			if err != nil || hasErrors(read.Diagnostics) {
				t.Fatalf("ReadResource: %v %v", err, read.Diagnostics)
			}
			state := objectAttrs(t, read.NewState, stateType)
			if got := stringAttr(t, state, "name"); got != "finance" {
				t.Errorf("read name = %q", got)
			}
			if read.NewIdentity == nil || stringAttr(t, objectAttrs(t, read.NewIdentity.IdentityData, identityType()), "id") != p.ID {
				t.Errorf("identity after read = %+v, want id %q", read.NewIdentity, p.ID)
			}
		})
	}
}

// ListResource streams every policy of every page that matches the filters, in the data source's
// order, each with its identity and, when asked, its attributes without the secret.
func TestNotificationPolicyListResource(t *testing.T) {
	ctx := context.Background()
	srv := sequencetest.NewServer(t)
	var want []string // names of the policies the filters select
	for i := range 230 {
		name := fmt.Sprintf("team-%03d", i)
		channel, recipient := "EMAIL", fmt.Sprintf("t%d@example.com", i)
		if i%3 == 0 {
			channel, recipient = "WEBHOOK", fmt.Sprintf("https://hooks.example.com/%d", i)
		}
		types := []string{"INVOICE_ISSUED"}
		if i%5 == 0 {
			types = []string{"CUSTOMER_CREATED"}
		}
		srv.InsertPolicy(sequencetest.Policy{Name: name, Channel: channel, Recipients: []string{recipient}, NotificationTypes: types})
		if channel == "WEBHOOK" && i%5 != 0 {
			want = append(want, name)
		}
	}
	srv.InsertPolicy(sequencetest.Policy{Name: "other", Channel: "WEBHOOK", Recipients: []string{"https://o.example.com"}, NotificationTypes: []string{"INVOICE_ISSUED"}})
	provider, schemas := protoProvider(t, srv)
	server, ok := provider.(tfprotov6.ProviderServerWithListResource) //nolint:staticcheck // SA1019: the only way to reach ListResource until ProviderServer gains it
	if !ok {
		t.Fatal("the provider server does not serve list resources")
	}
	configType := schemas.ListResourceSchemas[policyType].ValueType()
	stateType := schemas.ResourceSchemas[policyType].ValueType()
	srv.ResetRequests()

	stream, err := server.ListResource(ctx, &tfprotov6.ListResourceRequest{
		TypeName: policyType,
		Config: dynamicValue(t, configType, map[string]tftypes.Value{
			"channel":           tftypes.NewValue(tftypes.String, "WEBHOOK"),
			"notification_type": tftypes.NewValue(tftypes.String, "INVOICE_ISSUED"),
			"name_regex":        tftypes.NewValue(tftypes.String, "^team-"),
		}),
		IncludeResource: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for r := range stream.Results {
		if hasErrors(r.Diagnostics) {
			t.Fatalf("result diagnostics: %v", r.Diagnostics)
		}
		id := stringAttr(t, objectAttrs(t, r.Identity.IdentityData, identityType()), "id")
		state := objectAttrs(t, r.Resource, stateType)
		name := stringAttr(t, state, "name")
		if stringAttr(t, state, "id") != id {
			t.Errorf("%s: resource id differs from identity %q", name, id)
		}
		if !state["webhook_secret"].IsNull() {
			t.Errorf("%s: list result carries a webhook secret", name)
		}
		if r.DisplayName != name+" (WEBHOOK)" {
			t.Errorf("display name = %q", r.DisplayName)
		}
		got = append(got, name)
	}
	if !slices.Equal(got, want) {
		t.Errorf("listed %d policies %q,\nwant %d %q", len(got), got, len(want), want)
	}

	// Every page was read, with the type filter sent to the API.
	var pages []string
	for _, r := range srv.Requests() {
		if r.Method == "GET" && strings.HasSuffix(r.Path, "/notifications/policies") {
			pages = append(pages, r.Query)
		}
	}
	if len(pages) < 2 || !slices.ContainsFunc(pages, func(q string) bool { return strings.Contains(q, "after=") }) {
		t.Errorf("list requests %q, want several pages followed through their cursors", pages)
	}
	for _, q := range pages {
		if !strings.Contains(q, "notificationType=INVOICE_ISSUED") {
			t.Errorf("list request %q does not filter by type", q)
		}
	}

	// A limit stops the stream early.
	limited, err := server.ListResource(ctx, &tfprotov6.ListResourceRequest{
		TypeName: policyType, Limit: 5,
		Config: dynamicValue(t, configType, map[string]tftypes.Value{
			"channel": tftypes.NewValue(tftypes.String, nil), "notification_type": tftypes.NewValue(tftypes.String, nil),
			"name_regex": tftypes.NewValue(tftypes.String, nil),
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r := range limited.Results {
		if r.Resource != nil {
			t.Error("a result without include_resource carries the resource")
		}
		n++
	}
	if n != 5 {
		t.Errorf("limit 5 streamed %d results", n)
	}
}

// An import by an identity whose id is empty fails before any request (GET /notifications/policies/
// is no route of the API), saying what an identity holds.
func TestNotificationPolicyImportByEmptyIdentity(t *testing.T) {
	srv := sequencetest.NewServer(t)
	server, _ := protoProvider(t, srv)
	srv.ResetRequests()
	for _, id := range []tftypes.Value{tftypes.NewValue(tftypes.String, ""), tftypes.NewValue(tftypes.String, nil)} {
		imported, err := server.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{
			TypeName: policyType,
			Identity: &tfprotov6.ResourceIdentityData{IdentityData: dynamicValue(t, identityType(), map[string]tftypes.Value{"id": id})},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(imported.Diagnostics) != 1 || imported.Diagnostics[0].Summary != "Invalid import identity" ||
			!strings.Contains(imported.Diagnostics[0].Detail, "The identity's id is empty") ||
			strings.Contains(imported.Diagnostics[0].Detail, "name=") {
			t.Errorf("identity id %v: diagnostics %+v, want one error about the empty identity", id, imported.Diagnostics)
		}
		if len(imported.ImportedResources) != 0 {
			t.Errorf("identity id %v: imported %+v", id, imported.ImportedResources)
		}
	}
	if reqs := srv.Requests(); len(reqs) != 0 {
		t.Errorf("imports of an empty identity sent %d requests, first %s %s", len(reqs), reqs[0].Method, reqs[0].Path)
	}
}

// A classic import of an empty id also fails before any request.
func TestNotificationPolicyImportOfEmptyID(t *testing.T) {
	srv := sequencetest.NewServer(t)
	server, _ := protoProvider(t, srv)
	srv.ResetRequests()
	imported, err := server.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{TypeName: policyType})
	if err != nil {
		t.Fatal(err)
	}
	if len(imported.Diagnostics) != 1 || imported.Diagnostics[0].Summary != "Invalid import id" ||
		!strings.Contains(imported.Diagnostics[0].Detail, "The import id is empty") {
		t.Errorf("diagnostics %+v, want one error about the empty import id", imported.Diagnostics)
	}
	if reqs := srv.Requests(); len(reqs) != 0 {
		t.Errorf("the import of an empty id sent %d requests, first %s %s", len(reqs), reqs[0].Method, reqs[0].Path)
	}
}

// A CLI without identity support sends no current identity; a Read that finds the policy gone
// must still succeed (the framework requires an identity after every Read).
func TestNotificationPolicyReadOfDeletedPolicyWithoutIdentity(t *testing.T) {
	ctx := context.Background()
	srv := sequencetest.NewServer(t)
	p := srv.InsertPolicy(sequencetest.Policy{Name: "gone", Channel: "EMAIL", Recipients: []string{"a@example.com"}})
	server, schemas := protoProvider(t, srv)
	stateType := schemas.ResourceSchemas[policyType].ValueType()
	imported, err := server.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: policyType, ID: p.ID})
	if err != nil || hasErrors(imported.Diagnostics) {
		t.Fatalf("ImportResourceState: %v %v", err, imported.Diagnostics)
	}
	srv.DeletePolicy(p.ID)

	read, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: policyType, CurrentState: imported.ImportedResources[0].State})
	if err != nil || hasErrors(read.Diagnostics) {
		t.Fatalf("ReadResource of a deleted policy: %v %v", err, read.Diagnostics)
	}
	v, err := read.NewState.Unmarshal(stateType)
	if err != nil || !v.IsNull() {
		t.Errorf("state after reading a deleted policy = %v (%v), want null", v, err)
	}
}
