-- 0002_search: full-text search over every version's clauses.
--
-- texts_fts indexes the texts table (each distinct clause or heading string,
-- stored once) with FTS5; it is an external-content table, so the strings
-- are not stored twice. texts rows are never updated or deleted, so an
-- insert trigger keeps the index complete.
--
-- version_texts says which versions contain which text, so a search answers
-- "which versions contain this phrase, first and last seen when". Record
-- fills it for every new version (data/search.go, indexVersionTexts); rows
-- for versions recorded before this migration are added by the first search
-- (IndexSearch), since the block lists are binary and decoded in Go.

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

-- No foreign keys: versions and texts are never deleted, and recording a
-- version inserts hundreds of rows here, each of which a key would check.
CREATE TABLE version_texts (
    version_id INTEGER NOT NULL,              -- versions.id
    text_id    INTEGER NOT NULL,              -- texts.id
    PRIMARY KEY (version_id, text_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX version_texts_by_text ON version_texts (text_id, version_id);
