-- 0014_text_documents: which documents hold each clause text, for search,
-- brought up to date by the search that reads it instead of by every
-- Record (as 0004 did for the full-text index).
--
-- version_texts_by_text indexed every span by its text. A new document's
-- texts that other documents already hold have old ids spread over the
-- whole index, so recording a document rewrote one page of that index for
-- almost each of them: a fifth to a third of the CPU of a first check of
-- thousands of documents. Search only asks which documents hold the texts
-- it matched, and reads their spans by document; text_documents answers
-- that, one row per text and document. Version ids only grow, so the
-- documents of the versions with an id above
-- text_documents_state.indexed_through are those whose pairs the table may
-- lack; data.IndexTextDocuments adds them. Spans built later for older
-- versions (data.IndexSearch) add their pairs themselves.
CREATE TABLE text_documents (
    text_id     INTEGER NOT NULL, -- texts.id
    document_id TEXT    NOT NULL, -- documents.id
    PRIMARY KEY (text_id, document_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE text_documents_state (
    indexed_through INTEGER NOT NULL -- versions.id: the spans of every version up to it are in text_documents
) STRICT;

INSERT INTO text_documents (text_id, document_id)
SELECT DISTINCT text_id, document_id FROM version_texts ORDER BY text_id, document_id;

INSERT INTO text_documents_state (indexed_through) SELECT ifnull(max(id), 0) FROM versions;

-- Dropped last: the copy above reads it, in the table's order.
DROP INDEX version_texts_by_text;
