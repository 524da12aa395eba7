// Command clausewatch tracks privacy policies and terms, keeps every version
// and records what changed. This file and its siblings only wire packages
// together: every dependency is built here and passed in.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/history"
	"github.com/clausewatch/clausewatch/scraper"
	"github.com/clausewatch/clausewatch/tracker"
)

// Exit codes shared by every command.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	defaultDB   = "clausewatch.db"
	defaultAddr = "localhost:8080"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// usageError is a mistake on the command line or in the config: exit 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// exitError carries a non-zero exit code for a command that ran but did not
// fully succeed, after it has printed its own report.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// env is what every command needs, built from the flags.
type env struct {
	cfg    *config.Config
	dbPath string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	now    func() time.Time
	log    *slog.Logger
	deps   deps
	// history is the --history flag: when given, it overrides the
	// config's history key.
	history *optBool
}

// deps are what commands reach outside the process besides files and the
// environment: main leaves them zero (the system's network and Chromium);
// tests replace them, so that a test of a first start without a network
// is deterministic.
type deps struct {
	client  *http.Client    // HTTP fetches; nil: built from the config's fetch settings
	browser scraper.Fetcher // browser: true documents; nil: Chromium, when found
	// adjust changes the loaded config before anything uses it; tests of
	// the default config drop its jitter with it.
	adjust func(*config.Config)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	return runWith(ctx, args, stdin, stdout, stderr, getenv, deps{})
}

// runWith is run with its dependencies given.
func runWith(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string, d deps) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		// `clausewatch help COMMAND` is `clausewatch COMMAND --help`.
		if len(args) == 2 && args[0] == "help" {
			if _, ok := lookupCommand(args[1]); ok {
				return run(ctx, []string{args[1], "--help"}, stdin, stdout, stderr, getenv)
			}
		}
		fmt.Fprint(stderr, usageText())
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	name, rest := args[0], args[1:]
	c, ok := lookupCommand(name)
	if !ok {
		fmt.Fprintf(stderr, "clausewatch: unknown command %q\n\n%s", name, usageText())
		return exitUsage
	}
	cmd := c.run
	err := cmd(ctx, &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, now: time.Now, deps: d}, rest)
	var ue usageError
	var ee exitError
	var ce *config.Error
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ce):
		fmt.Fprintf(stderr, "clausewatch %s: invalid config:\n%v\n", name, err)
		return exitUsage
	case errors.Is(err, flag.ErrHelp):
		// The help was asked for and printed: a success, as for
		// `clausewatch --help`.
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "clausewatch %s: %v\n", name, err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "clausewatch %s: %v\n", name, err)
		return exitFailed
	}
}

// flags returns a flag set with the flags every command shares. Its
// --help is the command's entry in commands(), so that each command's
// arguments and examples are written in one place.
func (e *env) flags(name string) (*flag.FlagSet, *string, *string) {
	fs := flag.NewFlagSet("clausewatch "+name, flag.ContinueOnError)
	out := &helpOutput{stderr: e.stderr}
	fs.SetOutput(out)
	if c, ok := lookupCommand(name); ok {
		fs.Usage = func() { c.writeHelp(out, fs) }
	}
	cfg := fs.String("config", "", "YAML config `FILE` (default: embedded WhatsApp and Meta documents)")
	db := fs.String("db", "", "SQLite database `PATH` (default: $CLAUSEWATCH_DB or "+defaultDB+")")
	e.history = &optBool{}
	fs.Var(e.history, "history", "load the bundled public history into documents that have no version yet (default: the config's history key, true in the embedded config)")
	return fs, cfg, db
}

// optBool is a boolean flag that knows whether it was given, so that it
// can override a config setting only when it was.
type optBool struct{ set, val bool }

func (b *optBool) String() string {
	if b == nil || !b.set {
		return ""
	}
	return strconv.FormatBool(b.val)
}

func (b *optBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	b.set, b.val = true, v
	return nil
}

// IsBoolFlag lets --history stand for --history=true.
func (b *optBool) IsBoolFlag() bool { return true }

// parse parses flags placed anywhere among the positional arguments, so that
// both "history ID --format json" and "history --format json ID" work.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				if out, ok := fs.Output().(*helpOutput); ok {
					out.WriteTo(out.stderr)
				}
				return nil, err
			}
			return nil, usagef("%w (clausewatch %s --help lists the flags)", err, strings.TrimPrefix(fs.Name(), "clausewatch "))
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// load reads the config (or the embedded default), applies the environment
// and settles the database path: flag, then $CLAUSEWATCH_DB, then default.
func (e *env) load(cfgPath, dbPath string, level slog.Level) error {
	var err error
	if cfgPath == "" {
		e.cfg = config.Default()
	} else if e.cfg, err = config.Load(cfgPath); err != nil {
		return err
	}
	e.cfg.ApplyEnv(e.getenv)
	if e.history != nil && e.history.set {
		e.cfg.History = e.history.val
	}
	if e.deps.adjust != nil {
		e.deps.adjust(e.cfg)
	}
	e.dbPath = firstNonEmpty(dbPath, e.getenv("CLAUSEWATCH_DB"), defaultDB)
	if v := e.getenv("CLAUSEWATCH_LOG_LEVEL"); v != "" {
		if err := level.UnmarshalText([]byte(v)); err != nil {
			return usagef("CLAUSEWATCH_LOG_LEVEL=%q: want debug, info, warn or error", v)
		}
	}
	e.log = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
	return nil
}

