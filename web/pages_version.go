package web

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/policy"
)

// versionData is a version's full text, block by block, with an anchor per
// clause and each clause's history across the document's versions.
type versionData struct {
	Version  *data.Version
	Document *data.Document
	Name     string
	Links    data.VersionLinks
	Snapshot *data.Snapshot
	Blocks   []blockView
	Clauses  int
}

// blockView is one block of the text: a heading (Heading is its <h> level)
// or a paragraph, list item or table row made of one or more clauses.
type blockView struct {
	Kind    policy.Kind
	Heading int
	Clauses []clauseView
}

// clauseView is one clause with its anchor and its history.
type clauseView struct {
	ID      string
	Text    string
	History []historyEvent
}

// historyEvent is one step in a clause's life: how it came to be (added in a
// change, or present since the first version recorded), how it changed, and
// how it ends (removed, or still in the latest version).
type historyEvent struct {
	Kind     string // a diff kind, or "since", "still"
	At       time.Time
	ChangeID int64
	Anchor   string // the clause's anchor on the change page
	Material bool
	Current  bool // the version being shown
}

// versionPage shows a version's full text with the history of each clause.
func (s *Server) versionPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pageID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	ver, err := s.db.Version(ctx, id)
	if errors.Is(err, data.ErrNotFound) {
		return notFound("no version %d", id)
	}
	if err != nil {
		return err
	}
	d := versionData{Version: ver}
	if d.Document, err = s.db.Document(ctx, ver.DocumentID); err != nil {
		return err
	}
	d.Name = documentTitle(d.Document)
	if d.Links, err = s.db.VersionNeighbours(ctx, ver); err != nil {
		return err
	}
	if d.Snapshot, err = s.db.SnapshotInfo(ctx, ver.SnapshotID); err != nil {
		return err
	}
	first := ver.FetchedAt
	if d.Links.Prev != 0 {
		if _, first, err = s.db.VersionSpan(ctx, ver.DocumentID); err != nil {
			return err
		}
	}
	// The change sets are read one at a time: a long history's add up to
	// megabytes, of which the lineage keeps the changed clauses.
	lin := &lineage{}
	if err := s.db.EachChange(ctx, data.ChangeFilter{DocumentID: ver.DocumentID, ChangeSets: true}, lin.add); err != nil {
		return err
	}
	d.Blocks, d.Clauses = clauseBlocks(ver.Blocks)
	for b := range d.Blocks {
		for c := range d.Blocks[b].Clauses {
			cl := &d.Blocks[b].Clauses[c]
			// A clause that has read the same since the first version and
			// still does has no history to tell: a disclosure on each of
			// hundreds of such clauses only buries the ones that changed.
			if h := lin.history(ver.ID, ver.FetchedAt, first, cl.Text); len(h) != 2 || h[0].Kind != "since" || h[1].Kind != "still" {
				cl.History = h
			}
		}
	}
	v := s.newView(r, &d)
	if err := s.credit(ctx, v, ver.DocumentID); err != nil {
		return err
	}
	v.OGType = "article"
	v.Title = v.T("version.title", d.Name, v.Date(ver.FetchedAt))
	v.Description = v.T("version.description", d.Name, v.Date(ver.FetchedAt))
	return s.render(w, r, http.StatusOK, "version", v, stable)
}

// clauseBlocks groups the clauses of a version (with the ids diff.Clauses
// gives them) by the block they come from, and maps heading levels to <h2>
// and below, the page's <h1> being its title. It returns the clause count.
func clauseBlocks(blocks []policy.Block) ([]blockView, int) {
	clauses := diff.Clauses(policy.Document{Blocks: blocks})
	minLevel := 0
	for _, b := range blocks {
		if b.Kind == policy.Heading && b.Level > 0 && (minLevel == 0 || b.Level < minLevel) {
			minLevel = b.Level
		}
	}
	var out []blockView
	i := 0
	last := 1 // the page's <h1>
	for _, b := range blocks {
		if i >= len(clauses) {
			break
		}
		if policy.Normalize(b.Text) == "" {
			continue
		}
		bv := blockView{Kind: b.Kind}
		if b.Kind == policy.Heading {
			// A policy that skips levels (h2 then h4) is shown without
			// the gap, so that headings stay ordered for screen readers.
			bv.Heading = min(max(b.Level-minLevel+2, 2), last+1, 6)
			last = bv.Heading
		}
		if blk := clauses[i].Block; blk > 0 {
			for i < len(clauses) && clauses[i].Block == blk {
				bv.Clauses = append(bv.Clauses, clauseView{ID: clauses[i].ID, Text: clauses[i].Text})
				i++
			}
		} else {
			bv.Clauses = append(bv.Clauses, clauseView{ID: clauses[i].ID, Text: clauses[i].Text})
			i++
		}
		out = append(out, bv)
	}
	return out, len(clauses)
}

