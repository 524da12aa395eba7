package notify

import (
	"io/fs"
	"maps"
	"path"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestNewComposerBrokenTemplate checks that each embedded email template,
// broken or missing, makes NewComposer fail with an error naming its file,
// so that the service stops at start-up rather than at the first alert.
func TestNewComposerBrokenTemplate(t *testing.T) {
	tokens, err := NewTokens([]byte("0123456789abcdef0123456789abcdef"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	embedded := fstest.MapFS{}
	files, err := fs.Glob(templateFiles, "templates/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		b, err := fs.ReadFile(templateFiles, name)
		if err != nil {
			t.Fatal(err)
		}
		embedded[name] = &fstest.MapFile{Data: b}
	}
	const base = "https://cw.example.org"
	if _, err := newComposer(base, tokens, 0, embedded); err != nil {
		t.Fatalf("the embedded templates do not parse: %v", err)
	}
	for _, name := range []string{changeTemplate, emailTemplate} {
		for _, tt := range []struct {
			how   string
			spoil func(fstest.MapFS)
		}{
			{"unclosed action", func(m fstest.MapFS) { m[name] = &fstest.MapFile{Data: []byte(`<p>{{if .Title}}</p>`)} }},
			{"unknown function", func(m fstest.MapFS) { m[name] = &fstest.MapFile{Data: []byte(`<p>{{nosuchfunc .}}</p>`)} }},
			{"missing", func(m fstest.MapFS) { delete(m, name) }},
		} {
			t.Run(path.Base(name)+"/"+tt.how, func(t *testing.T) {
				broken := maps.Clone(embedded)
				tt.spoil(broken)
				c, err := newComposer(base, tokens, 0, broken)
				if err == nil {
					t.Fatalf("newComposer = %v, nil; want an error", c)
				}
				if !strings.Contains(err.Error(), path.Base(name)) {
					t.Errorf("error %q does not name %s", err, name)
				}
			})
		}
	}
}
