package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestLauncherReportsExitCodeRSSLogVolumeAndSchemaServedTime(t *testing.T) {
	report := filepath.Join(t.TempDir(), "plugins.jsonl")
	script := `echo '{"@message":"Received request","tf_rpc":"GetProviderSchema"}' >&2
echo '{"@message":"Served request","tf_rpc":"GetProviderSchema"}' >&2
exit 3`
	if code := run("/bin/sh", []string{"-c", script}, report); code != 3 {
		t.Errorf("exit code %d, want the child's 3", code)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var got ProcessReport
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("report %q: %v", data, err)
	}
	if got.ExitCode != 3 || got.MaxRSSKilobytes <= 0 || got.StderrLines != 2 || got.SchemaServedMs < 0 || got.PID <= 0 {
		t.Errorf("report %+v: want exit code 3, a positive maxrss and pid, 2 log lines and a schema-served time", got)
	}
}

func TestLauncherReportsNoSchemaTimeWhenThePluginNeverServedIt(t *testing.T) {
	report := filepath.Join(t.TempDir(), "plugins.jsonl")
	run("/bin/sh", []string{"-c", `echo '{"@message":"Served request","tf_rpc":"PlanResourceChange"}' >&2`}, report)
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var got ProcessReport
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if got.SchemaServedMs != -1 {
		t.Errorf("schema served after %vms, want -1 (not observed)", got.SchemaServedMs)
	}
}
