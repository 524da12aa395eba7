-- 0008_change_state: whether a change has settled, and whether it only
-- showed or hid part of the page.
--
-- state is 'settling' while the pipeline waits to see the new text again
-- (a page that flips back within the window alerts nobody), 'settled' once
-- it has, and 'transient' when another version replaced it first. A change
-- alerts (alert = 1, deliveries queued) only once settled, in the
-- transaction that settles it. capture is '' for an edit, 'presentation'
-- or 'variation' for a change that only showed or hid a block of the page
-- (diff.CaptureKind). Changes recorded before this existed are settled
-- edits, as they were treated.

ALTER TABLE changes ADD COLUMN state      TEXT NOT NULL DEFAULT 'settled'
    CHECK (state IN ('settling', 'settled', 'transient'));
ALTER TABLE changes ADD COLUMN capture    TEXT NOT NULL DEFAULT '';
ALTER TABLE changes ADD COLUMN settled_at TEXT;

-- The pipeline asks, on every fetch, whether the document's latest change
-- is still settling.
CREATE INDEX changes_settling ON changes (document_id) WHERE state = 'settling';
