-- 0010_listing_indexes: indexes that let the pages list 20,000 documents a
-- page at a time instead of sorting or scanning them all per request.
-- documents_by_name is the order of the home page (service, title, id), so
-- that a page is read from its cursor in order; documents_by_service finds
-- a document's variants (the same service, in any case) without reading
-- every document; fetches_by_outcome counts the fetch log by outcome for
-- /metrics from the index alone, without reading the fetch rows.

CREATE INDEX documents_by_name ON documents (service, title, id);
CREATE INDEX documents_by_service ON documents (service COLLATE NOCASE, id);
CREATE INDEX fetches_by_outcome ON fetches (outcome);

-- snapshots_archived lists the archives a document's imported snapshots
-- came from (DocumentArchives, on every row of the home page and every
-- history page) without reading each of its snapshots.
CREATE INDEX snapshots_archived ON snapshots (document_id, archive) WHERE imported AND archive <> '';
