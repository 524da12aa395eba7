package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"testing"
)

// TestSumAfter hashes chains of edited texts, each resuming from the marks
// of the one before, and wants the plain SHA-256 of every one.
func TestSumAfter(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	randomBytes := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return b
	}
	want := func(b []byte) string {
		sum := sha256.Sum256(b)
		return hex.EncodeToString(sum[:])
	}
	tests := []struct {
		name string
		next func(prev []byte) []byte
	}{
		{"edit anywhere", func(p []byte) []byte {
			out := bytes.Clone(p)
			if len(out) > 0 {
				out[rng.IntN(len(out))] ^= 1
			}
			return out
		}},
		{"edit at a mark", func(p []byte) []byte {
			out := bytes.Clone(p)
			if k := len(out) / sumMarkEvery; k > 0 {
				out[rng.IntN(k)*sumMarkEvery] ^= 1 // the first byte after a mark
			}
			return out
		}},
		{"edit just before a mark", func(p []byte) []byte {
			out := bytes.Clone(p)
			if k := len(out) / sumMarkEvery; k > 0 {
				out[(rng.IntN(k)+1)*sumMarkEvery-1] ^= 1
			}
			return out
		}},
		{"cut at a mark", func(p []byte) []byte { return bytes.Clone(p[:len(p)/sumMarkEvery*sumMarkEvery]) }},
		{"grow", func(p []byte) []byte { return append(bytes.Clone(p), randomBytes(rng.IntN(3*sumMarkEvery))...) }},
		{"shrink", func(p []byte) []byte { return bytes.Clone(p[:rng.IntN(len(p)+1)]) }},
		{"same", func(p []byte) []byte { return bytes.Clone(p) }},
		{"all new", func(p []byte) []byte { return randomBytes(rng.IntN(5 * sumMarkEvery)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prev := randomBytes(4*sumMarkEvery + 100)
			_, marks := sumAfter(prev, 0, nil)
			for step := range 30 {
				cur := tt.next(prev)
				if len(cur) == 0 {
					cur = randomBytes(sumMarkEvery + 1)
				}
				shared := commonPrefix(prev, cur)
				// Strings and bytes hash alike, and the text form shares
				// its prefix alike.
				if s := commonTextPrefix(string(prev), string(cur)); s != shared {
					t.Fatalf("step %d: commonTextPrefix %d, commonPrefix %d", step, s, shared)
				}
				gotText, _ := sumAfter(string(cur), shared, marks)
				got, next := sumAfter(cur, shared, marks)
				if w := want(cur); got != w || gotText != w {
					t.Fatalf("step %d (%d bytes, %d shared): sum %s (text %s), want %s", step, len(cur), shared, got, gotText, w)
				}
				if len(next) != len(cur)/sumMarkEvery {
					t.Fatalf("step %d: %d marks for %d bytes", step, len(next), len(cur))
				}
				prev, marks = cur, next
			}
		})
	}
	t.Run("damaged mark", func(t *testing.T) {
		data := randomBytes(3 * sumMarkEvery)
		_, marks := sumAfter(data, 0, nil)
		marks[len(marks)-1].state = []byte("not a hash state") // the one hashing would resume from
		if got, _ := sumAfter(data, len(data), marks); got != want(data) {
			t.Errorf("sum %s from a damaged mark, want %s", got, want(data))
		}
	})
}
