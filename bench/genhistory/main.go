// Command genhistory writes a synthetic history of a policy for the import
// benchmark: N files named by fetch time, each the previous one with a small
// edit (one word changed in one paragraph), as an archive of a slowly
// evolving policy would hold.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

func main() {
	out := flag.String("out", "", "output `directory`")
	n := flag.Int("n", 500, "number of versions")
	size := flag.Int("size", 300<<10, "approximate size of each version in `bytes`")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		log.Fatal("usage: genhistory -out DIR [-n 500] [-size BYTES] SOURCE.md...")
	}
	var src []byte
	for len(src) < *size {
		for _, f := range flag.Args() {
			b, err := os.ReadFile(f)
			if err != nil {
				log.Fatalf("genhistory: %v", err)
			}
			src = append(src, b...)
			src = append(src, '\n', '\n')
		}
	}
	src = src[:*size]
	if i := bytes.LastIndexByte(src, '\n'); i > 0 {
		src = src[:i+1]
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	words := [][]byte{[]byte("partners"), []byte("affiliates"), []byte("providers"), []byte("companies"), []byte("vendors")}
	at := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	cur := src
	for i := range *n {
		if i > 0 {
			// Replace one word at a random place with a different word.
			pos := rng.IntN(len(cur) - 64)
			sp := bytes.IndexByte(cur[pos:], ' ')
			if sp < 0 {
				sp = 0
			}
			pos += sp + 1
			end := pos + bytes.IndexAny(cur[pos:], " \n")
			w := words[rng.IntN(len(words))]
			next := make([]byte, 0, len(cur)+16)
			next = append(next, cur[:pos]...)
			next = append(next, w...)
			next = append(next, cur[end:]...)
			cur = next
		}
		name := filepath.Join(*out, at.Add(time.Duration(i)*24*time.Hour).Format("2006-01-02T15-04-05Z")+".md")
		if err := os.WriteFile(name, cur, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("wrote %d versions of %d bytes to %s\n", *n, len(src), *out)
}
