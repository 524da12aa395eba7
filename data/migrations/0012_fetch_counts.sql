-- 0012_fetch_counts: how many fetches the log holds of each outcome, kept as
-- it grows.
--
-- /metrics counted the fetch log by outcome on every scrape, through
-- fetches_by_outcome: a year of checks of 20,000 documents is tens of
-- millions of rows to count every few seconds. A count per outcome, bumped
-- in the transaction that records each fetch, answers at once, and the
-- index, one more page written with every fetch, goes.
CREATE TABLE fetch_counts (
    outcome TEXT    NOT NULL PRIMARY KEY,
    n       INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO fetch_counts (outcome, n) SELECT outcome, count(*) FROM fetches GROUP BY outcome;

DROP INDEX fetches_by_outcome;
