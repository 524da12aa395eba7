package scraper

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestZZScanHTML(t *testing.T) {
	if os.Getenv("SCAN") == "" {
		t.Skip()
	}
	files, _ := filepath.Glob("/work/shared/corpus/*/*.html")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		st := time.Now()
		d, err := ExtractFile(f, b, Rules{})
		fmt.Printf("%s %d blocks %v err=%v title=%q\n", f[20:], len(d.Blocks), time.Since(st).Round(time.Millisecond), err, Title(b, ""))
	}
}
