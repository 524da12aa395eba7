-- 0011_fetch_validators: the validators of a document's last full fetch.
--
-- Every check asks for the ETag and Last-Modified of the document's last
-- fetch that read a whole page (new-version or unchanged), to make the
-- request conditional. A page answering 304 for a year leaves hundreds of
-- not-modified fetches in front of that row; this index holds only the
-- fetches that can answer, so the look-up stays one step however long the
-- log grows.
CREATE INDEX fetches_validators ON fetches (document_id, started_at, id)
    WHERE outcome IN ('new-version', 'unchanged');
