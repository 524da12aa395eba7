-- 0002_search: full-text search over every version's clauses.
--
-- texts_fts indexes the texts table (each distinct clause or heading string,
-- stored once) with FTS5; it is an external-content table, so the strings
-- are not stored twice. texts rows are never updated or deleted, so an
-- insert trigger keeps the index complete.
--
-- version_texts says which versions contain which text, so a search answers
-- "which versions contain this phrase, first and last seen when". It holds
-- spans, not one row per clause per version: a row says that the document's
-- versions from from_version up to, not including, until_version contain
-- the (non-empty) block text text_id, in the order of the document's
-- versions by (fetched_at, id); until_version is NULL while the latest
-- version still contains it. A text removed and later restored has two
-- rows. Versions of a document are recorded in that order (Record refuses
-- older fetches with ErrOutOfOrder), so a new version only adds rows for
-- the texts it adds and closes the rows of the texts it drops: a one-word
-- edit of a 2000-clause policy writes two rows instead of 2000.
--
-- Record maintains the spans of a document whose spans are complete (it
-- has some, or none of its versions has any text), in the version's
-- transaction (data/search.go, indexVersion). A document with texts but no
-- spans (versions recorded before this migration, or spans deleted to
-- rebuild them) is indexed whole by the first search (IndexSearch), since
-- the block lists are binary and decoded in Go.

CREATE VIRTUAL TABLE texts_fts USING fts5(
    text,
    content = 'texts',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO texts_fts (texts_fts) VALUES ('rebuild');

CREATE TRIGGER texts_fts_insert AFTER INSERT ON texts BEGIN
    INSERT INTO texts_fts (rowid, text) VALUES (new.id, new.text);
END;

-- No foreign keys: versions and texts are never deleted, and the first
-- version of a document inserts a row per clause here, each of which a key
-- would check.
CREATE TABLE version_texts (
    document_id   TEXT    NOT NULL,           -- documents.id
    text_id       INTEGER NOT NULL,           -- texts.id
    from_version  INTEGER NOT NULL,           -- versions.id: the first version of the span
    until_version INTEGER,                    -- versions.id: the first later version without the text; NULL: none yet
    PRIMARY KEY (document_id, text_id, from_version)
) STRICT, WITHOUT ROWID;
CREATE INDEX version_texts_by_text ON version_texts (text_id);
