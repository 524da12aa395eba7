package data

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/topics"
)

// recordDoc records d as the document "wa" fetched at t0+at, with body as
// its snapshot, and fails the test unless it is a new version.
func recordDoc(t *testing.T, db *DB, at time.Duration, body string, d policy.Document) Result {
	t.Helper()
	res, err := record(context.Background(), db, Observation{
		Fetch:    Fetch{DocumentID: "wa", StartedAt: t0.Add(at), URL: "https://example.com/p", Status: 200},
		Snapshot: &Snapshot{Body: []byte(body)},
		Document: &d,
	})
	if err != nil {
		t.Fatalf("Record at %s: %v", at, err)
	}
	if res.Fetch.Outcome != NewVersion {
		t.Fatalf("Record at %s: outcome %s, want new-version", at, res.Fetch.Outcome)
	}
	return res
}

func TestVersionRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		blocks []policy.Block
		want   []policy.Block // nil: the same as blocks
	}{
		{
			name: "sections, levels and paths",
			blocks: []policy.Block{
				{Kind: policy.Heading, Level: 1, Text: "WhatsApp Privacy Policy"},
				{Kind: policy.Paragraph, Path: []string{"WhatsApp Privacy Policy"}, Text: "We share information with the Meta Companies."},
				{Kind: policy.Heading, Level: 2, Path: []string{"WhatsApp Privacy Policy"}, Text: "Information We Collect"},
				{Kind: policy.ListItem, Path: []string{"WhatsApp Privacy Policy", "Information We Collect"}, Text: "Your phone number."},
				{Kind: policy.ListItem, Path: []string{"WhatsApp Privacy Policy", "Information We Collect"}, Text: "Your contacts, if you allow it."},
				{Kind: policy.TableRow, Path: []string{"WhatsApp Privacy Policy", "Information We Collect"}, Text: "Device | Model | OS"},
				{Kind: policy.Heading, Level: 3, Path: []string{"WhatsApp Privacy Policy", "Information We Collect"}, Text: "Cookies"},
				{Kind: policy.Paragraph, Path: []string{"WhatsApp Privacy Policy", "Information We Collect", "Cookies"}, Text: "We use cookies."},
				{Kind: policy.Paragraph, Text: "A footer outside every section."},
				{Kind: policy.Paragraph, Path: []string{"WhatsApp Privacy Policy"}, Text: "Back in the first section."},
			},
		},
		{
			name: "repeated texts, unusual kinds and levels",
			blocks: []policy.Block{
				{Kind: policy.Paragraph, Text: "Same text."},
				{Kind: "quote", Level: -1, Path: []string{"Same text."}, Text: "Same text."},
				{Kind: "", Level: 1 << 40, Text: "Política de privacidad — «WhatsApp» 私たち"},
				{Kind: policy.Paragraph, Path: []string{"", "x"}, Text: "Same text."},
			},
		},
		{
			name: "texts are stored normalized",
			blocks: []policy.Block{
				{Kind: policy.Paragraph, Text: "  We share\u00a0information\u200b with   Meta. "},
				{Kind: policy.Paragraph, Text: " \u200b "},
				{Kind: policy.Paragraph, Path: []string{}, Text: "Kept."},
			},
			want: []policy.Block{
				{Kind: policy.Paragraph, Text: "We share information with Meta."},
				{Kind: policy.Paragraph, Text: ""},
				{Kind: policy.Paragraph, Text: "Kept."},
			},
		},
		{
			name:   "no blocks",
			blocks: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "cw.db")
			db := openAt(t, path)
			if err := db.SyncDocuments(ctx, []Document{{ID: "wa", URL: "https://example.com"}}); err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want == nil {
				want = tt.blocks
			}
			wantText := policy.Document{Blocks: tt.blocks}.Canonical()
			res := recordDoc(t, db, 0, "body", policy.Document{Blocks: tt.blocks})
			check := func(how string, v *Version) {
				t.Helper()
				if how == "Record result" {
					// Record leaves the blocks out; the rest must be there.
					if v.Blocks != nil {
						t.Errorf("%s: blocks %#v, want none", how, v.Blocks)
					}
				} else if !reflect.DeepEqual(v.Blocks, want) || v.Text != (policy.Document{Blocks: v.Blocks}).Canonical() {
					t.Errorf("%s: blocks\n%#v\nwant\n%#v", how, v.Blocks, want)
				}
				if v.Text != wantText {
					t.Errorf("%s: text %q, want %q (the canonical text of the blocks)", how, v.Text, wantText)
				}
				if v.SHA256 != policy.HashText(v.Text) || v.ID != res.Version.ID || v.SnapshotSHA256 != policy.HashText("body") {
					t.Errorf("%s: version %+v", how, v)
				}
			}
			check("Record result", res.Version)
			// A second handle has no cache: it rebuilds from the tables.
			fresh := openAt(t, path)
			v, err := fresh.Version(ctx, res.Version.ID)
			if err != nil {
				t.Fatal(err)
			}
			check("Version from a fresh handle", v)
			// A row written in format 1 (before format 2: the same bytes,
			// DEFLATE-compressed) reads the same. The format is the first
			// byte of versions.blocks (see package blocklist).
			var stored []byte
			if err := fresh.sql.QueryRow(`SELECT blocks FROM versions WHERE id = ?`, res.Version.ID).Scan(&stored); err != nil || stored[0] != 2 {
				t.Fatalf("stored blocks %x, %v; want format 2", stored, err)
			}
			var old bytes.Buffer
			old.WriteByte(1)
			zw, _ := flate.NewWriter(&old, flate.BestSpeed)
			zw.Write(stored[1:])
			zw.Close()
			if _, err := fresh.sql.Exec(`UPDATE versions SET blocks = ? WHERE id = ?`, old.Bytes(), res.Version.ID); err != nil {
				t.Fatal(err)
			}
			if v, err = openAt(t, path).Version(ctx, res.Version.ID); err != nil {
				t.Fatal(err)
			}
			check("Version stored in format 1", v)
			latest, err := db.LatestVersion(ctx, "wa")
			if err != nil {
				t.Fatal(err)
			}
			check("LatestVersion from the cache", latest)
			info, err := fresh.LatestVersionInfo(ctx, "wa")
			if err != nil || info.ID != res.Version.ID || info.TextLength != len(wantText) || info.Text != "" {
				t.Errorf("LatestVersionInfo = %+v, %v; want version %d of length %d without its text", info, err, res.Version.ID, len(wantText))
			}
			// What a caller gets is its own: changing it changes nothing stored.
			if len(latest.Blocks) > 0 {
				latest.Blocks[0].Text = "changed by the caller"
				if again, _ := db.LatestVersion(ctx, "wa"); again.Blocks[0].Text == "changed by the caller" {
					t.Error("LatestVersion handed out the cached blocks")
				}
			}
		})
	}
}

