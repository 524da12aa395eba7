// Package data is clausewatch's storage: one SQLite file holding the watched
// documents, every fetch attempt, the raw snapshots a journalist can cite, the
// versions of each document and the changes between them.
//
// The file is shared by processes: `clausewatch check` run from cron writes
// while `clausewatch serve` is running. Every connection therefore uses WAL,
// a busy timeout and BEGIN IMMEDIATE for write transactions, so that writers
// queue for the lock instead of failing with SQLITE_BUSY.
package data

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/clausewatch/clausewatch/data/internal/delta"
	"modernc.org/sqlite" // registers the "sqlite" database/sql driver
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrNotFound is returned by lookups when the row does not exist, so callers
// can answer 404 instead of 500.
var ErrNotFound = errors.New("not found")

// ErrHeadMoved is returned by Record when another version became the
// document's latest after the pipeline compared its candidate with the one
// before: the pipeline compares again with the new latest version.
var ErrHeadMoved = errors.New("latest version moved")

// ErrUnknownDocument is returned by Record when the document id was never
// stored with SyncDocuments, which is a wiring mistake worth a clear message.
var ErrUnknownDocument = errors.New("unknown document")

// timeLayout is fixed-width RFC 3339 in UTC with nanoseconds, so that text
// comparison in SQL orders times correctly.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

//go:embed migrations/*.sql
var migrationFiles embed.FS

// DB is a handle on one clausewatch database file. It is safe for concurrent
// use; several DB handles, in one process or many, may share the same file.
type DB struct {
	sql  *sql.DB
	path string
	now  func() time.Time
	// writeSem serializes this handle's write transactions, so that its own
	// goroutines queue in Go (honouring their contexts) rather than spinning
	// on SQLite's busy handler; other handles and processes still queue on
	// the file lock through busy_timeout.
	writeSem chan struct{}
	// writer is the connection every write transaction of this handle
	// runs on: taken from the pool at the first write, held until a write
	// fails or Close, and used only by the holder of writeSem. On one
	// connection the statements Record prepares stay prepared, and SQLite
	// keeps its page cache from one transaction to the next (a connection
	// drops its cache when another one wrote): interning a new document's
	// clauses reads index pages the last transactions wrote, which
	// otherwise came back through a system call each.
	writer *sql.Conn
	// cache keeps each document's latest version and snapshot as this
	// handle last wrote or read them; see cache.go.
	cache cache
	// deflater reuses DEFLATE writers across Records (snapshot deltas).
	deflater delta.Deflater
	// stmts holds the prepared statements of the queries Record runs for
	// every fetch; see stmtQueryer.
	stmts stmtCache
}

// stmtCache holds statements prepared once per handle, by query text.
// SQLite parses a statement again on every call otherwise, which was a
// tenth of recording a version in an import; database/sql prepares a
// cached statement again on each connection it first runs on, and SQLite
// re-prepares it by itself after a schema change.
type stmtCache struct {
	mu     sync.Mutex
	m      map[string]*sql.Stmt
	closed bool
}

// prepared returns the handle's statement for query, preparing it once.
func (db *DB) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	c := &db.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.m[query]; s != nil {
		return s, nil
	}
	if c.closed {
		return nil, errors.New("database handle is closed")
	}
	s, err := db.sql.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = s
	return s, nil
}

// stmtQueryer runs queries through the handle's prepared statements, on the
// database or, when tx is set, inside that transaction. It is a queryer, so
// the lookups shared with other callers use it unchanged. When a statement
// cannot be prepared the query runs unprepared, which reports the same
// error the usual way.
type stmtQueryer struct {
	db *DB
	tx *sql.Tx
}

// stmtsOn returns a stmtQueryer on tx, or on the database when tx is nil.
func (db *DB) stmtsOn(tx *sql.Tx) stmtQueryer { return stmtQueryer{db: db, tx: tx} }

