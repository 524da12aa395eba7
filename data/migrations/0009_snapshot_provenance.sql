-- 0009_snapshot_provenance: where a snapshot's bytes came from, so that a
-- page can cite an archived copy as what it is. A live fetch (imported = 0)
-- is cited by its URL and HTTP status. An imported file (imported = 1) is
-- a copy another archive fetched: url is the page it was fetched from (the
-- document's address, never a local path), archive names who fetched it
-- (e.g. 'Open Terms Archive', '' when unknown), archive_url links to the
-- copy in that archive ('' when unknown) and archive_license is the licence
-- the archive publishes it under (e.g. 'ODC-By 1.0').

ALTER TABLE snapshots ADD COLUMN imported        INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1));
ALTER TABLE snapshots ADD COLUMN archive         TEXT    NOT NULL DEFAULT '';
ALTER TABLE snapshots ADD COLUMN archive_url     TEXT    NOT NULL DEFAULT '';
ALTER TABLE snapshots ADD COLUMN archive_license TEXT    NOT NULL DEFAULT '';

-- Imports before this migration stored the local file as file:///path. The
-- path says nothing to a reader and leaks the operator's disk layout: those
-- rows become imported copies of the document's address. The extension is
-- kept as the content type, which is how a later re-extraction knows a
-- Markdown copy from an HTML one (it read the path before).
UPDATE snapshots SET
    imported = 1,
    content_type = CASE
        WHEN content_type <> '' THEN content_type
        WHEN lower(url) LIKE '%.md' OR lower(url) LIKE '%.markdown' THEN 'text/markdown'
        WHEN lower(url) LIKE '%.html' OR lower(url) LIKE '%.htm' OR lower(url) LIKE '%.xhtml' THEN 'text/html'
        WHEN lower(url) LIKE '%.txt' THEN 'text/plain'
        ELSE '' END,
    url = coalesce((SELECT d.url FROM documents d WHERE d.id = snapshots.document_id), '')
WHERE url LIKE 'file://%';

UPDATE fetches SET
    url = coalesce((SELECT d.url FROM documents d WHERE d.id = fetches.document_id), ''),
    final_url = coalesce((SELECT d.url FROM documents d WHERE d.id = fetches.document_id), '')
WHERE url LIKE 'file://%';