func TestLatestVersionInfo(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if _, err := db.LatestVersionInfo(ctx, "wa"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("LatestVersionInfo with no version: %v, want ErrNotFound", err)
	}
	var last Result
	for i, texts := range [][]string{{"Short."}, {"A much longer text than before.", "And a second clause."}, {"Shrunk."}} {
		last = recordDoc(t, db, time.Duration(i)*time.Hour, fmt.Sprint(i), *doc(texts...))
	}
	v, err := db.LatestVersionInfo(ctx, "wa")
	if err != nil || v.ID != last.Version.ID || v.TextLength != len(last.Version.Text) || v.SHA256 != last.Version.SHA256 || !v.FetchedAt.Equal(last.Version.FetchedAt) {
		t.Errorf("LatestVersionInfo = %+v, %v; want %+v", v, err, last.Version)
	}
	if _, err := db.LatestVersionInfo(ctx, "fb"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "fb") {
		t.Errorf("LatestVersionInfo(fb) error = %v, want ErrNotFound naming the document", err)
	}
}

// editedHistory returns n versions of a document of clauses paragraphs under
// a few headings, each the previous one with one word of one clause changed.
func editedHistory(clauses, n int) []policy.Document {
	rng := rand.New(rand.NewPCG(1, 2))
	var blocks []policy.Block
	var path []string
	for i := range clauses {
		if i%10 == 0 {
			h := fmt.Sprintf("Section %d", i/10)
			blocks = append(blocks, policy.Block{Kind: policy.Heading, Level: 2, Text: h})
			path = []string{h}
		}
		blocks = append(blocks, policy.Block{Kind: policy.Paragraph, Path: path,
			Text: fmt.Sprintf("Clause %d: we may share your information with partner %d for purpose %d.", i, rng.IntN(1000), rng.IntN(1000))})
	}
	out := make([]policy.Document, n)
	for v := range out {
		if v > 0 {
			k := rng.IntN(len(blocks))
			for blocks[k].Kind == policy.Heading {
				k = rng.IntN(len(blocks))
			}
			words := strings.Fields(blocks[k].Text)
			words[rng.IntN(len(words))] = fmt.Sprintf("edit%d", v)
			blocks[k].Text = strings.Join(words, " ")
		}
		out[v] = policy.Document{Blocks: append([]policy.Block(nil), blocks...)}
	}
	return out
}

