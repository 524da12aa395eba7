package data

import (
	"context"
	"testing"
)

// TestSnapshotProvenance records a live fetch and an imported copy and
// reads their provenance back from the snapshot and from the version.
func TestSnapshotProvenance(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	archived := Provenance{Imported: true, Archive: "Open Terms Archive", ArchiveURL: "https://example.org/blob/2021-01-04.md", ArchiveLicense: "ODC-By 1.0"}
	tests := []struct {
		name string
		doc  string
		url  string
		prov Provenance
	}{
		{"live fetch", "wa", "https://www.whatsapp.com/legal/privacy-policy", Provenance{}},
		{"imported copy", "fb", "https://www.facebook.com/privacy/policy", archived},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := db.Record(ctx, Observation{Fetch: Fetch{DocumentID: tt.doc, URL: tt.url, StartedAt: t0},
				Snapshot: &Snapshot{Body: []byte(tt.name), Provenance: tt.prov}, Document: doc("We share " + tt.name + ".")})
			if err != nil {
				t.Fatal(err)
			}
			s, err := db.SnapshotInfo(ctx, res.Snapshot.ID)
			if err != nil || s.URL != tt.url || s.Provenance != tt.prov {
				t.Errorf("snapshot: %+v, %v; want %s, %+v", s, err, tt.url, tt.prov)
			}
			for _, v := range []*Version{res.Version, must(db.VersionInfo(ctx, res.Version.ID)), must(db.Version(ctx, res.Version.ID))} {
				if v.Source != (Source{URL: tt.url, Provenance: tt.prov}) {
					t.Errorf("version %d source %+v, want %s, %+v", v.ID, v.Source, tt.url, tt.prov)
				}
			}
			entries, err := db.Versions(ctx, tt.doc)
			if err != nil || len(entries) != 1 || entries[0].Source != (Source{URL: tt.url, Provenance: tt.prov}) {
				t.Errorf("versions %+v, %v", entries, err)
			}
		})
	}
}

// TestMigrateFileSources opens a database whose imports stored the local
// file as file:///path, as imports did before 0009_snapshot_provenance, and
// expects them cited as imported copies of the document's address, with
// the file's kind kept as the content type.
func TestMigrateFileSources(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	tests := []struct {
		doc, url, wantType string
	}{
		{"wa", "file:///home/op/history/2021-01-04.md", "text/markdown"},
		{"fb", "file:///home/op/history/2021-01-04.HTML", "text/html"},
	}
	heads := map[string]int64{}
	for _, tt := range tests {
		res, err := db.Record(ctx, Observation{Fetch: Fetch{DocumentID: tt.doc, URL: tt.url, FinalURL: tt.url, StartedAt: t0},
			Snapshot: &Snapshot{Body: []byte(tt.url)}, Document: doc("We share " + tt.doc + ".")})
		if err != nil {
			t.Fatal(err)
		}
		heads[tt.doc] = res.Version.ID
	}
	live, err := db.Record(ctx, Observation{Fetch: Fetch{DocumentID: "wa", URL: "https://www.whatsapp.com/legal/privacy-policy", Status: 200, StartedAt: t0.Add(1)},
		Snapshot: &Snapshot{Body: []byte("live")}, Document: doc("We share wa."), Head: heads["wa"]})
	if err != nil {
		t.Fatal(err)
	}
	// Back to the schema before 0009, undoing the later migrations too,
	// which run again on the next open (0010 indexes those columns).
	path := db.Path()
	for _, idx := range []string{"documents_by_name", "documents_by_service", "snapshots_archived", "fetches_validators"} {
		if _, err := db.sql.Exec(`DROP INDEX ` + idx); err != nil {
			t.Fatal(err)
		}
	}
	undo := append([]string{"DROP TRIGGER change_topics_insert", "DROP TRIGGER change_topics_update", "DROP TABLE change_topics", "DROP TABLE fetch_counts"}, undo0014...)
	for _, stmt := range undo {
		if _, err := db.sql.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	for _, col := range []string{"imported", "archive", "archive_url", "archive_license"} {
		if _, err := db.sql.Exec(`ALTER TABLE snapshots DROP COLUMN ` + col); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.sql.Exec(`DELETE FROM schema_migrations WHERE version >= 9`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = openAt(t, path)
	docs := map[string]string{"wa": "https://www.whatsapp.com/legal/privacy-policy", "fb": "https://www.facebook.com/privacy/policy"}
	for _, tt := range tests {
		vs, err := db.Versions(ctx, tt.doc)
		if err != nil || len(vs) == 0 {
			t.Fatalf("versions of %s: %v", tt.doc, err)
		}
		s := must(db.SnapshotInfo(ctx, vs[0].SnapshotID))
		if s.URL != docs[tt.doc] || !s.Imported || s.ContentType != tt.wantType {
			t.Errorf("%s: snapshot %+v, want an imported copy of %s of type %s", tt.doc, s, docs[tt.doc], tt.wantType)
		}
		fs, err := db.Fetches(ctx, tt.doc, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.Status == 0 && (f.URL != docs[tt.doc] || f.FinalURL != docs[tt.doc]) {
				t.Errorf("%s: fetch %d still cites %q, %q", tt.doc, f.ID, f.URL, f.FinalURL)
			}
		}
	}
	if s := must(db.SnapshotInfo(ctx, live.Snapshot.ID)); s.Imported || s.Status != 200 {
		t.Errorf("live snapshot became %+v", s)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
