package config

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a config file, located precisely enough
// that an operator can fix it without reading the source: the file, the line
// (0 when the file could not be read at all), the field path such as
// "documents[2].select" (empty for problems that concern the file as a whole)
// and a message that says what is wrong and, in parentheses, what to do.
type Problem struct {
	File    string
	Line    int
	Field   string
	Message string

	err error // the underlying error, when there is one, for errors.Is
}

// String formats the problem as FILE:LINE: FIELD: MESSAGE, the form editors
// and terminals recognise as a jump target.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(p.Line))
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Error collects every problem found in a config file. Reporting all of them
// at once spares the operator a fix-restart-fix loop; the command line exits
// with status 2 when it gets one.
type Error struct {
	Problems []Problem
}

// Error prints one problem per line, in file order.
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes the underlying errors (for example fs.ErrNotExist when the
// file is missing) so that callers can test them with errors.Is.
func (e *Error) Unwrap() []error {
	var errs []error
	for _, p := range e.Problems {
		if p.err != nil {
			errs = append(errs, p.err)
		}
	}
	return errs
}

// problems accumulates what is wrong with one file while it is walked.
type problems struct {
	file string
	list []Problem
}

func (ps *problems) addf(line int, field, format string, args ...any) {
	ps.list = append(ps.list, Problem{File: ps.file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

// err returns the collected problems sorted by line, or nil when there are
// none. It returns a plain nil rather than a typed nil *Error so that
// callers' err != nil checks work.
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	list := slices.Clone(ps.list)
	slices.SortStableFunc(list, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
	return &Error{Problems: list}
}
