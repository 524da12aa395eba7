// Command pageserver serves one policy page under many paths on loopback, so
// that the check benchmark can fetch "many documents" without the network.
// Each path answers with an ETag, as whatsapp.com does, unless -validators=false,
// which makes every check download, extract and compare the whole page.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"time"
)

func main() {
	file := flag.String("file", "", "HTML `file` to serve")
	addr := flag.String("listen", "127.0.0.1:0", "`address` to listen on; the chosen one is printed")
	validators := flag.Bool("validators", true, "send ETag and Last-Modified, so that clients can make conditional requests")
	flag.Parse()
	body, err := os.ReadFile(*file)
	if err != nil {
		log.Fatalf("pageserver: %v", err)
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	modified := time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("pageserver: %v", err)
	}
	fmt.Println(ln.Addr().String())
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if !*validators {
			w.Write(body)
			return
		}
		w.Header().Set("ETag", etag)
		http.ServeContent(w, r, "page.html", modified, bytes.NewReader(body))
	})
	log.Fatal(http.Serve(ln, h))
}