// stmt returns the prepared statement for query, bound to the
// transaction if any; nil when it cannot be prepared.
func (q stmtQueryer) stmt(ctx context.Context, query string) *sql.Stmt {
	s, err := q.db.prepared(ctx, query)
	if err != nil {
		return nil
	}
	if q.tx != nil {
		// Closed with the transaction.
		return q.tx.StmtContext(ctx, s)
	}
	return s
}

func (q stmtQueryer) plain() queryer {
	if q.tx != nil {
		return q.tx
	}
	return q.db.sql
}

func (q stmtQueryer) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := q.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return q.plain().QueryContext(ctx, query, args...)
}

func (q stmtQueryer) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := q.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return q.plain().QueryRowContext(ctx, query, args...)
}

func (q stmtQueryer) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := q.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	if q.tx != nil {
		return q.tx.ExecContext(ctx, query, args...)
	}
	return q.db.sql.ExecContext(ctx, query, args...)
}

// Open opens (creating it if needed) the database file at path and applies
// any pending migrations. now is the clock used for bookkeeping times such as
// when a migration or a row was recorded.
func Open(ctx context.Context, path string, now func() time.Time) (*DB, error) {
	db, err := open(ctx, path, now)
	if err != nil {
		return nil, fmt.Errorf("data: open %s: %w", path, err)
	}
	return db, nil
}

func open(ctx context.Context, path string, now func() time.Time) (*DB, error) {
	abs, err := checkOpen(path, now)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(abs)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("directory %s does not exist; create it or choose another --db path", dir)
	}
	return openDSN(ctx, abs, dsn(abs), now, (*DB).migrate)
}

// checkOpen checks the arguments of Open and OpenReadOnly and returns the
// database's absolute path.
func checkOpen(path string, now func() time.Time) (string, error) {
	if path == "" {
		return "", errors.New("no database path given (pass --db FILE)")
	}
	if now == nil {
		return "", errors.New("no clock given")
	}
	return filepath.Abs(path)
}

// ErrSchemaBehind is returned by OpenReadOnly for a database whose schema
// lacks migrations this clausewatch knows: a read-only handle cannot apply
// them, and the queries expect them.
var ErrSchemaBehind = errors.New("database schema is older than this clausewatch")

// ErrNoDatabase is returned by OpenReadOnly when the file does not exist: a
// command that only reads creates nothing.
var ErrNoDatabase = errors.New("no database file")

// OpenReadOnly opens an existing database file for reading only (SQLite
// mode=ro, query_only), applying no migration and creating nothing, so
// that a user who may read the file but not write it can run the commands
// that only read, and so that they never take the write lock from a
// running `serve`. A schema that lacks known migrations is ErrSchemaBehind.
func OpenReadOnly(ctx context.Context, path string, now func() time.Time) (*DB, error) {
	db, err := openReadOnly(ctx, path, now)
	if err != nil {
		return nil, fmt.Errorf("data: open %s read-only: %w", path, err)
	}
	return db, nil
}

func openReadOnly(ctx context.Context, path string, now func() time.Time) (*DB, error) {
	abs, err := checkOpen(path, now)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoDatabase
	} else if err != nil {
		return nil, err
	}
	db, err := openDSN(ctx, abs, readOnlyDSN(abs, false), now, (*DB).checkSchema)
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_READONLY {
		// SQLite reads a WAL database through its shared-memory file,
		// which a user who may not write the directory cannot create
		// when no process has the database open. The last process to
		// close it checkpointed its log into the file and removed it;
		// with no log left, the file alone is the whole database and
		// can be read as immutable.
		if _, werr := os.Stat(abs + "-wal"); errors.Is(werr, fs.ErrNotExist) {
			return openDSN(ctx, abs, readOnlyDSN(abs, true), now, (*DB).checkSchema)
		}
		return nil, fmt.Errorf("%w (its write-ahead log %s-wal is there but its shared-memory file cannot be created: run the command while `clausewatch serve` runs, or as a user who may write %s)", err, abs, filepath.Dir(abs))
	}
	return db, err
}

