package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// policySpec is one policy as the benchmark configures it; policies.json maps name to spec.
type policySpec struct {
	Channel           string   `json:"channel"`
	Recipients        []string `json:"recipients"`
	NotificationTypes []string `json:"notification_types"`
}

// commandKind is the CLI command a phase runs.
type commandKind int

const (
	commandApply commandKind = iota
	commandPlan
	commandDestroy
)

// phase is one step of the workload. policies gives the configuration the phase applies (nil
// for destroy, which keeps the previous one); minimum gives the requests the phase cannot do
// without, per endpoint, for n policies.
type phase struct {
	name     string
	command  commandKind
	policies func(n int) map[string]policySpec
	minimum  func(n int) map[endpoint]int
	// summary is the line the CLI must print when the phase did what it should, e.g. that
	// every policy changed in place rather than being replaced.
	summary func(n int) string
}

// Endpoints of the Sequence API, as the request log is classified.
type endpoint string

const (
	endpointList          endpoint = "GET /notifications/policies"
	endpointCreate        endpoint = "POST /notifications/policies"
	endpointGet           endpoint = "GET /notifications/policies/{id}"
	endpointDelete        endpoint = "DELETE /notifications/policies/{id}"
	endpointAddRecipients endpoint = "POST /notifications/policies/{id}/recipients"
	endpointRemoveRecip   endpoint = "DELETE /notifications/policies/{id}/recipients/{recipient}"
	endpointAddTypes      endpoint = "POST /notifications/policies/{id}/notification-types"
	endpointRemoveType    endpoint = "DELETE /notifications/policies/{id}/notification-types/{type}"
	// endpointOtherPrefix starts the label of a request to anything else.
	endpointOtherPrefix = "other: "
)

// endpointOrder is the order endpoints are listed in: reads, then writes in lifecycle order.
var endpointOrder = []endpoint{endpointList, endpointGet, endpointCreate, endpointAddRecipients,
	endpointRemoveRecip, endpointAddTypes, endpointRemoveType, endpointDelete}

// sortEndpoints orders endpoints as endpointOrder does, unknown ones last by name.
func sortEndpoints(es []endpoint) {
	rank := func(e endpoint) int {
		if i := slices.Index(endpointOrder, e); i >= 0 {
			return i
		}
		return len(endpointOrder)
	}
	slices.SortFunc(es, func(a, b endpoint) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(string(a), string(b))
	})
}

const (
	policyNamePrefix      = "bench-"
	firstType, secondType = "INVOICE_CREATED", "INVOICE_ISSUED"
	replacementType       = "CUSTOMER_CREATED"
)

// The workload. Every policy starts with two recipients and two types; each update phase makes
// the smallest change of its kind to every policy, so the minimum is a fixed multiple of n.
//
// Minimum requests (apply refreshes every policy in state before planning, unless -refresh=false;
// the account holds only the benchmark's policies, so the refresh is p = refreshPages(n) list pages):
//
//	create:            n POST                       (nothing in state to refresh)
//	add recipient:     p pages + n POST .../recipients (one batch per policy)
//	plan, no change:   p pages
//	remove recipient:  p pages + n DELETE .../recipients/{r}
//	change type:       p pages + n POST .../notification-types + n DELETE .../notification-types/{t}
//	destroy:           p pages + n DELETE           (destroy refreshes too)
var phases = []phase{
	{
		name:     "create",
		command:  commandApply,
		policies: func(n int) map[string]policySpec { return buildPolicies(n, stageCreated) },
		minimum:  func(n int) map[endpoint]int { return map[endpoint]int{endpointCreate: n} },
		summary:  func(n int) string { return fmt.Sprintf("Resources: %d added, 0 changed, 0 destroyed.", n) },
	},
	{
		name:     "add recipient",
		command:  commandApply,
		policies: func(n int) map[string]policySpec { return buildPolicies(n, stageRecipientAdded) },
		minimum: func(n int) map[endpoint]int {
			return map[endpoint]int{endpointList: refreshPages(n), endpointAddRecipients: n}
		},
		summary: changedInPlace,
	},
	{
		name:     "plan, no change",
		command:  commandPlan,
		policies: func(n int) map[string]policySpec { return buildPolicies(n, stageRecipientAdded) },
		minimum:  func(n int) map[endpoint]int { return map[endpoint]int{endpointList: refreshPages(n)} },
		summary:  func(int) string { return "No changes." },
	},
	{
		name:     "remove recipient",
		command:  commandApply,
		policies: func(n int) map[string]policySpec { return buildPolicies(n, stageRecipientRemoved) },
		minimum: func(n int) map[endpoint]int {
			return map[endpoint]int{endpointList: refreshPages(n), endpointRemoveRecip: n}
		},
		summary: changedInPlace,
	},
	{
		name:     "change type",
		command:  commandApply,
		policies: func(n int) map[string]policySpec { return buildPolicies(n, stageTypeChanged) },
		minimum: func(n int) map[endpoint]int {
			return map[endpoint]int{endpointList: refreshPages(n), endpointAddTypes: n, endpointRemoveType: n}
		},
		summary: changedInPlace,
	},
	{
		name:    "destroy",
		command: commandDestroy,
		minimum: func(n int) map[endpoint]int {
			return map[endpoint]int{endpointList: refreshPages(n), endpointDelete: n}
		},
		summary: func(n int) string { return fmt.Sprintf("Resources: %d destroyed.", n) },
	},
}

