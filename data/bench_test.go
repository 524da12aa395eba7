package data

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/policy"
)

// bigDocument builds a document of about 300 KB from the 2022-09-07 Facebook
// privacy policy in the corpus, one block per blank-line-separated paragraph,
// repeated (with the repeat number in the headings) until it is large enough.
// It returns the document and the raw bytes standing for its snapshot.
func bigDocument(b *testing.B) (policy.Document, []byte) {
	b.Helper()
	path := filepath.Join(corpustest.Dir(b), "facebook-privacy-policy", "2022-09-07.md")
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Skipf("corpus file %s unavailable: %v", path, err)
	}
	var paras []string
	for _, p := range strings.Split(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, p)
		}
	}
	if len(paras) < 10 {
		b.Skipf("%s has only %d paragraphs", path, len(paras))
	}
	var d policy.Document
	var body bytes.Buffer
	var section []string
	for part := 1; body.Len() < 300_000; part++ {
		for _, p := range paras {
			if strings.HasPrefix(p, "#") {
				heading := fmt.Sprintf("%s (part %d)", strings.TrimLeft(p, "# "), part)
				section = []string{heading}
				d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Heading, Level: 2, Text: heading})
			} else {
				d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Paragraph, Path: section, Text: p})
			}
			body.WriteString(p)
			body.WriteString("\n\n")
		}
	}
	return d, body.Bytes()
}

func benchDB(b *testing.B) *DB {
	b.Helper()
	db := openAt(b, filepath.Join(b.TempDir(), "bench.db"))
	if err := db.SyncDocuments(context.Background(), []Document{{ID: "fb", URL: "https://www.facebook.com/privacy/policy"}}); err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkRecordUnchanged measures the common hourly case: the page came back
// identical, so Record dedupes the snapshot and confirms the latest version.
func BenchmarkRecordUnchanged(b *testing.B) {
	ctx := context.Background()
	d, body := bigDocument(b)
	db := benchDB(b)
	obs := func(i int) Observation {
		return Observation{
			Fetch:    Fetch{DocumentID: "fb", StartedAt: t0.Add(time.Duration(i) * time.Hour), URL: "https://www.facebook.com/privacy/policy", Status: 200},
			Snapshot: &Snapshot{Body: body},
			Document: &d,
		}
	}
	if _, err := record(ctx, db, obs(0)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		res, err := record(ctx, db, obs(i))
		if err != nil {
			b.Fatal(err)
		}
		if res.Fetch.Outcome != Unchanged {
			b.Fatalf("outcome %s, want unchanged", res.Fetch.Outcome)
		}
	}
}

// BenchmarkRecordNewVersion measures a change: every iteration edits one
// paragraph, so Record stores a new snapshot and version and diffs about
// 300 KB of clauses.
func BenchmarkRecordNewVersion(b *testing.B) {
	ctx := context.Background()
	base, body := bigDocument(b)
	db := benchDB(b)
	variant := func(i int) Observation {
		d := policy.Document{Blocks: append([]policy.Block(nil), base.Blocks...)}
		k := 1 + (i*7919)%(len(d.Blocks)-1)
		d.Blocks[k].Text += fmt.Sprintf(" We may also share this with partner %d.", i)
		return Observation{
			Fetch:    Fetch{DocumentID: "fb", StartedAt: t0.Add(time.Duration(i) * time.Hour), URL: "https://www.facebook.com/privacy/policy", Status: 200},
			Snapshot: &Snapshot{Body: append(append([]byte(nil), body...), fmt.Sprintf("<!-- %d -->", i)...)},
			Document: &d,
		}
	}
	if _, err := record(ctx, db, variant(0)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		res, err := record(ctx, db, variant(i))
		if err != nil {
			b.Fatal(err)
		}
		if res.Change == nil || !res.Change.Material {
			b.Fatalf("iteration %d: change %+v, want a material change", i, res.Change)
		}
	}
}

// BenchmarkRecordHistory records a history as `clausewatch import` of an
// archive does: every iteration is a new version of the ~300 KB document with
// one more word changed, in its clauses and in its raw body. Besides the time
// per version it reports the database file size per version once the WAL is
// checkpointed, which is what the content-addressed clauses and the snapshot
// deltas are for (run with -benchtime 100x for a 100-version history).
func BenchmarkRecordHistory(b *testing.B) {
	ctx := context.Background()
	base, body := bigDocument(b)
	db := benchDB(b)
	d := policy.Document{Blocks: append([]policy.Block(nil), base.Blocks...)}
	raw := append([]byte(nil), body...)
	rng := rand.New(rand.NewPCG(7, 8))
	record := func(i int) {
		res, err := record(ctx, db, Observation{
			Fetch:    Fetch{DocumentID: "fb", StartedAt: t0.Add(time.Duration(i) * time.Hour), URL: "https://www.facebook.com/privacy/policy", Status: 200},
			Snapshot: &Snapshot{Body: raw},
			Document: &policy.Document{Blocks: append([]policy.Block(nil), d.Blocks...)},
		})
		if err != nil {
			b.Fatal(err)
		}
		if res.Fetch.Outcome != NewVersion {
			b.Fatalf("iteration %d: outcome %s, want new-version", i, res.Fetch.Outcome)
		}
	}
	record(0)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		word := fmt.Sprintf("edit%d", i)
		k := 1 + rng.IntN(len(d.Blocks)-1)
		words := strings.Fields(d.Blocks[k].Text)
		words[rng.IntN(len(words))] = word
		d.Blocks[k].Text = strings.Join(words, " ")
		at := rng.IntN(len(raw) - len(word))
		raw = append(append(append([]byte(nil), raw[:at]...), word...), raw[at+len(word):]...)
		record(i)
	}
	b.StopTimer()
	if _, err := db.sql.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(db.Path())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size())/float64(b.N+1), "dbB/version")
}
