// The write-only webhook secret (webhook_secret_wo): its plan modifiers, the replacement a changed
// value needs, and the salted fingerprint kept in private state in place of the secret.

package provider

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/sequencehq/terraform-provider-sequence/internal/sequence"
)

// Minimum CLI versions for write-only attributes, named in the error an older CLI gets.
const writeOnlyMinimumVersions = "Terraform 1.11 or OpenTofu 1.11"

// writeOnlyTestedVersions are the CLI versions whose tests cover the write-only and ephemeral
// features: what the docs claim.
const writeOnlyTestedVersions = "Terraform 1.11.4 and OpenTofu 1.12.6"

// webhookSecretPlanModifier plans webhook_secret when the configuration leaves it unset. With the
// write-only input in use the secret stays out of state: null (unknown while the input itself is
// unknown, since it may turn out null). Otherwise an existing policy keeps
// the secret it has (even none, e.g. after an import that could not read it), because the API
// cannot change a secret in place; a replacement is planned by Terraform as a new policy, with no
// prior state. A new EMAIL policy never has a secret; a new WEBHOOK policy gets one from
// Sequence, known after apply.
type webhookSecretPlanModifier struct{}

var _ planmodifier.String = webhookSecretPlanModifier{}

func (webhookSecretPlanModifier) Description(context.Context) string {
	return "keeps the secret of an existing policy when the configuration does not set one; null when webhook_secret_wo is used"
}

func (m webhookSecretPlanModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (webhookSecretPlanModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var writeOnly types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("webhook_secret_wo"), &writeOnly)...)
	if writeOnly.IsUnknown() {
		// Known only at apply: a value there means null here, null means the current secret or,
		// for a new policy, a generated one. Unknown covers both, unless both are null.
		if req.State.Raw.IsNull() || !req.StateValue.IsNull() {
			resp.PlanValue = types.StringUnknown()
		} else {
			resp.PlanValue = types.StringNull()
		}
		return
	}
	if !writeOnly.IsNull() {
		resp.PlanValue = types.StringNull()
		return
	}
	if !req.State.Raw.IsNull() {
		resp.PlanValue = req.StateValue
		return
	}
	var channel types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("channel"), &channel)...)
	if channel.ValueString() == sequence.ChannelEmail {
		resp.PlanValue = types.StringNull()
	}
}

// suppliedSecretChanged asks for replacement when the configuration sets a secret other than the
// one in state (it only runs when the planned value differs from state).
func suppliedSecretChanged(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.ConfigValue.IsNull()
}

// writeOnlySecretVersionChanged asks for replacement when webhook_secret_wo_version changes from
// one version to another (or to a value not known yet). Setting a first version, or removing it,
// sends nothing to Sequence.
func writeOnlySecretVersionChanged(_ context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = writeOnlySecretVersionBumped(req.StateValue, req.ConfigValue)
}

func writeOnlySecretVersionBumped(prior, config types.Int64) bool {
	return !prior.IsNull() && !config.IsNull() && !config.Equal(prior)
}