func TestTextsStoredOnce(t *testing.T) {
	const clauses, versions = 60, 40
	ctx := context.Background()
	db := openTest(t)
	history := editedHistory(clauses, versions)
	distinct := map[string]bool{}
	for i, d := range history {
		recordDoc(t, db, time.Duration(i)*time.Hour, fmt.Sprint(i), d)
		for _, b := range d.Blocks {
			distinct[b.Text] = true
			for _, p := range b.Path {
				distinct[p] = true
			}
		}
	}
	// One row per distinct string: the first version's clauses and headings,
	// plus at most one edited clause per later version.
	n := count(t, db, "texts")
	if n != len(distinct) || n > len(history[0].Blocks)+versions-1 {
		t.Errorf("texts has %d rows; want %d distinct strings, at most %d", n, len(distinct), len(history[0].Blocks)+versions-1)
	}
	// Their bytes: one copy of the first version plus each edited clause,
	// instead of a full copy per version.
	var stored, longest int
	if err := db.sql.QueryRow(`SELECT sum(length(CAST(text AS BLOB))) FROM texts`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	for _, b := range history[0].Blocks {
		longest = max(longest, len(b.Text)+len(" edit00"))
	}
	if limit := len(history[0].Canonical()) + (versions-1)*longest; stored > limit {
		t.Errorf("texts hold %d bytes for %d versions, more than one copy of each clause (%d)", stored, versions, limit)
	}
	// Every version still reads back as recorded.
	vs, err := openAt(t, db.Path()).Versions(ctx, "wa")
	if err != nil || len(vs) != versions {
		t.Fatalf("Versions = %d, %v", len(vs), err)
	}
	for i, v := range vs {
		full, err := db.Version(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(full.Blocks, history[i].Blocks) || full.Text != history[i].Canonical() {
			t.Errorf("version %d does not read back as recorded", i)
		}
	}
}

// TestCacheFollowsOtherWriters has a second handle (another process, such as
// a cron `check` next to `serve`) write versions between the first handle's
// Records: the first must diff against what is really latest, not against
// what it wrote last.
func TestCacheFollowsOtherWriters(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cw.db")
	serve, check := openAt(t, path), openAt(t, path)
	if err := serve.SyncDocuments(ctx, []Document{{ID: "wa", URL: "https://example.com"}}); err != nil {
		t.Fatal(err)
	}
	history := editedHistory(30, 6)
	steps := []struct {
		db   *DB
		name string
		doc  policy.Document
	}{
		{serve, "serve", history[0]},
		{serve, "serve", history[1]},
		{check, "check", history[2]}, // serve's cached latest is now stale
		{serve, "serve", history[3]},
		{check, "check", history[1]}, // a revert to a text serve once cached
		{serve, "serve", history[4]},
		{serve, "serve", history[5]},
	}
	var prev *Version
	for i, s := range steps {
		if prev != nil && i%2 == 0 {
			// The latest version as the next writer sees it. On odd steps
			// Record alone must notice that its cached version is stale.
			latest, err := s.db.LatestVersion(ctx, "wa")
			if err != nil || latest.ID != prev.ID || !reflect.DeepEqual(latest.Blocks, prev.Blocks) {
				t.Fatalf("step %d: %s sees latest %v (%v), want version %d", i, s.name, latest, err, prev.ID)
			}
		}
		res := recordDoc(t, s.db, time.Duration(i)*time.Hour, fmt.Sprintf("<p>%d</p>", i), s.doc)
		if prev != nil {
			if res.Change == nil || res.Change.FromVersion != prev.ID {
				t.Fatalf("step %d: change %+v, want one from version %d", i, res.Change, prev.ID)
			}
			var cs diff.ChangeSet
			if err := json.Unmarshal(res.Change.ChangeSet, &cs); err != nil {
				t.Fatal(err)
			}
			want := topics.Compare(prev.Document(), s.doc, "")
			if !reflect.DeepEqual(cs, want) {
				t.Errorf("step %d: change set %+v\nwant the diff from the latest version %+v", i, cs, want)
			}
		}
		var err error
		if prev, err = s.db.Version(ctx, res.Version.ID); err != nil {
			t.Fatal(err)
		}
	}
	// Texts written by either handle are shared, never duplicated.
	distinct := map[string]bool{}
	for _, d := range history {
		for _, b := range d.Blocks {
			distinct[b.Text] = true
		}
	}
	if n := count(t, serve, "texts"); n != len(distinct) {
		t.Errorf("texts has %d rows, want %d", n, len(distinct))
	}
}

// randomEdit changes body the way pages change between fetches: a few
// inserted, deleted or replaced runs of arbitrary (not UTF-8) bytes, and
// sometimes a moved chunk.
func randomEdit(rng *rand.Rand, body []byte) []byte {
	out := bytes.Clone(body)
	for range 1 + rng.IntN(4) {
		pos := rng.IntN(len(out) + 1)
		junk := make([]byte, rng.IntN(40))
		for i := range junk {
			junk[i] = byte(rng.UintN(256))
		}
		switch rng.IntN(4) {
		case 0: // insert
			out = append(out[:pos:pos], append(junk, out[pos:]...)...)
		case 1: // delete
			end := min(len(out), pos+rng.IntN(200))
			out = append(out[:pos:pos], out[end:]...)
		case 2: // replace
			end := min(len(out), pos+len(junk))
			out = append(out[:pos:pos], append(junk, out[end:]...)...)
		case 3: // move a chunk to the front
			end := min(len(out), pos+rng.IntN(2000))
			chunk := bytes.Clone(out[pos:end])
			out = append(chunk, append(out[:pos:pos], out[end:]...)...)
		}
	}
	return out
}

func TestSnapshotDeltas(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cw.db")
	a, b := openAt(t, path), openAt(t, path)
	if err := a.SyncDocuments(ctx, []Document{{ID: "wa", URL: "https://example.com"}, {ID: "fb", URL: "https://example.com"}}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	body := make([]byte, 20_000)
	for i := range body {
		body[i] = "abcdefgh ijklmnop\n\xff\x00\xc3"[rng.IntN(21)]
	}
	const n = 150
	want := map[int64][]byte{}
	var plain int
	for i := range n {
		switch {
		case i == 70:
			body = []byte{} // an empty body, then a full rewrite
		case i == 71:
			body = bytes.Repeat([]byte("completely different \xfe\n"), 500)
		case i > 0:
			body = randomEdit(rng, body)
		}
		db := a
		if i%7 == 3 { // another writer now and then: a's snapshot cache goes stale
			db = b
		}
		doc := "wa"
		if i%11 == 5 { // another document's snapshots in between
			doc = "fb"
		}
		res, err := record(ctx, db, Observation{
			Fetch:    Fetch{DocumentID: doc, StartedAt: t0.Add(time.Duration(i) * time.Minute), URL: "https://example.com", Status: 200, Outcome: Suspect, Reason: "test"},
			Snapshot: &Snapshot{Body: body},
		})
		if err != nil {
			t.Fatalf("snapshot %d: %v", i, err)
		}
		if w, ok := want[res.Snapshot.ID]; ok && !bytes.Equal(w, body) {
			t.Fatalf("snapshot %d reused row %d of a different body", i, res.Snapshot.ID)
		}
		want[res.Snapshot.ID] = bytes.Clone(body)
		plain += len(body)
	}
	// Every body reads back exactly, from either handle and from a new one.
	fresh := openAt(t, path)
	for id, w := range want {
		for name, db := range map[string]*DB{"a": a, "b": b, "fresh": fresh} {
			got, err := db.Snapshot(ctx, id)
			if err != nil {
				t.Fatalf("%s: Snapshot(%d): %v", name, id, err)
			}
			if !bytes.Equal(got.Body, w) || got.SHA256 != policy.HashText(string(w)) {
				t.Fatalf("%s: snapshot %d does not read back byte for byte (%d bytes, want %d)", name, id, len(got.Body), len(w))
			}
		}
	}
	// Chains stay within bounds, point at the same document, and deltas
	// actually save space.
	var deltas, keyframes, stored int
	var maxDepth int
	err := a.sql.QueryRow(`SELECT sum(encoding = 'delta'), sum(encoding = 'gzip'), sum(length(body)), max(depth) FROM snapshots`).
		Scan(&deltas, &keyframes, &stored, &maxDepth)
	if err != nil {
		t.Fatal(err)
	}
	var crossed int
	if err := a.sql.QueryRow(`SELECT count(*) FROM snapshots s JOIN snapshots b ON b.id = s.base_id WHERE b.document_id <> s.document_id OR s.depth <> b.depth + 1`).Scan(&crossed); err != nil {
		t.Fatal(err)
	}
	if crossed != 0 || maxDepth >= maxChain {
		t.Errorf("%d deltas on a base of another document or at a wrong depth; max depth %d (limit %d)", crossed, maxDepth, maxChain-1)
	}
	if deltas < n/2 || keyframes < n/maxChain || stored*10 > plain/2 {
		t.Errorf("%d deltas and %d keyframes hold %d bytes for %d plain bytes", deltas, keyframes, stored, plain)
	}
}

func TestSnapshotDamageIsReported(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	var ids []int64
	for i, body := range []string{"<p>first version of the page, long enough to be a delta base</p>", "<p>first version of the page, long enough to be a delta base!</p>"} {
		res, err := record(ctx, db, Observation{
			Fetch:    Fetch{DocumentID: "wa", StartedAt: t0.Add(time.Duration(i) * time.Hour), Outcome: Suspect},
			Snapshot: &Snapshot{Body: []byte(body)},
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.Snapshot.ID)
	}
	var enc string
	if err := db.sql.QueryRow(`SELECT encoding FROM snapshots WHERE id = ?`, ids[1]).Scan(&enc); err != nil || enc != encDelta {
		t.Fatalf("second snapshot stored as %q (%v), want a delta", enc, err)
	}
	tests := []struct {
		name, update string
	}{
		{"damaged delta", `UPDATE snapshots SET body = x'00' WHERE id = ?`},
		{"wrong sha256", `UPDATE snapshots SET sha256 = 'abc' WHERE id = ?`},
		{"wrong size", `UPDATE snapshots SET size = 3 WHERE id = ?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx, err := db.sql.Begin()
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			if _, err := tx.Exec(tt.update, ids[1]); err != nil {
				t.Fatal(err)
			}
			_, err = loadSnapshot(ctx, tx, ids[1], true)
			if !errors.Is(err, errCorrupt) || !strings.Contains(err.Error(), "backup") {
				t.Errorf("reading a %s: %v, want the damage reported", tt.name, err)
			}
		})
	}
}

func TestVersionDamageIsReported(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	res := recordDoc(t, db, 0, "a", *doc("We share information with the Meta Companies."))
	tests := []struct {
		name, update string
	}{
		{"changed text", `UPDATE texts SET text = 'We share nothing.' WHERE text LIKE 'We share%'`},
		{"missing text", `DELETE FROM texts WHERE text LIKE 'We share%'`},
		{"damaged blocks", `UPDATE versions SET blocks = x'01ff'`},
		{"unknown format", `UPDATE versions SET blocks = x'09'`},
		{"damaged plain blocks", `UPDATE versions SET blocks = x'02ff'`},
		{"missing block", `UPDATE versions SET blocks = x'0201'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx, err := db.sql.Begin()
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			if _, err := tx.Exec(tt.update); err != nil {
				t.Fatal(err)
			}
			if _, err := loadVersion(ctx, tx, res.Version.ID, true); err == nil {
				t.Errorf("reading a version with %s succeeded", tt.name)
			}
		})
	}
}
