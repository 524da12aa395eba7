-- 0013_change_topics: each change's topics, one row per topic.
--
-- A topic's page, its feeds and the API's ?topic= listed changes by
-- testing the JSON array in changes.topics row by row, newest first, until
-- a page was full: for a topic few changes touch, that read every change
-- of every document, and with each row the start of its stored change set.
-- These rows are in each topic's order of detection, so such a listing
-- reads its own rows and stops at its LIMIT. Triggers keep them in step
-- with changes.topics and detected_at, whoever writes those: recording,
-- reclassification, or someone mending a row by hand. Only the strings of
-- a valid array are topics, as the JSON filter they replace matched.
CREATE TABLE change_topics (
    topic     TEXT    NOT NULL,
    at        TEXT    NOT NULL, -- changes.detected_at
    change_id INTEGER NOT NULL REFERENCES changes(id),
    PRIMARY KEY (topic, at, change_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX change_topics_by_change ON change_topics (change_id);

INSERT OR IGNORE INTO change_topics (topic, at, change_id)
SELECT j.value, c.detected_at, c.id FROM changes AS c, json_each(c.topics) AS j
WHERE json_valid(c.topics) AND j.type = 'text';

CREATE TRIGGER change_topics_insert AFTER INSERT ON changes BEGIN
    INSERT OR IGNORE INTO change_topics (topic, at, change_id)
    SELECT value, NEW.detected_at, NEW.id FROM json_each(NEW.topics)
    WHERE json_valid(NEW.topics) AND type = 'text';
END;

CREATE TRIGGER change_topics_update AFTER UPDATE OF topics, detected_at ON changes BEGIN
    DELETE FROM change_topics WHERE change_id = OLD.id;
    INSERT OR IGNORE INTO change_topics (topic, at, change_id)
    SELECT value, NEW.detected_at, NEW.id FROM json_each(NEW.topics)
    WHERE json_valid(NEW.topics) AND type = 'text';
END;