// open opens the database, makes sure the configured documents exist in it,
// so that every command sees the same list, and gives documents without a
// version their bundled history (except those in skip), so that every
// command sees it too and a new installation has it before its first fetch.
func (e *env) open(ctx context.Context, skip ...string) (*data.DB, error) {
	db, err := data.Open(ctx, e.dbPath, e.now)
	if err != nil {
		return nil, err
	}
	docs := make([]data.Document, 0, len(e.cfg.Documents))
	for _, d := range e.cfg.Documents {
		docs = append(docs, data.Document{ID: d.ID, URL: d.URL, Service: d.Service, Title: d.Title, Region: d.Region, Language: d.Language, Browser: d.Browser})
	}
	if err := db.SyncDocuments(ctx, docs); err != nil {
		db.Close()
		return nil, err
	}
	if err := e.loadHistory(ctx, db, skip); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openReadOnly opens the database for a command that only reads: no
// migration, no document sync, no file created, so that a user who may
// read the file but not write it can run it. What to do is said when the
// file is missing or its schema is behind.
func (e *env) openReadOnly(ctx context.Context) (*data.DB, error) {
	db, err := data.OpenReadOnly(ctx, e.dbPath, e.now)
	switch {
	case errors.Is(err, data.ErrNoDatabase):
		return nil, fmt.Errorf("%w: nothing has been recorded there yet; run `clausewatch check` or `clausewatch import` to create it, or pass --db with the path of an existing database (without --db: $CLAUSEWATCH_DB, else %s in the current folder)", err, defaultDB)
	case errors.Is(err, data.ErrSchemaBehind):
		return nil, fmt.Errorf("%w; run `clausewatch migrate --db %s` as a user who may write it, then run this command again", err, e.dbPath)
	}
	return db, err
}

// loadHistory loads the bundled history (package history) into the
// configured documents that have none yet. The bundle is decompressed only
// when one of them has bundled history and no version, so an installation
// with its own documents, and every later start, pays nothing for it.
func (e *env) loadHistory(ctx context.Context, db *data.DB, skip []string) error {
	if !e.cfg.History {
		return nil
	}
	b, err := history.Open()
	if err != nil {
		return err
	}
	tr := tracker.New(db, nil, nil, e.now, e.log)
	loaded, err := history.Load(ctx, b, tr, db, e.cfg, e.log, skip...)
	if len(loaded) > 0 {
		e.log.Info("bundled history from Open Terms Archive and TOSBack (ODC-By 1.0) loaded", "documents", len(loaded))
	}
	return err
}

// knownDocument checks that id names a document a reading command can
// show: one the database holds, whatever config recorded it, or one the
// config names (whose history may still be empty). So `history ID --db
// FILE` needs no --config for what the database already knows, and a
// given config only adds its own documents.
func (e *env) knownDocument(ctx context.Context, db *data.DB, id string) error {
	if _, ok := e.cfg.Document(id); ok {
		return nil
	}
	_, err := db.Document(ctx, id)
	if err == nil || !errors.Is(err, data.ErrNotFound) {
		return err
	}
	stored, err := db.Documents(ctx)
	if err != nil {
		return err
	}
	known := e.ids()
	for _, d := range stored {
		known = append(known, d.ID)
	}
	slices.Sort(known)
	return usagef("unknown document %q: neither the database %s nor the config holds it (known: %s)", id, e.dbPath, someIDs(slices.Compact(known)))
}

// someIDs names the first few of ids for a message, and how many more
// there are: a list of twenty thousand helps nobody find a typo.
func someIDs(ids []string) string {
	const shown = 20
	if len(ids) <= shown {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:shown], ", "), len(ids)-shown)
}

// documents resolves ids to configured documents; no ids means all.
func (e *env) documents(ids []string) ([]config.Document, error) {
	if len(ids) == 0 {
		return e.cfg.Documents, nil
	}
	out := make([]config.Document, 0, len(ids))
	for _, id := range ids {
		d, ok := e.cfg.Document(id)
		if !ok {
			return nil, usagef("unknown document %q (configured: %s)", id, someIDs(e.ids()))
		}
		out = append(out, d)
	}
	return out, nil
}

func (e *env) ids() []string {
	ids := make([]string, 0, len(e.cfg.Documents))
	for _, d := range e.cfg.Documents {
		ids = append(ids, d.ID)
	}
	return ids
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// openWithoutArgs parses the flags of a command that takes no arguments
// (migrate, reclassify), loads the config and opens the database for
// writing.
func (e *env) openWithoutArgs(ctx context.Context, name string, args []string) (*data.DB, error) {
	fs, cfgPath, dbPath := e.flags(name)
	pos, err := parse(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) > 0 {
		return nil, usagef("unexpected argument %q", pos[0])
	}
	if err := e.load(*cfgPath, *dbPath, slog.LevelWarn); err != nil {
		return nil, err
	}
	return e.open(ctx)
}
