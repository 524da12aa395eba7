package scraper

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestZZDump(t *testing.T) {
	f := os.Getenv("DUMP")
	if f == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(f)
	var sel []string
	if s := os.Getenv("SEL"); s != "" {
		sel = strings.Split(s, ";")
	}
	var doc, err = ExtractFile(f, b, Rules{Select: sel})
	if err != nil {
		t.Fatal(err)
	}
	for _, bl := range doc.Blocks {
		fmt.Printf("%s%d [%s] %s\n", bl.Kind, bl.Level, strings.Join(bl.Path, " > "), bl.Text)
	}
}
