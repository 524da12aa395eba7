package scraper

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestZZCmp(t *testing.T) {
	if os.Getenv("SCAN") == "" {
		t.Skip()
	}
	h, _ := os.ReadFile("/work/shared/corpus/snapshots/meta-privacy-policy-printable-2022.html")
	m, _ := os.ReadFile("/work/shared/corpus/facebook-privacy-policy/2022-09-07.md")
	a, err := ExtractHTML(h, "", Rules{Select: []string{"#root"}, Remove: []string{"#root td > div > div:first-child", `a[href="#"]`}})
	if err != nil {
		t.Fatal(err)
	}
	b := ExtractMarkdown(m)
	fmt.Println(a.Hash() == b.Hash(), len(a.Blocks), len(b.Blocks))
	x, y := strings.Split(a.Canonical(), "\n"), strings.Split(b.Canonical(), "\n")
	n := 0
	for i := range min(len(x), len(y)) {
		if x[i] != y[i] {
			fmt.Printf("%d\n h %.150q\n m %.150q\n", i, x[i], y[i])
			n++
			if n > 5 {
				break
			}
		}
	}
	k := 0
	for i := range min(len(a.Blocks), len(b.Blocks)) {
		if fmt.Sprint(a.Blocks[i]) != fmt.Sprint(b.Blocks[i]) {
			fmt.Printf("blk %d\n h %.250v\n m %.250v\n", i, a.Blocks[i], b.Blocks[i])
			k++
			if k > 8 {
				break
			}
		}
	}
}
