package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/diff"
)

func TestDiffCommand(t *testing.T) {
	dir := t.TempDir()
	oldMD := writeFile(t, dir, "old.md", "# Privacy Policy\n\nLast modified: April 24, 2018\n\n## How We Share\n\nWe share information with the [Facebook Companies](https://facebook.com/?ref=a).\n\nWe do not sell your data.\n")
	newMD := writeFile(t, dir, "new.md", "# Privacy Policy\n\nLast modified: January 04, 2021\n\n## How We Share\n\nWe share information with the [Meta Companies](https://meta.com/?ref=b) and partners.\n")
	oldHTML := writeFile(t, dir, "old.html", `<html><body><nav>Menu</nav><main><h1>Privacy</h1><p>We keep data for 30 days.</p><div class="toc">Contents</div></main></body></html>`)
	newHTML := writeFile(t, dir, "new.html", `<html><body><nav>Other menu</nav><main><h1>Privacy</h1><p>We keep data for 90 days.</p><div class="toc">Table of contents</div></main><article id="x"><p>Outside.</p></article></body></html>`)
	ctx := context.Background()

	t.Run("text", func(t *testing.T) {
		code, stdout, stderr := cli(t, ctx, nil, "diff", oldMD, newMD)
		if code != exitOK || stderr != "" {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
		for _, want := range []string{"(material)", "effective date: 2018-04-24 -> 2021-01-04", "## Privacy Policy › How We Share",
			"[-Facebook-]{+Meta+} Companies{+ and partners+}", "- removed", "We do not sell your data."} {
			if !strings.Contains(stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, stdout)
			}
		}
		if strings.Contains(stdout, "\x1b[") {
			t.Errorf("colour codes written to a non-terminal:\n%q", stdout)
		}
	})
	t.Run("json", func(t *testing.T) {
		code, stdout, stderr := cli(t, ctx, nil, "diff", "--format", "json", oldMD, newMD)
		if code != exitOK {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
		var cs diff.ChangeSet
		if err := json.Unmarshal([]byte(stdout), &cs); err != nil {
			t.Fatalf("output is not a change set: %v\n%s", err, stdout)
		}
		if !cs.Material || cs.Summary.Modified != 2 || cs.Summary.Removed != 1 || cs.EffectiveDate.New != "2021-01-04" {
			t.Errorf("change set = %+v", cs)
		}
	})
	t.Run("html", func(t *testing.T) {
		code, stdout, _ := cli(t, ctx, nil, "diff", oldMD, newMD, "--format", "html")
		if code != exitOK || !strings.Contains(stdout, "<del") || !strings.Contains(stdout, ">Meta</ins>") || !strings.HasPrefix(stdout, `<div class="cw-changeset`) {
			t.Errorf("exit %d, output:\n%s", code, stdout)
		}
	})
	t.Run("one stray byte in a UTF-8 Markdown file", func(t *testing.T) {
		es := strings.Repeat("Compartimos tu información con las demás empresas de Meta y con nuestros socios.\n\n", 37)
		clean := writeFile(t, dir, "es.md", "# Política de privacidad\n\n"+es)
		stray := writeFile(t, dir, "es-stray.md", "# Política de privacidad\n\n"+es+"\xe9\n")
		code, stdout, stderr := cli(t, ctx, nil, "diff", "--format", "json", clean, stray)
		if code != exitOK {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
		var cs diff.ChangeSet
		if err := json.Unmarshal([]byte(stdout), &cs); err != nil {
			t.Fatalf("output is not a change set: %v\n%s", err, stdout)
		}
		if cs.Summary.Total() > 1 || strings.Contains(stdout, "Ã") {
			t.Errorf("a stray byte made a mojibake change: %+v", cs.Summary)
		}
	})
	t.Run("html files, default selection", func(t *testing.T) {
		code, stdout, _ := cli(t, ctx, nil, "diff", oldHTML, newHTML)
		if code != exitOK || !strings.Contains(stdout, "[-30-]{+90+}") || strings.Contains(stdout, "menu") || strings.Contains(stdout, "Outside") {
			t.Errorf("exit %d, want the <main> text only:\n%s", code, stdout)
		}
	})
	t.Run("html files, select and remove", func(t *testing.T) {
		code, stdout, _ := cli(t, ctx, nil, "diff", "--select", "main", "--remove", ".toc", oldHTML, newHTML)
		if code != exitOK || strings.Contains(stdout, "ontents") || !strings.Contains(stdout, "[-30-]{+90+}") {
			t.Errorf("exit %d, want the table of contents removed:\n%s", code, stdout)
		}
	})
	t.Run("identical", func(t *testing.T) {
		code, stdout, _ := cli(t, ctx, nil, "diff", oldMD, oldMD)
		if code != exitOK || !strings.HasPrefix(stdout, "no changes; ") {
			t.Errorf("exit %d, output %q", code, stdout)
		}
	})

	errors := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"missing file", []string{"diff", oldMD, filepath.Join(dir, "nope.md")}, exitFailed, "read " + filepath.Join(dir, "nope.md")},
		{"directory", []string{"diff", dir, newMD}, exitFailed, "read " + dir},
		{"select matches nothing", []string{"diff", "--select", "#absent", oldHTML, newHTML}, exitFailed, "selector matched nothing"},
		{"one file", []string{"diff", oldMD}, exitUsage, "want two files"},
		{"three files", []string{"diff", oldMD, newMD, newMD}, exitUsage, "want two files"},
		{"bad format", []string{"diff", "--format", "xml", oldMD, newMD}, exitUsage, `--format "xml": want text, json or html`},
		{"unknown flag", []string{"diff", "--colour", oldMD, newMD}, exitUsage, "flag provided but not defined: -colour"},
		{"bad selector", []string{"diff", "--select", "div[", oldHTML, newHTML}, exitUsage, `invalid CSS selector "div["`},
	}
	for _, tt := range errors {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, ctx, nil, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) || stdout != "" {
				t.Errorf("exit %d, stderr %q, stdout %q; want exit %d and %q", code, stderr, stdout, tt.code, tt.stderr)
			}
		})
	}
}