// planWriteOnlySecretReplacement is ModifyPlan's part for the write-only secret: it plans the
// replacement a changed webhook_secret_wo needs, and refuses moving it back into webhook_secret.
// config, prior and plan are the request's configuration, prior state and (the model of) resp.Plan,
// which it updates with what it changes there.
func planWriteOnlySecretReplacement(ctx context.Context, private privateStateReader, config, prior notificationPolicyResourceModel,
	plan *notificationPolicyResourceModel, resp *resource.ModifyPlanResponse,
) {
	configSecret, configWriteOnly, priorSecret := config.WebhookSecret, config.WebhookSecretWO, prior.WebhookSecret
	configVersion, priorVersion := config.WebhookSecretWOVersion, prior.WebhookSecretWOVersion
	fingerprint, diags := writeOnlySecretFingerprintFrom(ctx, private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	if fingerprint != nil && !configSecret.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("webhook_secret"), "Cannot move a write-only webhook secret into state",
			"This policy's webhook secret was set through webhook_secret_wo, which keeps it out of Terraform state and plan "+
				"files. Setting webhook_secret instead would write a secret into state, so the provider refuses it. Keep "+
				"webhook_secret_wo (bump webhook_secret_wo_version to rotate the secret). If you do want the secret in "+
				"state, create the policy under a new resource address, or remove this one from state (terraform state rm, "+
				"or a removed block) and import it again.")
		return
	}
	if configWriteOnly.IsNull() {
		return // nothing configured to compare (removing the input keeps the current secret)
	}
	if writeOnlySecretVersionBumped(priorVersion, configVersion) {
		return // the version's plan modifier already replaces the policy, which sends the new value
	}
	if configWriteOnly.IsUnknown() {
		// The value is learned during apply, when the planned action can no longer change: an
		// update planned now could not become the replacement a different secret needs. So the
		// policy is replaced, which is right whatever the value turns out to be.
		resp.Diagnostics.AddAttributeWarning(path.Root("webhook_secret_wo"), "webhook_secret_wo is not known until apply: the policy will be replaced",
			"webhook_secret_wo depends on a value that is only known during apply, so the provider cannot tell now "+
				"whether it is the secret this policy already has. Sequence cannot change a webhook secret, and the "+
				"planned action cannot change during apply, so the policy is replaced (a new id) to make sure it signs "+
				"with the configured secret. To avoid the replacement, use a value known at plan time (a variable, a "+
				"data source or an ephemeral resource), or apply the change that produces it first.")
		replacePolicy(ctx, plan, resp)
		return
	}

	secret := configWriteOnly.ValueString()
	switch {
	case fingerprint != nil && fingerprint.matches(secret):
		return
	case fingerprint != nil:
		resp.Diagnostics.AddAttributeWarning(path.Root("webhook_secret_wo"), "webhook_secret_wo changed: the policy will be replaced",
			"The value of webhook_secret_wo differs from the one this policy was created with, although "+
				"webhook_secret_wo_version did not change. (The provider compares it with a salted hash kept in the "+
				"resource's private state; the secret itself is never stored.) Sequence cannot change a webhook secret, so "+
				"the policy is replaced: it gets a new id, and receivers must verify signatures with the new secret. "+
				"To make a rotation explicit, bump webhook_secret_wo_version together with the secret.")
	case !priorSecret.IsNull() && !priorSecret.IsUnknown() && priorSecret.ValueString() == secret:
		return // the current secret moves out of state in place (Update records the fingerprint)
	case !priorSecret.IsNull() && !priorSecret.IsUnknown():
		resp.Diagnostics.AddAttributeWarning(path.Root("webhook_secret_wo"), "webhook_secret_wo replaces the policy",
			"webhook_secret_wo is not the secret this policy has, and Sequence cannot change a webhook secret, so the "+
				"policy is replaced (a new id). To take the current secret out of state without a replacement, set "+
				"webhook_secret_wo to the current secret first.")
	default:
		resp.Diagnostics.AddAttributeWarning(path.Root("webhook_secret_wo"), "webhook_secret_wo replaces the policy",
			"Terraform does not know this policy's current secret (Sequence did not return it when the policy was "+
				"imported or read), so it cannot tell whether webhook_secret_wo matches it. Sequence cannot change a "+
				"webhook secret, so the policy is replaced (a new id) to make sure it signs with the configured secret.")
	}
	replacePolicy(ctx, plan, resp)
}

// replacePolicy plans a replacement that the write-only secret needs. Terraform only honours a
// replacement for an attribute whose planned value differs from the prior one, and a write-only
// attribute is null in both: the replacement goes on the id, which a new policy has unknown.
func replacePolicy(ctx context.Context, plan *notificationPolicyResourceModel, resp *resource.ModifyPlanResponse) {
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), types.StringUnknown())...)
	plan.ID = types.StringUnknown()
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("id"))
}

// writeOnlySecretDiffers reports whether secret is known not to be the policy's current secret,
// judged by the fingerprint or, before the secret became write-only, by the secret in state.
func writeOnlySecretDiffers(secret string, fingerprint *writeOnlySecretFingerprint, stateSecret types.String) bool {
	switch {
	case fingerprint != nil:
		return !fingerprint.matches(secret)
	case stateSecret.IsNull() || stateSecret.IsUnknown():
		return true // nothing known to compare with (e.g. an import that could not read the secret)
	default:
		return stateSecret.ValueString() != secret
	}
}

// writeOnlySecret is what an operation knows of webhook_secret_wo: the fingerprint kept in private
// state (nil when the policy's secret was not set through it) and the configured value (null when
// unset, and in Read, which has no configuration). The zero value is a secret that lives in state.
type writeOnlySecret struct {
	fingerprint *writeOnlySecretFingerprint
	configured  types.String
}