// openDSN opens a handle on the file abs through dsn and readies it:
// migrating it (Open) or checking its schema (OpenReadOnly).
func openDSN(ctx context.Context, abs, dsn string, now func() time.Time, ready func(*DB, context.Context) error) (*DB, error) {
	sqldb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db := &DB{sql: sqldb, path: abs, now: now, writeSem: make(chan struct{}, 1)}
	if err := connect(ctx, sqldb); err != nil {
		sqldb.Close()
		return nil, err
	}
	if err := ready(db, ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	return db, nil
}

// checkSchema compares the migrations the file has with the embedded ones,
// without changing anything.
func (db *DB) checkSchema(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	known := map[int]bool{}
	for _, m := range ms {
		known[m.version] = true
	}
	var exists int
	err = db.sql.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&exists)
	if err != nil {
		return err
	}
	applied := map[int]bool{}
	if exists > 0 {
		rows, err := db.sql.QueryContext(ctx, `SELECT version FROM schema_migrations`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				return err
			}
			applied[v] = true
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if err := checkApplied(applied, known, ms); err != nil {
		return err
	}
	have, missing := 0, 0
	for _, m := range ms {
		if applied[m.version] {
			have = m.version
		} else {
			missing++
		}
	}
	if missing > 0 {
		return fmt.Errorf("it has %d of the %d migrations this clausewatch knows (latest applied: %d): %w", len(ms)-missing, len(ms), have, ErrSchemaBehind)
	}
	return nil
}

// connect makes the first connection. Processes that open a new database
// file at the same moment race to switch it to WAL, and the loser is told
// SQLITE_BUSY without waiting for busy_timeout; it asks again, as the busy
// handler would have, for about as long as busy_timeout allows.
func connect(ctx context.Context, sqldb *sql.DB) error {
	wait := time.Millisecond
	for attempt := 0; ; attempt++ {
		err := sqldb.PingContext(ctx)
		var se *sqlite.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || attempt == 100 {
			return err
		}
		wait = min(2*wait, 100*time.Millisecond)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// dsn builds the SQLite URI for an absolute path. The path is escaped so that
// '?', '#' and '%' in a file name are not taken for URI syntax.
func dsn(abs string) string {
	p := (&url.URL{Path: filepath.ToSlash(abs)}).EscapedPath()
	return "file:" + p +
		"?_pragma=busy_timeout(10000)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)" +
		"&_txlock=immediate"
}

// readOnlyDSN builds the SQLite URI of a read-only handle: no journal mode
// is set (switching to WAL writes), and query_only refuses any write a
// caller attempts by mistake. immutable tells SQLite that nobody writes
// the file, so that it reads it without the shared-memory file.
func readOnlyDSN(abs string, immutable bool) string {
	p := (&url.URL{Path: filepath.ToSlash(abs)}).EscapedPath()
	dsn := "file:" + p + "?mode=ro"
	if immutable {
		dsn += "&immutable=1"
	}
	return dsn +
		"&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=query_only(1)"
}

// Ping checks that the database answers, for the health check.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.sql.PingContext(ctx); err != nil {
		return fmt.Errorf("data: ping: %w", err)
	}
	return nil
}

// Close releases the database file.
func (db *DB) Close() error {
	// A write under way finishes first, with its statements.
	db.writeSem <- struct{}{}
	db.stmts.mu.Lock()
	for _, s := range db.stmts.m {
		s.Close()
	}
	db.stmts.m, db.stmts.closed = nil, true
	db.stmts.mu.Unlock()
	if db.writer != nil {
		db.writer.Close()
		db.writer = nil
	}
	<-db.writeSem
	if err := db.sql.Close(); err != nil {
		return fmt.Errorf("data: close %s: %w", db.path, err)
	}
	return nil
}

// Path returns the absolute path of the database file, for messages.
func (db *DB) Path() string { return db.path }

// write runs fn in one write transaction (BEGIN IMMEDIATE, from the DSN) and
// commits it when fn returns nil.
func (db *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	select {
	case db.writeSem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-db.writeSem }()
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	err = fn(tx)
	if err == nil {
		err = tx.Commit()
	} else {
		tx.Rollback()
	}
	if err != nil {
		// A statement interrupted by its context can leave the
		// connection unusable; given back, the pool checks it and
		// drops it if so, and the next write takes another.
		db.writer.Close()
		db.writer = nil
	}
	return err
}

// beginWrite begins a transaction on the writer connection, taking one from
// the pool at the first call, and again if the one held was closed or went
// bad before the transaction began. The caller holds writeSem.
func (db *DB) beginWrite(ctx context.Context) (*sql.Tx, error) {
	for try := 0; ; try++ {
		if db.writer == nil {
			c, err := db.sql.Conn(ctx)
			if err != nil {
				return nil, err
			}
			db.writer = c
		}
		// The transaction ignores ctx: database/sql would otherwise roll
		// it back from another goroutine when ctx ends, possibly after
		// write returned and the next write began on this connection.
		// Its statements still take ctx, and write rolls back at once
		// when one fails.
		tx, err := db.writer.BeginTx(context.WithoutCancel(ctx), nil)
		if try == 0 && (errors.Is(err, sql.ErrConnDone) || errors.Is(err, driver.ErrBadConn)) {
			db.writer.Close()
			db.writer = nil
			continue
		}
		return tx, err
	}
}

// migration is one embedded schema file, numbered by its name's prefix.
type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		prefix, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(prefix)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration file %s: name must start with a positive number and '_'", name)
		}
		b, err := migrationFiles.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migration files %s and %s share version %d", ms[i-1].name, ms[i].name, ms[i].version)
		}
	}
	return ms, nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL DEFAULT '',
    applied_at TEXT    NOT NULL
) STRICT`

// migrate applies the embedded migrations the file has not seen yet, each in
// its own transaction together with its schema_migrations row. A process that
// finds everything applied takes no write lock, so `check` starting while
// `serve` writes does not contend at all.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	known := map[int]bool{}
	for _, m := range ms {
		known[m.version] = true
	}
	applied, err := db.appliedMigrations(ctx)
	if err != nil {
		return err
	}
	if err := checkApplied(applied, known, ms); err != nil {
		return err
	}
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		err := db.write(ctx, func(tx *sql.Tx) error {
			// Another process may have applied it since we looked.
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, formatTime(db.now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("apply migration %s: %w", m.name, err)
		}
	}
	return nil
}

func (db *DB) appliedMigrations(ctx context.Context) (map[int]bool, error) {
	var exists int
	err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&exists)
	if err != nil {
		return nil, err
	}
	if exists == 0 {
		if err := db.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, createMigrationsTable)
			return err
		}); err != nil {
			return nil, fmt.Errorf("create schema_migrations: %w", err)
		}
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		applied[v] = true
	}
	return applied, rows.Err()
}

// checkApplied refuses a database that a newer clausewatch has migrated:
// running old code against a newer schema could write rows the new code does
// not expect.
func checkApplied(applied, known map[int]bool, ms []migration) error {
	var unknown []int
	for v := range applied {
		if !known[v] {
			unknown = append(unknown, v)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Ints(unknown)
	latest := 0
	if len(ms) > 0 {
		latest = ms[len(ms)-1].version
	}
	return fmt.Errorf("database schema has migration %d, but this clausewatch knows migrations only up to %d: "+
		"it was written by a newer clausewatch; run that version, or restore a backup taken before the upgrade",
		unknown[len(unknown)-1], latest)
}

// queryer is what both *sql.DB and *sql.Tx offer, so that lookups run inside
// or outside a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// errCorrupt marks stored data that does not decode or does not match its
// recorded sha256.
var errCorrupt = errors.New("stored data is damaged; restore the database from a backup")
