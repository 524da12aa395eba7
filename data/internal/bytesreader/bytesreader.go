// Package bytesreader reads the varints and byte runs of storage's binary
// formats (block lists, snapshot deltas). Both decode untrusted stored bytes
// the same way, so the reading, and the rule that the first error sticks,
// have one home.
package bytesreader

import (
	"encoding/binary"
	"io"
)

// Reader reads from a byte slice and remembers the first error, so that a
// decoder reads a whole record and checks Err once. After an error every
// read returns zero values.
type Reader struct {
	b   []byte
	err error
}

// New returns a Reader of b.
func New(b []byte) *Reader { return &Reader{b: b} }

// Uvarint reads an unsigned varint.
func (r *Reader) Uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Varint reads a signed varint.
func (r *Reader) Varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Bytes reads the next n bytes; they alias the input.
func (r *Reader) Bytes(n uint64) []byte {
	if n > uint64(len(r.b)) {
		r.fail()
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

// Len returns how many bytes are left unread.
func (r *Reader) Len() int { return len(r.b) }

// Err returns the first error, io.ErrUnexpectedEOF for input that ended
// inside a value.
func (r *Reader) Err() error { return r.err }

func (r *Reader) fail() {
	if r.err == nil {
		r.err = io.ErrUnexpectedEOF
	}
	r.b = nil
}
