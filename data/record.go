package data

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/policy"
)

// Observation is one fetch as the pipeline hands it to Record: the
// attempt, its body and, when every gate passed, the candidate version with
// its classified change from the version it was compared with. Storage does
// no comparing or classifying of its own; it only checks, inside its
// transaction, that the version the change was computed against is still
// the latest (Head), so that two writers never record changes from the same
// version.
type Observation struct {
	// Fetch describes the attempt. The caller sets Outcome to failed,
	// suspect, not-modified or superseded, and leaves it empty when Document
	// is set: Record then decides between new-version and unchanged.
	Fetch Fetch
	// Snapshot is the response body; nil when there was none (network error,
	// 304). ID, SHA256, Size and FetchedAt are filled by Record.
	Snapshot *Snapshot
	// Document is non-nil only when the fetch passed every gate: it is a
	// candidate version.
	Document *policy.Document
	// Head is the id of the latest version when the pipeline compared
	// Document with it, 0 when the document had none. Record refuses the
	// observation with ErrHeadMoved when another version has become the
	// latest since.
	Head int64
	// Change is the classified change from Head to Document; it is needed
	// when Head is set and Document's canonical text differs from Head's.
	Change *diff.ChangeSet
	// Classifier names the rules that classified Change (topics.Version),
	// stored so that reclassification knows which changes are up to date.
	Classifier string
	// ChangeState is the state Change starts in: Settling when the
	// pipeline waits to see its text again before telling anyone, Settled
	// when it need not, Transient when it already knows the page flipped
	// back (an import that has read the next file). "" means Settled.
	ChangeState ChangeState
	// Settle is the id of the document's settling change that this fetch,
	// which read the latest version's text again, settles; 0 for none.
	// Record settles it only if it is still settling and its version is
	// still the latest, and then queues its alerts.
	Settle int64
	// NoAlerts records a change without queueing alerts or webhooks for
	// it: `clausewatch import` backfills history that nobody should be
	// alerted about years later.
	NoAlerts bool
}

// Result is what Record stored.
type Result struct {
	Fetch Fetch
	// Snapshot is the stored (or reused) snapshot, without its body.
	Snapshot *Snapshot
	// Version is set for new-version (with its Text) and unchanged (the
	// latest version without its Text). Blocks are left out: the caller has
	// the document it recorded, and Version(ID) reads them back (copying
	// the blocks of a long policy was a tenth of the time of an import).
	Version *Version
	// Change is set only for a new version that has a predecessor.
	Change *Change
	// Settled is the id of the change this fetch settled (Observation.Settle),
	// 0 when it settled none.
	Settled int64
}

// Record stores one fetch attempt in a single transaction: the snapshot
// (reusing an identical earlier body), a new version when the candidate
// document's canonical text differs from the latest version's, the change
// from that version as the pipeline computed it (with its deliveries, the
// outbox), and the fetch row. It fails with ErrHeadMoved when the latest
// version is no longer obs.Head; the pipeline then compares again.
func (db *DB) Record(ctx context.Context, obs Observation) (Result, error) {
	res, err := db.record(ctx, obs)
	if err != nil {
		return Result{}, fmt.Errorf("data: record fetch of %s: %w", obs.Fetch.DocumentID, err)
	}
	return res, nil
}