// refreshPages is what a refresh of n policies needs when the account holds only those: every page
// of the list, maxPageSize policies each (the provider's shared read path serves the reads from them).
func refreshPages(n int) int {
	return (n + maxPageSize - 1) / maxPageSize
}

// maxPageSize is the most policies a list page holds.
const maxPageSize = 100

func changedInPlace(n int) string {
	return fmt.Sprintf("Resources: 0 added, %d changed, 0 destroyed.", n)
}

type stage int

const (
	stageCreated stage = iota
	stageRecipientAdded
	stageRecipientRemoved
	stageTypeChanged
)

// buildPolicies returns the configuration of n policies at a stage of the workload. One policy
// in four is a WEBHOOK policy (its secret generated by Sequence), the rest are EMAIL.
func buildPolicies(n int, s stage) map[string]policySpec {
	out := make(map[string]policySpec, n)
	for i := range n {
		name := fmt.Sprintf("%s%04d", policyNamePrefix, i)
		channel, recipient := "EMAIL", func(who string) string { return fmt.Sprintf("%s-%04d@example.com", who, i) }
		if i%4 == 3 {
			channel = "WEBHOOK"
			recipient = func(who string) string { return fmt.Sprintf("https://hooks.example.com/%04d/%s", i, who) }
		}
		recipients := []string{recipient("ops"), recipient("billing")}
		types := []string{firstType, secondType}
		if s >= stageRecipientAdded {
			recipients = append(recipients, recipient("oncall"))
		}
		if s >= stageRecipientRemoved {
			recipients = recipients[1:]
		}
		if s >= stageTypeChanged {
			types = []string{firstType, replacementType}
		}
		out[name] = policySpec{Channel: channel, Recipients: recipients, NotificationTypes: types}
	}
	return out
}

func totalRequests(byEndpoint map[endpoint]int) int {
	total := 0
	for _, v := range byEndpoint {
		total += v
	}
	return total
}

// subject is what the CLI manages in a measurement.
type subject string

const (
	subjectProvider     subject = "provider"
	subjectPluginFloor  subject = "plugin floor"
	subjectTerraformDat subject = "terraform_data"
)

// writeConfiguration writes main.tf for the subject into dir. Policies come from policies.json
// so that a phase only rewrites data, not HCL. requestsPerMinute > 0 sets the provider's
// client-side limit.
func writeConfiguration(dir string, s subject, requestsPerMinute int) error {
	var b strings.Builder
	b.WriteString("locals {\n  policies = jsondecode(file(\"${path.module}/policies.json\"))\n}\n\n")
	switch s {
	case subjectTerraformDat:
		// The same values as an object, held by Terraform's built-in resource: no plugin at all.
		b.WriteString(`resource "terraform_data" "policy" {
  for_each = local.policies
  input = {
    name               = each.key
    channel            = each.value.channel
    recipients         = toset(each.value.recipients)
    notification_types = toset(each.value.notification_types)
  }
}
`)
	default:
		b.WriteString(`terraform {
  required_providers {
    sequence = {
      source = "sequencehq/sequence"
    }
  }
}

`)
		if requestsPerMinute > 0 {
			fmt.Fprintf(&b, "provider \"sequence\" {\n  requests_per_minute = %d\n}\n\n", requestsPerMinute)
		}
		b.WriteString(`resource "sequence_notification_policy" "policy" {
  for_each           = local.policies
  name               = each.key
  channel            = each.value.channel
  recipients         = each.value.recipients
  notification_types = each.value.notification_types
}
`)
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(b.String()), 0o644)
}

func writePolicies(dir string, policies map[string]policySpec) error {
	data, err := json.MarshalIndent(policies, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "policies.json"), data, 0o644)
}
