-- 0007_fetch_text: the sha256 of the canonical text each fetch read, so that
-- a text the gates held back (shrunk or grown) can be confirmed by the fetch
-- log itself: the same text on consecutive fetches over a long enough time
-- becomes a version. The log is shared by every process (`check` from cron,
-- `serve`) and survives restarts, which memory would not. Empty for fetches
-- that read no text and for those recorded before this column existed;
-- fetches that made or confirmed a version get their version's hash.

ALTER TABLE fetches ADD COLUMN text_sha256 TEXT NOT NULL DEFAULT '';

UPDATE fetches SET text_sha256 = coalesce((SELECT sha256 FROM versions v WHERE v.id = fetches.version_id), '')
WHERE version_id IS NOT NULL AND outcome IN ('new-version', 'unchanged');
