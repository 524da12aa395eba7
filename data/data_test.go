package data

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/policy"
)

// t0 is the start of every test history.
var t0 = time.Date(2021, 1, 4, 10, 20, 30, 123456789, time.UTC)

// clock returns a fixed bookkeeping clock; fetch times come from the
// observations themselves.
func clock() func() time.Time {
	return func() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }
}

func openAt(t testing.TB, path string) *DB {
	t.Helper()
	db, err := Open(context.Background(), path, clock())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// openTest opens a fresh database with the documents "wa" and "fb".
func openTest(t testing.TB) *DB {
	t.Helper()
	db := openAt(t, filepath.Join(t.TempDir(), "cw.db"))
	err := db.SyncDocuments(context.Background(), []Document{
		{ID: "wa", URL: "https://www.whatsapp.com/legal/privacy-policy", Service: "WhatsApp", Title: "Privacy Policy"},
		{ID: "fb", URL: "https://www.facebook.com/privacy/policy", Service: "Meta", Title: "Privacy Policy"},
	})
	if err != nil {
		t.Fatalf("SyncDocuments: %v", err)
	}
	return db
}

func count(t testing.TB, db *DB, table string) int {
	t.Helper()
	var n int
	if err := db.sql.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func TestOpenMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cw.db")
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].version != 1 {
		t.Fatalf("migrations = %+v, want 0001 first", ms)
	}

	db, err := Open(ctx, path, func() time.Time { return t0 })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file not created: %v", err)
	}
	if err := db.SyncDocuments(ctx, []Document{{ID: "wa", URL: "https://example.com"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// Reopening applies nothing again and keeps the data.
	db, err = Open(ctx, path, func() time.Time { return t0.Add(time.Hour) })
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if n := count(t, db, "schema_migrations"); n != len(ms) {
		t.Errorf("schema_migrations has %d rows, want %d", n, len(ms))
	}
	var appliedAt string
	if err := db.sql.QueryRow(`SELECT applied_at FROM schema_migrations WHERE version = 1`).Scan(&appliedAt); err != nil {
		t.Fatal(err)
	}
	if appliedAt != formatTime(t0) {
		t.Errorf("applied_at = %s, want the first open's %s", appliedAt, formatTime(t0))
	}
	docs, err := db.Documents(ctx)
	if err != nil || len(docs) != 1 {
		t.Fatalf("Documents after reopen = %v, %v", docs, err)
	}

	var mode string
	if err := db.sql.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := db.sql.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
	// 0003_alerts adds the alert tables.
	for _, table := range []string{"subscribers", "subscriptions", "webhooks", "deliveries", "settings"} {
		var n int
		db.sql.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, table).Scan(&n)
		if n != 1 {
			t.Errorf("table %s is missing after the migrations", table)
		}
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cw.db")
	db := openAt(t, path)
	if _, err := db.sql.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', ?)`, formatTime(t0)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err := Open(ctx, path, clock())
	if err == nil {
		t.Fatal("Open succeeded on a database migrated by a newer clausewatch")
	}
	for _, want := range []string{"data: open", "9999", "newer clausewatch"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name string
		path string
		want string
	}{
		{"empty path", "", "--db"},
		{"missing directory", filepath.Join(t.TempDir(), "nope", "cw.db"), "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(context.Background(), tt.path, clock())
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestOpenOddFileName(t *testing.T) {
	// '?', '#', '%' and spaces must reach the file system as typed, not be
	// taken for URI syntax.
	path := filepath.Join(t.TempDir(), "my db?x=1#frag%20.sqlite")
	db := openAt(t, path)
	if err := db.SyncDocuments(context.Background(), []Document{{ID: "wa", URL: "https://example.com"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("file not created at the given path: %v", err)
	}
}

func TestOpenConcurrentFresh(t *testing.T) {
	// serve and a cron check may both be the first to open a new file.
	path := filepath.Join(t.TempDir(), "cw.db")
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := Open(context.Background(), path, clock())
			if err == nil {
				err = db.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		}
	}
	db := openAt(t, path)
	ms, _ := loadMigrations()
	if n := count(t, db, "schema_migrations"); n != len(ms) {
		t.Errorf("schema_migrations has %d rows, want %d", n, len(ms))
	}
}

func TestSyncDocuments(t *testing.T) {
	ctx := context.Background()
	db := openAt(t, filepath.Join(t.TempDir(), "cw.db"))
	first := []Document{
		{ID: "wa", URL: "https://www.whatsapp.com/legal/privacy-policy", Service: "WhatsApp", Title: "Privacy Policy", Region: "global", Language: "en"},
		{ID: "ig", URL: "https://privacycenter.instagram.com/policy", Service: "Instagram", Browser: true},
	}
	if err := db.SyncDocuments(ctx, first); err != nil {
		t.Fatal(err)
	}
	// The second configuration renames one document and drops the other.
	second := []Document{{ID: "wa", URL: "https://www.whatsapp.com/legal/privacy-policy", Service: "WhatsApp", Title: "WhatsApp Privacy Policy", Region: "global", Language: "en"}}
	if err := db.SyncDocuments(ctx, second); err != nil {
		t.Fatal(err)
	}
	got, err := db.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []Document{first[1], second[0]} // by id; the dropped one stays
	if len(got) != len(want) {
		t.Fatalf("Documents = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Documents[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	d, err := db.Document(ctx, "ig")
	if err != nil || !d.Browser {
		t.Errorf("Document(ig) = %+v, %v", d, err)
	}
	if _, err := db.Document(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Document(nope) error = %v, want ErrNotFound", err)
	}

	bad := []struct {
		name string
		docs []Document
		want string
	}{
		{"no id", []Document{{URL: "https://example.com"}}, "document 1 has no id"},
		{"no url", []Document{{ID: "x"}}, `document "x" has no url`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			err := db.SyncDocuments(ctx, tt.docs)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("SyncDocuments error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestTimeFormatSorts(t *testing.T) {
	a := formatTime(time.Date(2021, 1, 4, 10, 0, 0, 5, time.UTC))
	b := formatTime(time.Date(2021, 1, 4, 10, 0, 0, 40, time.FixedZone("x", 0)))
	c := formatTime(time.Date(2021, 1, 4, 11, 0, 0, 0, time.FixedZone("CET", 3600*2)))
	if !(a < b && c < a) {
		t.Errorf("formatted times do not sort: %s %s %s", a, b, c)
	}
	if len(a) != len(timeLayout) || len(c) != len(timeLayout) {
		t.Errorf("formatted times are not fixed width: %s %s", a, c)
	}
	back, err := parseTime(b)
	if err != nil || !back.Equal(time.Date(2021, 1, 4, 10, 0, 0, 40, time.UTC)) || back.Location() != time.UTC {
		t.Errorf("parseTime(%s) = %v, %v", b, back, err)
	}
}

// doc builds a candidate document from paragraph texts under one heading.
func doc(texts ...string) *policy.Document {
	d := &policy.Document{Blocks: []policy.Block{{Kind: policy.Heading, Level: 1, Text: "Privacy Policy"}}}
	for _, s := range texts {
		d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Paragraph, Path: []string{"Privacy Policy"}, Text: s})
	}
	return d
}

// TestOpenReadOnly opens databases for the commands that only read: no
// file is created, no migration applied, no write accepted, and a schema
// behind or ahead of this clausewatch is refused with a reason.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		prepare func(t *testing.T, path string) // nil: no file at all
		wantErr error
		wantMsg string
	}{
		{name: "no file", wantErr: ErrNoDatabase},
		{name: "current schema", prepare: func(t *testing.T, path string) { openAt(t, path).Close() }},
		{name: "schema behind", prepare: func(t *testing.T, path string) {
			db := openAt(t, path)
			if _, err := db.sql.Exec(`DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`); err != nil {
				t.Fatal(err)
			}
			db.Close()
		}, wantErr: ErrSchemaBehind, wantMsg: "latest applied"},
		{name: "schema of a newer clausewatch", prepare: func(t *testing.T, path string) {
			db := openAt(t, path)
			if _, err := db.sql.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', ?)`, formatTime(t0)); err != nil {
				t.Fatal(err)
			}
			db.Close()
		}, wantMsg: "newer clausewatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cw.db")
			var migrations int
			if tt.prepare != nil {
				tt.prepare(t, path)
				migrations = countMigrations(t, path)
			}
			db, err := OpenReadOnly(ctx, path, clock())
			if tt.wantErr != nil || tt.wantMsg != "" {
				if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) || !strings.Contains(err.Error(), tt.wantMsg) || !strings.Contains(err.Error(), "read-only") {
					t.Fatalf("OpenReadOnly error %v, want %v mentioning %q", err, tt.wantErr, tt.wantMsg)
				}
			} else if err != nil {
				t.Fatal(err)
			} else {
				defer db.Close()
				if _, err := db.Versions(ctx, "wa"); err != nil {
					t.Errorf("a read failed: %v", err)
				}
				if err := db.SyncDocuments(ctx, []Document{{ID: "wa", URL: "https://example.org/"}}); err == nil {
					t.Error("a write through a read-only handle succeeded")
				}
			}
			if tt.prepare == nil {
				if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("the file was created: %v", err)
				}
			} else if n := countMigrations(t, path); n != migrations {
				t.Errorf("%d migrations recorded after a read-only open, want %d as before", n, migrations)
			}
		})
	}
}

// countMigrations counts the migrations recorded in the file at path,
// through a read-only handle of its own.
func countMigrations(t *testing.T, path string) int {
	t.Helper()
	sqldb, err := sql.Open("sqlite", readOnlyDSN(path, false))
	if err != nil {
		t.Fatal(err)
	}
	defer sqldb.Close()
	var n int
	if err := sqldb.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestWriterConnection checks that a handle's writes share one connection,
// that a write whose context ends midway is undone whole before the next
// write begins, and that writes go on after the connection they ran on was
// closed under the handle.
func TestWriterConnection(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	exec := func(tx *sql.Tx, ctx context.Context, q string) error {
		_, err := tx.ExecContext(ctx, q)
		return err
	}
	t.Run("one connection", func(t *testing.T) {
		// A TEMP table lives on the connection that made it.
		if err := db.write(ctx, func(tx *sql.Tx) error { return exec(tx, ctx, `CREATE TEMP TABLE scratch (n INTEGER)`) }); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			// A read holds the connection the pool would hand out next.
			rows, err := db.sql.QueryContext(ctx, `SELECT 1`)
			if err != nil {
				t.Fatal(err)
			}
			err = db.write(ctx, func(tx *sql.Tx) error { return exec(tx, ctx, `INSERT INTO scratch VALUES (1)`) })
			rows.Close()
			if err != nil {
				t.Fatalf("a later write does not run on the first one's connection: %v", err)
			}
		}
	})
	t.Run("context ends midway", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		err := db.write(cctx, func(tx *sql.Tx) error {
			if err := exec(tx, cctx, `INSERT INTO settings (key, value, created_at) VALUES ('half', x'00', '')`); err != nil {
				return err
			}
			cancel()
			return exec(tx, cctx, `INSERT INTO settings (key, value, created_at) VALUES ('other half', x'00', '')`)
		})
		if err == nil {
			t.Fatal("a write whose context ended midway succeeded")
		}
		err = db.write(ctx, func(tx *sql.Tx) error {
			return exec(tx, ctx, `INSERT INTO settings (key, value, created_at) VALUES ('next', x'00', '')`)
		})
		if err != nil {
			t.Fatalf("the write after it: %v", err)
		}
		var keys []string
		rows, err := db.sql.QueryContext(ctx, `SELECT key FROM settings WHERE key IN ('half', 'other half', 'next') ORDER BY key`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				t.Fatal(err)
			}
			keys = append(keys, k)
		}
		if !slices.Equal(keys, []string{"next"}) {
			t.Errorf("stored %q; want the next write only, the cancelled one undone whole", keys)
		}
	})
	t.Run("connection closed", func(t *testing.T) {
		if err := db.writer.Close(); err != nil {
			t.Fatal(err)
		}
		if err := db.SyncDocuments(ctx, []Document{{ID: "ig", URL: "https://www.instagram.com/legal/privacy/"}}); err != nil {
			t.Fatalf("write after the writer connection closed: %v", err)
		}
		if _, err := db.Document(ctx, "ig"); err != nil {
			t.Fatalf("document written on the new connection: %v", err)
		}
	})
}
