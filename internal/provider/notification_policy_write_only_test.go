package provider

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestWriteOnlySecretFingerprint(t *testing.T) {
	first, err := newWriteOnlySecretFingerprint("fingerprinted-secret")
	if err != nil {
		t.Fatal(err)
	}
	second, err := newWriteOnlySecretFingerprint("fingerprinted-secret")
	if err != nil {
		t.Fatal(err)
	}
	if !first.matches("fingerprinted-secret") {
		t.Error("the fingerprint does not match the secret it was made from")
	}
	if first.matches("fingerprinted-secret ") || first.matches("") {
		t.Error("the fingerprint matches a different secret")
	}
	if slices.Equal(first.MAC, second.MAC) {
		t.Error("two fingerprints of one secret are equal; each needs a salt of its own")
	}

	// What goes into private state round-trips and does not contain the secret.
	raw, err := json.Marshal(first)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "fingerprinted-secret") {
		t.Error("the stored fingerprint contains the secret")
	}
	var back writeOnlySecretFingerprint
	if err := json.Unmarshal(raw, &back); err != nil || !back.matches("fingerprinted-secret") {
		t.Errorf("the stored fingerprint does not round-trip (%v)", err)
	}
}

func TestWriteOnlySecretVersionBumped(t *testing.T) {
	cases := []struct {
		prior, config types.Int64
		want          bool
	}{
		{types.Int64Value(1), types.Int64Value(2), true},
		{types.Int64Value(1), types.Int64Unknown(), true},
		{types.Int64Value(1), types.Int64Value(1), false},
		{types.Int64Null(), types.Int64Value(1), false}, // a first version
		{types.Int64Value(1), types.Int64Null(), false}, // version removed
		{types.Int64Null(), types.Int64Null(), false},
	}
	for _, tc := range cases {
		if got := writeOnlySecretVersionBumped(tc.prior, tc.config); got != tc.want {
			t.Errorf("writeOnlySecretVersionBumped(%v, %v) = %v, want %v", tc.prior, tc.config, got, tc.want)
		}
	}
}

func TestWriteOnlySecretDiffers(t *testing.T) {
	fingerprint, err := newWriteOnlySecretFingerprint("current-secret")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name        string
		secret      string
		fingerprint *writeOnlySecretFingerprint
		stateSecret types.String
		want        bool
	}{
		{"fingerprint of the same secret", "current-secret", &fingerprint, types.StringNull(), false},
		{"fingerprint of another secret", "new-secret", &fingerprint, types.StringNull(), true},
		{"the same secret in state", "current-secret", nil, types.StringValue("current-secret"), false},
		{"another secret in state", "current-secret", nil, types.StringValue("old-secret"), true},
		{"no secret known", "current-secret", nil, types.StringNull(), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := writeOnlySecretDiffers(tc.secret, tc.fingerprint, tc.stateSecret); got != tc.want {
				t.Errorf("writeOnlySecretDiffers = %v, want %v", got, tc.want)
			}
		})
	}
}
