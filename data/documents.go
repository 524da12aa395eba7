package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Document is one watched policy page as configured. It is stored so that
// history pages can name documents that have since left the configuration.
type Document struct {
	ID, URL, Service, Title, Region, Language string
	// Browser says the page is rendered with headless Chromium.
	Browser bool
}

// SyncDocuments inserts or updates the configured documents. It never deletes
// one: a document dropped from the configuration keeps its history.
func (db *DB) SyncDocuments(ctx context.Context, docs []Document) error {
	for i, d := range docs {
		if d.ID == "" {
			return fmt.Errorf("data: sync documents: document %d has no id", i+1)
		}
		if d.URL == "" {
			return fmt.Errorf("data: sync documents: document %q has no url", d.ID)
		}
	}
	const q = `INSERT INTO documents (id, url, service, title, region, language, browser, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    url = excluded.url, service = excluded.service, title = excluded.title,
    region = excluded.region, language = excluded.language, browser = excluded.browser,
    updated_at = excluded.updated_at
WHERE (url, service, title, region, language, browser) IS NOT
      (excluded.url, excluded.service, excluded.title, excluded.region, excluded.language, excluded.browser)`
	now := formatTime(db.now())
	err := db.write(ctx, func(tx *sql.Tx) error {
		for _, d := range docs {
			if _, err := tx.ExecContext(ctx, q, d.ID, d.URL, d.Service, d.Title, d.Region, d.Language, d.Browser, now, now); err != nil {
				return fmt.Errorf("document %q: %w", d.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("data: sync documents: %w", err)
	}
	return nil
}

// Documents returns every stored document, configured or not, by id.
func (db *DB) Documents(ctx context.Context) ([]Document, error) {
	const q = `SELECT id, url, service, title, region, language, browser FROM documents ORDER BY id`
	rows, err := db.sql.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("data: list documents: %w", err)
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		var d Document
		if err := rows.Scan(&d.ID, &d.URL, &d.Service, &d.Title, &d.Region, &d.Language, &d.Browser); err != nil {
			return nil, fmt.Errorf("data: list documents: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: list documents: %w", err)
	}
	return out, nil
}

// Document returns one stored document, or ErrNotFound.
func (db *DB) Document(ctx context.Context, id string) (*Document, error) {
	const q = `SELECT id, url, service, title, region, language, browser FROM documents WHERE id = ?`
	var d Document
	err := db.sql.QueryRowContext(ctx, q, id).Scan(&d.ID, &d.URL, &d.Service, &d.Title, &d.Region, &d.Language, &d.Browser)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("data: document %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("data: document %q: %w", id, err)
	}
	return &d, nil
}