// writeOnlySecretFrom reads the fingerprint from private state beside the configured value.
func writeOnlySecretFrom(ctx context.Context, private privateStateReader, configured types.String) (writeOnlySecret, diag.Diagnostics) {
	fingerprint, diags := writeOnlySecretFingerprintFrom(ctx, private)
	return writeOnlySecret{fingerprint: fingerprint, configured: configured}, diags
}

// keptOutOfState reports whether webhook_secret stays null: the secret was, or is being, set
// through webhook_secret_wo.
func (s writeOnlySecret) keptOutOfState() bool {
	return s.fingerprint != nil || !s.configured.IsNull()
}

// needsFingerprint reports whether the configured value is to be fingerprinted: a new policy's
// secret, or the current secret moving out of state.
func (s writeOnlySecret) needsFingerprint() bool {
	return s.fingerprint == nil && !s.configured.IsNull()
}

// differsFrom reports whether the configured value is known not to be the policy's secret
// (stateSecret is webhook_secret in state); false when nothing is configured.
func (s writeOnlySecret) differsFrom(stateSecret types.String) bool {
	return !s.configured.IsNull() && writeOnlySecretDiffers(s.configured.ValueString(), s.fingerprint, stateSecret)
}

// writeOnlySecretKey is the private state key of the fingerprint of the secret sent through
// webhook_secret_wo. Its presence also marks the policy's secret as write-only.
const writeOnlySecretKey = "webhook_secret_wo"

// writeOnlySecretFingerprint recognises the value sent through webhook_secret_wo without storing
// it: an HMAC-SHA256 of the secret keyed with a random salt of its own, so two policies with one
// secret do not look alike and precomputed hashes are no help to a reader of the state.
type writeOnlySecretFingerprint struct {
	Salt []byte `json:"salt"`
	MAC  []byte `json:"hmac_sha256"`
}

func newWriteOnlySecretFingerprint(secret string) (writeOnlySecretFingerprint, error) {
	salt := make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		return writeOnlySecretFingerprint{}, err
	}
	return writeOnlySecretFingerprint{Salt: salt, MAC: secretMAC(salt, secret)}, nil
}

func secretMAC(salt []byte, secret string) []byte {
	mac := hmac.New(sha256.New, salt)
	mac.Write([]byte(secret))
	return mac.Sum(nil)
}

func (f writeOnlySecretFingerprint) matches(secret string) bool {
	return hmac.Equal(f.MAC, secretMAC(f.Salt, secret))
}

// privateStateReader and privateStateWriter are the parts of the framework's private state data
// (whose type is internal to the framework) that the fingerprint needs.
type privateStateReader interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateStateWriter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// writeOnlySecretFingerprintFrom returns the fingerprint kept in private state, or nil when the
// policy's secret was not set through webhook_secret_wo.
func writeOnlySecretFingerprintFrom(ctx context.Context, private privateStateReader) (*writeOnlySecretFingerprint, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, writeOnlySecretKey)
	if diags.HasError() || len(raw) == 0 {
		return nil, diags
	}
	var f writeOnlySecretFingerprint
	if err := json.Unmarshal(raw, &f); err != nil || len(f.Salt) == 0 || len(f.MAC) == 0 {
		diags.AddError("Unreadable private state of a notification policy",
			"The fingerprint of webhook_secret_wo kept in the resource's private state cannot be read. This is a bug in "+
				"the Sequence provider; please report it. Bumping webhook_secret_wo_version re-creates the policy and "+
				"its fingerprint.")
		return nil, diags
	}
	return &f, diags
}

func storeWriteOnlySecretFingerprint(ctx context.Context, private privateStateWriter, secret string) diag.Diagnostics {
	var diags diag.Diagnostics
	f, err := newWriteOnlySecretFingerprint(secret)
	if err == nil {
		var raw []byte
		if raw, err = json.Marshal(f); err == nil {
			return private.SetKey(ctx, writeOnlySecretKey, raw)
		}
	}
	// Without the fingerprint later reads would not know the secret is write-only and could copy
	// it into state, so this is an error.
	diags.AddError("Cannot record the write-only webhook secret",
		"The provider could not keep a fingerprint of webhook_secret_wo in private state ("+err.Error()+"). This is a "+
			"bug in the Sequence provider; please report it.")
	return diags
}
