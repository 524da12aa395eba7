package scraper

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// DefaultMaxFileSize is the size above which ReadFile refuses a file when
// given no limit: the default limit of a fetched body (fetch.max_body), since
// a file is a page saved to disk.
const DefaultMaxFileSize = 10 << 20

// Errors of ReadFile, for callers that say what to do about them.
var (
	ErrNotRegular   = errors.New("not a regular file")
	ErrFileTooLarge = errors.New("file too large")
)

// ReadFile reads a local copy of a page, as import and diff read them. It
// refuses a file that is not a regular file (a directory, a device such as
// /dev/zero, a pipe) or that is larger than limit bytes (0:
// DefaultMaxFileSize) before reading it whole: the file is measured first,
// and then read through a limit of one byte more, so that a file that grows
// while it is read is refused too instead of filling memory.
func ReadFile(name string, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxFileSize
	}
	// Stat before opening: opening a named pipe waits for a writer.
	fi, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("scraper: read %s: %w", name, err)
	}
	if err := checkFile(name, fi, limit); err != nil {
		return nil, err
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("scraper: read %s: %w", name, err)
	}
	defer f.Close()
	// The path may name another file by now.
	if fi, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("scraper: read %s: %w", name, err)
	}
	if err := checkFile(name, fi, limit); err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("scraper: read %s: %w", name, err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("scraper: read %s: it grew past the limit of %d bytes while being read: %w", name, limit, ErrFileTooLarge)
	}
	return body, nil
}

// checkFile refuses what ReadFile must not read.
func checkFile(name string, fi fs.FileInfo, limit int64) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("scraper: read %s: %s, %w; give the path of a saved HTML, Markdown or text file", name, fileKind(fi.Mode()), ErrNotRegular)
	}
	if fi.Size() > limit {
		return fmt.Errorf("scraper: read %s: %d bytes, over the limit of %d bytes: %w", name, fi.Size(), limit, ErrFileTooLarge)
	}
	return nil
}

// fileKind names the kind of a file that is not a regular one.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}