// lineage follows clause texts through a document's stored change sets: a
// clause is the same clause in the next version when a change says it was
// modified, moved, split or merged into the new text, or when no change
// mentions it (unchanged).
type lineage struct {
	steps []lineageStep
}

type lineageStep struct {
	change  data.Change
	changes []diff.Change
	byNew   map[string]int // new-side text -> index in changes
	byOld   map[string]int
}

// add appends the step of change c, the next in the document's order,
// keeping of each clause change what history reads: the kind, the texts
// and the anchors, not the word diff, topics or evidence.
func (l *lineage) add(c *data.Change) error {
	cs, err := decodeChangeSet(c.ChangeSet)
	if err != nil {
		return fmt.Errorf("change %d: %w", c.ID, err)
	}
	st := lineageStep{change: *c, changes: make([]diff.Change, len(cs.Changes)), byNew: map[string]int{}, byOld: map[string]int{}}
	st.change.ChangeSet = nil
	for j, ch := range cs.Changes {
		st.changes[j] = diff.Change{Kind: ch.Kind, Material: ch.Material, Old: ch.Old, New: ch.New, OldParts: ch.OldParts, NewParts: ch.NewParts}
		if ch.New != nil {
			st.byNew[ch.New.Text] = j
		}
		for _, p := range ch.NewParts {
			st.byNew[p.Text] = j
		}
		if ch.Old != nil {
			st.byOld[ch.Old.Text] = j
		}
		for _, p := range ch.OldParts {
			st.byOld[p.Text] = j
		}
	}
	l.steps = append(l.steps, st)
	return nil
}

// history returns the events of the clause with text in version versionID,
// oldest first; first is when the document's first version was fetched.
func (l *lineage) history(versionID int64, at, first time.Time, text string) []historyEvent {
	// The change that produced the version, and the one that replaced it.
	in, out := -1, len(l.steps)
	for k, st := range l.steps {
		if st.change.ToVersion == versionID {
			in = k
		}
		if st.change.FromVersion == versionID && out == len(l.steps) {
			out = k
		}
	}
	if in >= 0 && out <= in {
		out = in + 1
	}
	event := func(st *lineageStep, ch diff.Change) historyEvent {
		anchor := ""
		if ch.New != nil {
			anchor = "clause-" + ch.New.ID
		} else if ch.Old != nil {
			anchor = "clause-" + ch.Old.ID
		}
		return historyEvent{Kind: ch.Kind, At: st.change.DetectedAt, ChangeID: st.change.ID, Anchor: anchor, Material: ch.Material}
	}
	var back []historyEvent
	t := text
	origin := false
	for k := in; k >= 0 && !origin; k-- {
		st := &l.steps[k]
		j, ok := st.byNew[t]
		if !ok {
			continue
		}
		ch := st.changes[j]
		back = append(back, event(st, ch))
		switch {
		case ch.Kind == diff.Added:
			origin = true
		case len(ch.OldParts) > 0:
			t = ch.OldParts[0].Text
		case ch.Old != nil:
			t = ch.Old.Text
		}
	}
	var events []historyEvent
	if !origin {
		events = append(events, historyEvent{Kind: "since", At: first})
	}
	for k := len(back) - 1; k >= 0; k-- {
		events = append(events, back[k])
	}
	if n := len(events); n > 0 && (in < 0 || events[n-1].ChangeID == l.steps[in].change.ID || events[n-1].Kind == "since" && in < 0) {
		events[n-1].Current = true
	}
	t = text
	for k := out; k < len(l.steps); k++ {
		st := &l.steps[k]
		j, ok := st.byOld[t]
		if !ok {
			continue
		}
		ch := st.changes[j]
		events = append(events, event(st, ch))
		if ch.Kind == diff.Removed {
			return events
		}
		switch {
		case len(ch.NewParts) > 0:
			t = ch.NewParts[0].Text
		case ch.New != nil:
			t = ch.New.Text
		}
	}
	return append(events, historyEvent{Kind: "still"})
}

