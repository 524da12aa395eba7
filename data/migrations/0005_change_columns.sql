-- 0005_change_columns: a change's summary counts and effective dates as
-- columns, so that listings (timelines, the API, feeds) read them without
-- parsing the change set JSON, which for a rewrite is hundreds of
-- kilobytes. Topics and severity were columns already. Existing changes are
-- filled from their stored change sets.

ALTER TABLE changes ADD COLUMN added         INTEGER NOT NULL DEFAULT 0;
ALTER TABLE changes ADD COLUMN removed       INTEGER NOT NULL DEFAULT 0;
ALTER TABLE changes ADD COLUMN modified      INTEGER NOT NULL DEFAULT 0;
ALTER TABLE changes ADD COLUMN moved         INTEGER NOT NULL DEFAULT 0;
ALTER TABLE changes ADD COLUMN split         INTEGER NOT NULL DEFAULT 0;
ALTER TABLE changes ADD COLUMN merged        INTEGER NOT NULL DEFAULT 0;
ALTER TABLE changes ADD COLUMN unchanged     INTEGER NOT NULL DEFAULT 0;
ALTER TABLE changes ADD COLUMN effective_old TEXT    NOT NULL DEFAULT '';
ALTER TABLE changes ADD COLUMN effective_new TEXT    NOT NULL DEFAULT '';

UPDATE changes SET
    added         = coalesce(json_extract(change_set, '$.summary.added'), 0),
    removed       = coalesce(json_extract(change_set, '$.summary.removed'), 0),
    modified      = coalesce(json_extract(change_set, '$.summary.modified'), 0),
    moved         = coalesce(json_extract(change_set, '$.summary.moved'), 0),
    split         = coalesce(json_extract(change_set, '$.summary.split'), 0),
    merged        = coalesce(json_extract(change_set, '$.summary.merged'), 0),
    unchanged     = coalesce(json_extract(change_set, '$.summary.unchanged'), 0),
    effective_old = coalesce(json_extract(change_set, '$.effective_date.old'), ''),
    effective_new = coalesce(json_extract(change_set, '$.effective_date.new'), '')
WHERE json_valid(change_set);
