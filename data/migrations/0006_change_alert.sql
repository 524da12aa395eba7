-- 0006_change_alert: whether a change alerts subscribers, and its sharing
-- deltas (who gets which data, as diff.SharingDelta JSON), as columns, so
-- that listings, feeds and the API say what matters without parsing the
-- change set. Changes classified before these existed alert when they are
-- material and have a topic; `clausewatch reclassify` gives them the
-- current rules' answer.

ALTER TABLE changes ADD COLUMN alert   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE changes ADD COLUMN sharing TEXT    NOT NULL DEFAULT '[]';

UPDATE changes SET
    alert   = coalesce(json_extract(change_set, '$.alert'), material AND topics <> '[]'),
    sharing = coalesce(json_extract(change_set, '$.sharing'), '[]')
WHERE json_valid(change_set);
