package data

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/clausewatch/clausewatch/data/internal/blocklist"
	"github.com/clausewatch/clausewatch/policy"
)

// A version's clauses are stored by reference: every distinct string (a
// block's normalized text or a heading in a block's path) lives once in the
// texts table, and the version row keeps only a compact list of blocks that
// names them by texts.id (package blocklist encodes it). A policy edited one
// word at a time then costs one new clause per version instead of a full
// copy of its 300 KB, and recording a version whose clauses are already
// stored is a few map lookups.
//
// Texts are never deleted, so a texts.id learned from a committed transaction
// stays valid for the life of the file; the per-handle cache relies on it.

// textRefs are the texts.ids of a version's strings.
type textRefs struct {
	blocks []int64          // the id of each block's text, by block index
	paths  map[string]int64 // the id of each path entry
}

// resolveBlocks reads the texts a decoded block list names and rebuilds the
// blocks, the canonical text (the normalized texts, one per line, as
// policy.Document.Canonical builds it) and the version's text ids.
func resolveBlocks(ctx context.Context, q queryer, l *blocklist.List) ([]policy.Block, string, textRefs, error) {
	want := make([]int64, 0, len(l.Blocks)+len(l.Paths))
	for _, b := range l.Blocks {
		want = append(want, b.Text)
	}
	for _, p := range l.Paths {
		want = append(want, p...)
	}
	texts, err := textsByID(ctx, q, want)
	if err != nil {
		return nil, "", textRefs{}, err
	}
	refs := textRefs{blocks: make([]int64, len(l.Blocks)), paths: map[string]int64{}}
	paths := make([][]string, len(l.Paths))
	for i, p := range l.Paths {
		if len(p) == 0 {
			continue
		}
		ps := make([]string, len(p))
		for j, id := range p {
			ps[j] = texts[id]
			refs.paths[ps[j]] = id
		}
		paths[i] = ps
	}
	var blocks []policy.Block
	if len(l.Blocks) > 0 {
		blocks = make([]policy.Block, len(l.Blocks))
	}
	size := 0
	for i, r := range l.Blocks {
		t := texts[r.Text]
		blocks[i] = policy.Block{Kind: r.Kind, Level: r.Level, Path: paths[r.Path], Text: t}
		refs.blocks[i] = r.Text
		if t != "" {
			size += len(t) + 1
		}
	}
	var canon strings.Builder
	canon.Grow(size)
	for _, b := range blocks {
		if b.Text != "" {
			canon.WriteString(b.Text)
			canon.WriteByte('\n')
		}
	}
	return blocks, canon.String(), refs, nil
}

// textsByID reads the texts with the given ids (duplicates allowed) in one
// query, and fails if any is missing.
func textsByID(ctx context.Context, q queryer, ids []int64) (map[int64]string, error) {
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	arg, err := json.Marshal(sorted)
	if err != nil {
		return nil, err
	}
	const query = `SELECT t.id, t.text FROM json_each(?) AS j JOIN texts AS t ON t.id = j.value`
	rows, err := q.QueryContext(ctx, query, string(arg))
	if err != nil {
		return nil, fmt.Errorf("read texts: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]string, len(sorted))
	for rows.Next() {
		var id int64
		var s string
		if err := rows.Scan(&id, &s); err != nil {
			return nil, fmt.Errorf("read texts: %w", err)
		}
		out[id] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read texts: %w", err)
	}
	if len(out) != len(sorted) {
		return nil, fmt.Errorf("read texts: %d of %d referenced texts are missing", len(sorted)-len(out), len(sorted))
	}
	return out, nil
}

// internTexts returns the texts.ids of the strings of blocks (texts and path
// entries), inserting the strings not stored yet. known, when set, is a
// version learned from committed data, usually the previous one: a block
// whose text known holds at about the same position, or a path entry known
// has, takes its id from there, so that only a version's new clauses reach
// SQLite, and those in one query. The next version of a document mostly
// holds the same strings in the same order, so matching by position costs a
// comparison a block, where a map would hash every 300 KB version again.
func internTexts(ctx context.Context, tx stmtQueryer, blocks []policy.Block, known *cachedVersion) (textRefs, error) {
	refs := textRefs{blocks: make([]int64, len(blocks)), paths: map[string]int64{}}
	var prior []policy.Block
	var priorRefs textRefs
	if known != nil {
		prior, priorRefs = known.v.Blocks, known.refs
	}
	var misses []string
	seen := map[string]bool{}
	miss := func(s string) {
		if !seen[s] {
			seen[s] = true
			misses = append(misses, s)
		}
	}
	off := 0 // where prior is expected to hold block i: i+off
	var prevPath []string
	for i, b := range blocks {
		if k, ok := findText(prior, i+off, b.Text); ok {
			refs.blocks[i], off = priorRefs.blocks[k], k-i
		} else {
			miss(b.Text)
		}
		if slices.Equal(b.Path, prevPath) {
			continue
		}
		prevPath = b.Path
		for _, p := range b.Path {
			if _, ok := refs.paths[p]; ok {
				continue
			}
			if id, ok := priorRefs.paths[p]; ok {
				refs.paths[p] = id
			} else {
				refs.paths[p] = 0
				miss(p)
			}
		}
	}
	if len(misses) == 0 {
		return refs, nil
	}
	ids := make(map[string]int64, len(misses))
	if err := lookUpTexts(ctx, tx, misses, ids); err != nil {
		return textRefs{}, err
	}
	for i, id := range refs.blocks {
		if id == 0 {
			refs.blocks[i] = ids[blocks[i].Text]
		}
	}
	for p, id := range refs.paths {
		if id == 0 {
			refs.paths[p] = ids[p]
		}
	}
	return refs, nil
}

// lookUpTexts sets ids[s] for each of misses, reading the stored ones in one
// query and inserting the others.
func lookUpTexts(ctx context.Context, tx stmtQueryer, misses []string, ids map[string]int64) error {
	sums := make([][]byte, len(misses))
	hexes := make([]string, len(misses))
	for i, s := range misses {
		sum := sha256.Sum256([]byte(s))
		sums[i] = sum[:]
		hexes[i] = hex.EncodeToString(sum[:])
	}
	arg, err := json.Marshal(hexes)
	if err != nil {
		return err
	}
	const lookup = `SELECT j.key, t.id FROM json_each(?) AS j JOIN texts AS t ON t.sha256 = unhex(j.value)`
	rows, err := tx.QueryContext(ctx, lookup, string(arg))
	if err != nil {
		return fmt.Errorf("look up texts: %w", err)
	}
	for rows.Next() {
		var i int
		var id int64
		if err := rows.Scan(&i, &id); err != nil {
			rows.Close()
			return fmt.Errorf("look up texts: %w", err)
		}
		if i >= 0 && i < len(misses) {
			ids[misses[i]] = id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("look up texts: %w", err)
	}
	for i, s := range misses {
		if ids[s] != 0 {
			continue
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO texts (sha256, text) VALUES (?, ?)`, sums[i], s)
		if err != nil {
			return fmt.Errorf("insert text: %w", err)
		}
		if ids[s], err = r.LastInsertId(); err != nil {
			return fmt.Errorf("insert text: %w", err)
		}
	}
	return nil
}
