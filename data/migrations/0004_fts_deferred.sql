-- 0004_fts_deferred: the full-text index is brought up to date by the
-- search that reads it, instead of by a trigger on every new text.
--
-- With the trigger, every version that added a clause flushed a new FTS5
-- segment in its transaction and merged segments now and then: about a
-- tenth of the time of recording a version of a long policy, paid by every
-- check and import although searches are rare. texts rows are only ever
-- inserted, with increasing ids, so the texts with an id above
-- texts_fts_state.indexed_through are exactly those the index lacks;
-- data.Search adds them, in one transaction, before it searches.

DROP TRIGGER texts_fts_insert;

CREATE TABLE texts_fts_state (
    indexed_through INTEGER NOT NULL -- texts.id: every text up to it is in texts_fts
) STRICT;

-- The trigger kept the index complete until now.
INSERT INTO texts_fts_state (indexed_through) SELECT ifnull(max(id), 0) FROM texts;
