package data

import (
	"crypto/sha256"
	"encoding"
	"encoding/hex"
)

// A document's next version, and its next raw snapshot, mostly repeat the
// one before up to where it was edited, and SHA-256 reads its input in
// order: after a shared prefix, the hash state is the same for both. A
// sumMark keeps that state every sumMarkEvery bytes, so that hashing the
// next text resumes from the last mark within the shared prefix. For a
// policy edited in one place that skips half of it on average, where
// hashing the canonical text and the raw body was an eighth of the time of
// importing a version.
type sumMark struct {
	at    int    // bytes hashed, a multiple of sumMarkEvery
	state []byte // the hash state after them (encoding.BinaryMarshaler)
}

// sumMarkEvery is the distance between marks: a mark costs about a
// hundred bytes and a few hundred nanoseconds, 16 KB of hashing about ten
// microseconds.
const sumMarkEvery = 16 << 10

// sumAfter returns the hex SHA-256 of data, and its marks, given the marks
// of an earlier text (prevMarks, as sumAfter returned them) whose first
// shared bytes are those of data (shared <= len(data)). Hashing resumes
// from the last of prevMarks within them.
func sumAfter[T ~string | ~[]byte](data T, shared int, prevMarks []sumMark) (string, []sumMark) {
	h := sha256.New()
	marks := make([]sumMark, 0, len(data)/sumMarkEvery)
	pos := 0
	for _, m := range prevMarks {
		if m.at > shared {
			break
		}
		marks = append(marks, m)
	}
	if n := len(marks); n > 0 {
		if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(marks[n-1].state); err != nil {
			h.Reset() // not a state this hash wrote: hash from the start
			marks = marks[:0]
		} else {
			pos = marks[n-1].at
		}
	}
	// Strings go through a small buffer: converting one would copy it whole.
	var buf [8 << 10]byte
	for pos < len(data) {
		end := min(len(data), (pos/sumMarkEvery+1)*sumMarkEvery)
		for pos < end {
			k := copy(buf[:], data[pos:end])
			h.Write(buf[:k])
			pos += k
		}
		if pos%sumMarkEvery == 0 {
			state, err := h.(encoding.BinaryMarshaler).MarshalBinary()
			if err == nil {
				marks = append(marks, sumMark{at: pos, state: state})
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)), marks
}

// commonTextPrefix is commonPrefix for strings.
func commonTextPrefix(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i+64 <= n && a[i:i+64] == b[i:i+64] {
		i += 64
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}
