package data

import (
	"slices"

	"github.com/clausewatch/clausewatch/data/internal/latest"
	"github.com/clausewatch/clausewatch/policy"
)

// cache keeps, per document, what the next Record of that document needs from
// the previous one: the latest version's blocks (to diff against) with the
// texts.id of each clause (to store the next version by reference), and the
// latest snapshot's body (to store the next one as a delta). Without it every
// Record would reload and decode a 300 KB version and rebuild a snapshot from
// its delta chain.
//
// Entries are hints, never trusted blindly: a version entry is used only when
// the latest version read inside the transaction has the same id and sha256,
// and a snapshot entry only when the snapshot chosen as base has its id,
// because another handle (another process) may have written in between.
// Entries are published only with committed data and never modified after.
//
// Each map keeps the entry with the highest id (latest.Cache), so that a
// Record publishing late cannot replace a later version or snapshot, and
// holds a bounded number of documents, so that a check of thousands of
// documents does not keep every one's latest text and page in memory.
type cache struct {
	versions  latest.Cache[*cachedVersion]  // by document, keyed on v.ID
	snapshots latest.Cache[*cachedSnapshot] // by document, keyed on id
}

// cachedVersion is a stored version in full with the text ids of its blocks.
// v.Blocks belongs to the cache: callers get a copy.
type cachedVersion struct {
	v    Version
	refs textRefs
	// textIDs are the sorted, distinct ids of the non-empty block texts:
	// what the search index holds for the version (see distinctTextIDs).
	textIDs []int64
}

// cachedSnapshot is the body of a stored snapshot and its place in its chain.
type cachedSnapshot struct {
	id    int64
	depth int
	body  []byte
}

// cloneVersion returns a copy of v whose Blocks and paths the caller may
// modify without touching the cache.
func cloneVersion(v *Version) *Version {
	out := *v
	out.Blocks = cloneBlocks(v.Blocks)
	return &out
}

func cloneBlocks(in []policy.Block) []policy.Block {
	if in == nil {
		return nil
	}
	n := 0
	for _, b := range in {
		n += len(b.Path)
	}
	paths := make([]string, 0, n)
	out := slices.Clone(in)
	for i := range out {
		p := out[i].Path
		if len(p) == 0 {
			out[i].Path = nil // stored and read back as none
			continue
		}
		start := len(paths)
		paths = append(paths, p...)
		out[i].Path = paths[start:len(paths):len(paths)]
	}
	return out
}
