package scraper

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestZZScan(t *testing.T) {
	if os.Getenv("SCAN") == "" {
		t.Skip()
	}
	files, _ := filepath.Glob("/work/shared/corpus/*/*.md")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		d := ExtractMarkdown(b)
		for _, bl := range d.Blocks {
			for _, pre := range []string{"# ", "* ", "- ", "+ ", "> ", "|", "[", "!["} {
				if strings.HasPrefix(bl.Text, pre) {
					fmt.Printf("%s: starts %q: %.100q\n", filepath.Base(f), pre, bl.Text)
				}
			}
		}
		c := d.Canonical()
		for _, s := range []string{"](", "[](#)", "**", "<br", "| * ", "\\[", "&amp;", "&nbsp;"} {
			if n := strings.Count(c, s); n > 0 {
				i := strings.Index(c, s)
				fmt.Printf("%s: %q x%d: %q\n", filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), s, n, c[max(0, i-60):min(len(c), i+60)])
			}
		}
	}
}
