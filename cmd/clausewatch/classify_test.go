package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/topics"
)

func TestClassifyCommand(t *testing.T) {
	input := strings.Join([]string{
		"Compartimos información con las demás empresas de Meta.",
		"No vendemos tu información personal.",
		"",
		"Conservamos tus datos durante el tiempo necesario para prestar los servicios.",
		"Puedes acceder a tu información y eliminarla desde la configuración.",
	}, "\n") + "\n"
	code, stdout, stderr := cliStdin(t, context.Background(), nil, input, "classify", "--format", "json", "--lang", "es")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	in := strings.Split(strings.TrimSuffix(input, "\n"), "\n")
	if len(lines) != len(in) {
		t.Fatalf("%d output lines for %d input lines:\n%s", len(lines), len(in), stdout)
	}
	got := make([]classifyJSON, len(lines))
	for i, l := range lines {
		if err := json.Unmarshal([]byte(l), &got[i]); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, l)
		}
		if got[i].Text != in[i] || got[i].Lang != "es" || got[i].Topics == nil || got[i].Evidence == nil {
			t.Errorf("line %d = %+v; want the input text, lang es and non-null lists", i+1, got[i])
		}
		for _, ev := range got[i].Evidence {
			if ev.Start < 0 || ev.End > len(in[i]) || in[i][ev.Start:ev.End] != ev.Text {
				t.Errorf("line %d: evidence %+v does not quote the input", i+1, ev)
			}
		}
	}
	tests := []struct {
		name    string
		line    int
		sharing bool
		negated bool
	}{
		{"shares with the Meta Companies", 0, true, false},
		{"does not sell", 1, true, true},
		{"empty line", 2, false, false},
		{"retention", 3, false, false},
		{"access rights", 4, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := got[tt.line]
			if slices.Contains(r.Topics, topics.DataSharing) != tt.sharing || slices.Contains(r.Negated, topics.DataSharing) != tt.negated {
				t.Errorf("%q: topics %v negated %v; want data-sharing %v negated %v", r.Text, r.Topics, r.Negated, tt.sharing, tt.negated)
			}
			if tt.sharing && len(r.Evidence) == 0 {
				t.Errorf("%q: data-sharing without evidence", r.Text)
			}
		})
	}

	t.Run("text format lines up with the input", func(t *testing.T) {
		code, stdout, stderr := cliStdin(t, context.Background(), nil, "We share your information with advertisers.\n\n", "classify")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], topics.DataSharing) || !strings.Contains(lines[0], `"`) || lines[1] != "-" {
			t.Errorf("text output = %q", stdout)
		}
	})
	t.Run("unknown language", func(t *testing.T) {
		code, _, stderr := cliStdin(t, context.Background(), nil, "x\n", "classify", "--lang", "xx")
		if code != exitUsage || !strings.Contains(stderr, `--lang "xx"`) {
			t.Errorf("exit %d, stderr %q; want exit 2 naming --lang", code, stderr)
		}
	})
}

func TestReclassifyCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir, "http://127.0.0.1:1", "doc")
	dbPath := filepath.Join(dir, "cw.db")
	v1 := writeFile(t, dir, "2021-01-01.md", "# Privacy\n\nWe collect your phone number.\n\nWe keep it for a year.\n")
	v2 := writeFile(t, dir, "2021-02-01.md", "# Privacy\n\nWe collect your phone number.\n\nWe share your phone number with the Meta Companies.\n\nWe keep it for a year.\n")
	if code, _, stderr := cli(t, context.Background(), nil, "import", "doc", v1, v2, "--config", cfg, "--db", dbPath); code != exitOK {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := cli(t, context.Background(), nil, "reclassify", "--config", cfg, "--db", dbPath)
	if code != exitOK || !strings.Contains(stdout, "reclassified 0 changes") {
		t.Fatalf("reclassify of current changes: exit %d, %q %q; want 0 changes", code, stdout, stderr)
	}
	// Pretend older rules tagged the change, and wrongly.
	raw, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE changes SET topics = '[]', severity = 'low', classifier_version = 'topics/0'`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	code, stdout, stderr = cli(t, context.Background(), nil, "reclassify", "--config", cfg, "--db", dbPath)
	if code != exitOK || !strings.Contains(stdout, "reclassified 1 changes") {
		t.Fatalf("reclassify: exit %d, %q %q; want 1 change", code, stdout, stderr)
	}
	code, stdout, _ = cli(t, context.Background(), nil, "changes", "--format", "json", "--config", cfg, "--db", dbPath)
	var changes []changeJSON
	if err := json.Unmarshal([]byte(stdout), &changes); code != exitOK || err != nil {
		t.Fatalf("changes: exit %d, %v", code, err)
	}
	if len(changes) != 1 || !slices.Contains(changes[0].Topics, topics.DataSharing) || changes[0].Severity != "high" && changes[0].Severity != "critical" {
		t.Errorf("after reclassify: %+v; want one data-sharing change, high or critical", changes)
	}
}