// snapshotData is an archived response with what is needed to cite it.
type snapshotData struct {
	Snapshot *data.Snapshot
	Document *data.Document
	Name     string
	Headers  []headerLine
	Body     string
	Binary   bool
}

type headerLine struct{ Name, Value string }

// maxShownBody bounds the body shown as text on the snapshot page; the raw
// link serves all of it.
const maxShownBody = 2 << 20

// snapshotPage shows an archived response: its citation data, headers and
// body as escaped text.
func (s *Server) snapshotPage(w http.ResponseWriter, r *http.Request) error {
	snap, doc, err := s.loadSnapshot(r)
	if err != nil {
		return err
	}
	d := snapshotData{Snapshot: snap, Document: doc, Name: documentTitle(doc)}
	for name, vals := range snap.Header {
		for _, val := range vals {
			d.Headers = append(d.Headers, headerLine{name, val})
		}
	}
	sortHeaders(d.Headers)
	body := snap.Body
	if len(body) > maxShownBody {
		body = body[:maxShownBody]
	}
	if utf8.Valid(body) || utf8.Valid(body[:max(0, len(body)-3)]) {
		d.Body = strings.ToValidUTF8(string(body), "\uFFFD")
	} else {
		d.Binary = true
	}
	v := s.newView(r, &d)
	if snap.Imported && snap.Archive != "" {
		if err := s.credit(r.Context(), v, doc.ID); err != nil {
			return err
		}
	}
	v.Title = v.T("snapshot.title", d.Name, v.Time(snap.FetchedAt))
	v.Description = snap.URL + " · SHA-256 " + snap.SHA256
	return s.render(w, r, http.StatusOK, "snapshot", v, immutable)
}

func sortHeaders(h []headerLine) {
	slices.SortStableFunc(h, func(a, b headerLine) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
}

func (s *Server) loadSnapshot(r *http.Request) (*data.Snapshot, *data.Document, error) {
	id, err := pageID(r)
	if err != nil {
		return nil, nil, err
	}
	snap, err := s.db.Snapshot(r.Context(), id)
	if errors.Is(err, data.ErrNotFound) {
		return nil, nil, notFound("no archived page %d", id)
	}
	if err != nil {
		return nil, nil, err
	}
	doc, err := s.db.Document(r.Context(), snap.DocumentID)
	if err != nil {
		return nil, nil, err
	}
	return snap, doc, nil
}

// snapshotRaw serves an archived body byte for byte, but never as a page of
// this site: as text/plain (keeping the archived charset), in a CSP sandbox
// with nothing allowed, with its sha256 in Repr-Digest and the ETag.
// ?download=1 makes it an attachment with the archived type's extension.
func (s *Server) snapshotRaw(w http.ResponseWriter, r *http.Request) error {
	snap, _, err := s.loadSnapshot(r)
	if err != nil {
		return err
	}
	charset := "utf-8"
	ext := ".txt"
	if mt, params, err := mime.ParseMediaType(snap.ContentType); err == nil {
		if cs := params["charset"]; cs != "" && validToken(cs) {
			charset = cs
		}
		switch mt {
		case "text/html", "application/xhtml+xml":
			ext = ".html"
		case "text/markdown":
			ext = ".md"
		}
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset="+charset)
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; frame-ancestors 'none'")
	sum := sha256.Sum256(snap.Body)
	h.Set("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":")
	h.Set("X-Content-SHA256", hex.EncodeToString(sum[:]))
	name := fmt.Sprintf("%s-%s-%s", snap.DocumentID, snap.FetchedAt.UTC().Format("20060102T150405Z"), snap.SHA256[:12])
	if r.URL.Query().Get("download") == "1" {
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + ext}))
	} else {
		h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": name + ".txt"}))
	}
	return writeCached(w, r, http.StatusOK, snap.Body, immutable, false)
}

// validToken reports whether s is a safe charset name to echo in a header.
func validToken(s string) bool {
	if len(s) > 40 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
