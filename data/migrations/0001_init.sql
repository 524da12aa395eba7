-- 0001_init: documents, every fetch attempt, raw snapshots, versions and changes.
-- Times are RFC 3339 UTC text with a fixed width ("2006-01-02T15:04:05.000000000Z")
-- so that comparing the text orders them correctly.

CREATE TABLE documents (
    id         TEXT    NOT NULL PRIMARY KEY,
    url        TEXT    NOT NULL,
    service    TEXT    NOT NULL DEFAULT '',
    title      TEXT    NOT NULL DEFAULT '',
    region     TEXT    NOT NULL DEFAULT '',
    language   TEXT    NOT NULL DEFAULT '',
    browser    INTEGER NOT NULL DEFAULT 0,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
) STRICT;

-- Raw responses, byte for byte, compressed. One row per distinct body of a
-- document: a second identical body reuses the row. A body is stored either
-- whole (encoding 'gzip', a keyframe: base_id NULL, depth 0) or as a delta
-- (encoding 'delta': raw DEFLATE of copy/literal ops) against base_id, an
-- earlier snapshot of the same document, with depth = base's depth + 1 < 32,
-- so at most 32 rows rebuild any body. Snapshots are never deleted.
CREATE TABLE snapshots (
    id           INTEGER NOT NULL PRIMARY KEY,
    document_id  TEXT    NOT NULL REFERENCES documents(id),
    sha256       TEXT    NOT NULL,            -- hex sha256 of the uncompressed body
    url          TEXT    NOT NULL,
    status       INTEGER NOT NULL,
    headers      TEXT    NOT NULL DEFAULT '{}', -- JSON object of the response headers
    content_type TEXT    NOT NULL DEFAULT '',
    fetched_at   TEXT    NOT NULL,            -- first time this body was seen
    size         INTEGER NOT NULL,            -- uncompressed length
    encoding     TEXT    NOT NULL DEFAULT 'gzip' CHECK (encoding IN ('gzip', 'delta')),
    base_id      INTEGER REFERENCES snapshots(id),
    depth        INTEGER NOT NULL DEFAULT 0 CHECK (depth >= 0 AND depth < 32),
    body         BLOB    NOT NULL,
    UNIQUE (document_id, sha256),
    CHECK ((encoding = 'gzip') = (base_id IS NULL))
) STRICT;
CREATE INDEX snapshots_by_document ON snapshots (document_id, id);

-- Every distinct string of every version (a block's normalized text, or a
-- heading in a block's path), stored once whatever the number of versions
-- or documents that contain it. Rows are never deleted or changed: versions
-- refer to them by id.
CREATE TABLE texts (
    id     INTEGER NOT NULL PRIMARY KEY,
    sha256 BLOB    NOT NULL UNIQUE,           -- sha256 of text (32 bytes)
    text   TEXT    NOT NULL
) STRICT;

-- Versions: a document's clauses whenever its canonical text changed. blocks
-- refers to texts by id (compact binary, see data/internal/blocklist); the
-- canonical text is rebuilt from them (the non-empty block texts, one per
-- line) and checked against sha256 and text_length.
CREATE TABLE versions (
    id          INTEGER NOT NULL PRIMARY KEY,
    document_id TEXT    NOT NULL REFERENCES documents(id),
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
    fetched_at  TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,             -- hex sha256 of the canonical text
    text_length INTEGER NOT NULL,             -- bytes of the canonical text
    blocks      BLOB    NOT NULL,             -- kind, level, path and text of each block, by texts.id
    recorded_at TEXT    NOT NULL,
    UNIQUE (document_id, fetched_at, sha256)
) STRICT;
CREATE INDEX versions_by_document ON versions (document_id, fetched_at, id);

-- Changes between consecutive versions, with the stored diff so that pages
-- and alerts never recompute it. to_version is unique: a change is recorded
-- once and reclassification updates the row in place.
CREATE TABLE changes (
    id                 INTEGER NOT NULL PRIMARY KEY,
    document_id        TEXT    NOT NULL REFERENCES documents(id),
    from_version       INTEGER NOT NULL REFERENCES versions(id),
    to_version         INTEGER NOT NULL UNIQUE REFERENCES versions(id),
    detected_at        TEXT    NOT NULL,
    material           INTEGER NOT NULL,
    topics             TEXT    NOT NULL DEFAULT '[]', -- JSON array of topic names
    severity           TEXT    NOT NULL DEFAULT '',
    change_set         TEXT    NOT NULL,              -- JSON diff.ChangeSet
    classifier_version TEXT    NOT NULL DEFAULT '',
    recorded_at        TEXT    NOT NULL
) STRICT;
CREATE INDEX changes_by_document ON changes (document_id, detected_at, id);
CREATE INDEX changes_by_time ON changes (detected_at, id);

-- Every fetch attempt, whatever its outcome, with the reason when it failed.
CREATE TABLE fetches (
    id            INTEGER NOT NULL PRIMARY KEY,
    document_id   TEXT    NOT NULL REFERENCES documents(id),
    started_at    TEXT    NOT NULL,
    duration_ns   INTEGER NOT NULL DEFAULT 0,
    url           TEXT    NOT NULL,
    final_url     TEXT    NOT NULL DEFAULT '',
    redirects     TEXT    NOT NULL DEFAULT '[]', -- JSON array of URLs
    status        INTEGER NOT NULL DEFAULT 0,
    bytes         INTEGER NOT NULL DEFAULT 0,
    conditional   INTEGER NOT NULL DEFAULT 0,
    outcome       TEXT    NOT NULL,
    error_class   TEXT    NOT NULL DEFAULT '',
    reason        TEXT    NOT NULL DEFAULT '',
    snapshot_id   INTEGER REFERENCES snapshots(id),
    version_id    INTEGER REFERENCES versions(id),
    etag          TEXT    NOT NULL DEFAULT '', -- validators of this response, for conditional GET
    last_modified TEXT    NOT NULL DEFAULT '',
    recorded_at   TEXT    NOT NULL
) STRICT;
CREATE INDEX fetches_by_document ON fetches (document_id, started_at, id);