func (db *DB) record(ctx context.Context, obs Observation) (Result, error) {
	f := obs.Fetch
	if err := checkObservation(obs); err != nil {
		return Result{}, err
	}
	f.StartedAt = f.StartedAt.UTC()
	snap, err := prepareSnapshot(f, obs.Snapshot)
	if err != nil {
		return Result{}, err
	}
	if snap != nil {
		if err := db.encodeSnapshot(ctx, snap); err != nil {
			return Result{}, err
		}
	}
	var ver *preparedVersion
	if obs.Document != nil {
		ver = prepareVersion(*obs.Document)
	}

	var res Result
	var newVersion *cachedVersion
	var newSnapshot *cachedSnapshot
	err = db.write(ctx, func(tx *sql.Tx) error {
		res = Result{}
		newVersion, newSnapshot = nil, nil
		fr := f
		var head *versionHead
		if ver != nil {
			var err error
			if head, err = latestHead(ctx, db.stmtsOn(tx), f.DocumentID); err != nil {
				return err
			}
			if id := headID(head); id != obs.Head {
				return fmt.Errorf("compared with version %d, but the latest is now %d: %w", obs.Head, id, ErrHeadMoved)
			}
		}
		if snap != nil {
			stored, inserted, err := db.insertSnapshot(ctx, tx, snap)
			if err != nil {
				return err
			}
			res.Snapshot = stored
			fr.SnapshotID = stored.ID
			fr.ETag = snap.s.Header.Get("ETag")
			fr.LastModified = snap.s.Header.Get("Last-Modified")
			if inserted {
				newSnapshot = &cachedSnapshot{id: stored.ID, depth: snap.enc.depth, body: bytes.Clone(snap.body)}
			}
		}
		if fr.Outcome == NotModified {
			// A 304 confirms the version the validators came from.
			latest, err := latestHead(ctx, db.stmtsOn(tx), f.DocumentID)
			if err != nil {
				return err
			}
			fr.VersionID = headID(latest)
			if latest != nil {
				fr.TextSHA256 = latest.sha256
			}
		}
		if ver != nil {
			fr.TextSHA256 = ver.sha256
		}
		switch {
		case ver == nil:
		case head != nil && head.sha256 == ver.sha256:
			fr.Outcome = Unchanged
			fr.VersionID = head.id
			v, err := loadVersion(ctx, tx, head.id, false)
			if err != nil {
				return err
			}
			res.Version = v
		default:
			if head != nil && obs.Change == nil {
				return fmt.Errorf("new version of %s without its change from version %d (Observation.Change)", f.DocumentID, head.id)
			}
			fr.Outcome = NewVersion
			var prev *cachedVersion
			if head != nil {
				var err error
				if prev, err = db.versionAt(ctx, tx, f.DocumentID, head); err != nil {
					return err
				}
			}
			cv, err := db.insertVersion(ctx, tx, f, res.Snapshot, ver, prev)
			if err != nil {
				return err
			}
			newVersion = cv
			fr.VersionID = cv.v.ID
			v := cv.v
			v.Blocks = nil
			res.Version = &v
			if head != nil {
				// A change still settling when its version is replaced
				// never settles: the page did not hold it.
				const drop = `UPDATE changes SET state = 'transient' WHERE document_id = ? AND to_version = ? AND state = 'settling'`
				if _, err := tx.ExecContext(ctx, drop, f.DocumentID, head.id); err != nil {
					return fmt.Errorf("mark the change to version %d transient: %w", head.id, err)
				}
				state := obs.ChangeState
				if state == "" {
					state = Settled
				}
				c, err := db.insertChange(ctx, tx, f, head.id, cv.v.ID, *obs.Change, obs.Classifier, state, !obs.NoAlerts)
				if err != nil {
					return err
				}
				res.Change = c
			}
		}
		if obs.Settle != 0 && fr.VersionID != 0 && fr.Outcome != NewVersion {
			ok, err := db.settleChange(ctx, tx, f.DocumentID, obs.Settle, fr.VersionID, !obs.NoAlerts)
			if err != nil {
				return err
			}
			if ok {
				res.Settled = obs.Settle
			}
		}
		id, err := db.insertFetches(ctx, tx, fr)
		if err != nil {
			return err
		}
		fr.ID = id
		res.Fetch = fr
		return nil
	})
	if err != nil {
		// A document that was never stored fails on a foreign key, and is
		// looked up only then, not on every fetch, to say so plainly.
		if derr := documentExists(ctx, db.stmtsOn(nil), f.DocumentID); errors.Is(derr, ErrUnknownDocument) {
			return Result{}, derr
		}
		return Result{}, err
	}
	if newVersion != nil {
		db.cache.versions.Set(f.DocumentID, newVersion.v.ID, newVersion)
	}
	if newSnapshot != nil {
		db.cache.snapshots.Set(f.DocumentID, newSnapshot.id, newSnapshot)
	}
	return res, nil
}

// headID is the id of h, 0 for no version.
func headID(h *versionHead) int64 {
	if h == nil {
		return 0
	}
	return h.id
}

// checkObservation refuses observations whose parts contradict each other;
// storing them would break invariant 1 (a failed or suspect fetch never
// creates a version) or leave a version without a citable snapshot.
func checkObservation(obs Observation) error {
	f := obs.Fetch
	if f.DocumentID == "" {
		return errors.New("fetch has no document id")
	}
	if f.StartedAt.IsZero() {
		return errors.New("fetch has no start time (Fetch.StartedAt)")
	}
	if obs.Document != nil {
		if f.Outcome != "" {
			return fmt.Errorf("fetch outcome %q given with a candidate document: leave Outcome empty and Record decides new-version or unchanged; drop the Document for a %s fetch", f.Outcome, f.Outcome)
		}
		if obs.Snapshot == nil {
			return errors.New("candidate document without a snapshot: a version must cite the raw body it was extracted from")
		}
		return nil
	}
	switch f.Outcome {
	case Failed, Suspect, NotModified, Superseded:
		return nil
	case NewVersion, Unchanged:
		return fmt.Errorf("fetch outcome %q needs a candidate document (Observation.Document)", f.Outcome)
	case "":
		return errors.New("fetch has no outcome: set failed, suspect, not-modified or superseded, or pass the candidate Document")
	default:
		return fmt.Errorf("unknown fetch outcome %q (want failed, suspect, not-modified or superseded)", f.Outcome)
	}
}

// nullID stores 0 as NULL so that the foreign key is not checked for "none".
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }
