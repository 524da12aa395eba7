package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/scraper"
	"github.com/clausewatch/clausewatch/tracker"
)

// importJob is one document and the files to import into it.
type importJob struct {
	doc   config.Document
	files []tracker.ImportFile
}

func cmdImport(ctx context.Context, e *env, args []string) error {
	fs, cfgPath, dbPath := e.flags("import")
	var sel, rem, maps stringList
	fs.Var(&sel, "select", "CSS `selector` of the policy text in HTML files (repeatable; default: the document's select)")
	fs.Var(&rem, "remove", "CSS `selector` to drop from HTML files (repeatable; default: the document's remove)")
	fs.Var(&maps, "map", "import an Open Terms Archive dataset: `SERVICE/TERMS TYPE=ID` maps its folder to a document (repeatable); the arguments are then dataset folders or .zip files")
	sourceURL := fs.String("source-url", "", "`URL` the archived copies were fetched from (default: the document's url)")
	archive := fs.String("archive", "", "`NAME` of the archive that fetched the copies, e.g. \"Open Terms Archive\" (default with --map: Open Terms Archive)")
	archiveURL := fs.String("archive-url", "", "`URL` of each copy in the archive; {file} stands for the file's name, {path} for its path in the dataset (SERVICE/TERMS TYPE/FILE)")
	license := fs.String("archive-license", "", "`LICENCE` the archive publishes the copies under, e.g. \"ODC-By 1.0\" (default with --map: ODC-By 1.0)")
	maxSize := fs.String("max-file-size", "", "refuse files larger than `SIZE` (e.g. 50MiB; default: the config's fetch.max_body, 10MiB)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(maps) == 0 && len(pos) < 2 {
		return usagef("want a document id and at least one file: clausewatch import ID FILE..., or an Open Terms Archive dataset: clausewatch import --map 'SERVICE/TERMS TYPE=ID' DATASET...")
	}
	if len(maps) > 0 && len(pos) == 0 {
		return usagef("--map wants at least one dataset folder or .zip file: clausewatch import --map 'SERVICE/TERMS TYPE=ID' DATASET...")
	}
	if len(maps) > 1 && *sourceURL != "" {
		return usagef("--source-url names one page, but --map names %d documents: import them one --map at a time", len(maps))
	}
	for _, u := range []struct{ flag, value string }{{"source-url", *sourceURL}, {"archive-url", *archiveURL}} {
		if err := checkWebURL(u.flag, u.value); err != nil {
			return err
		}
	}
	if err := e.load(*cfgPath, *dbPath, slog.LevelWarn); err != nil {
		return err
	}
	src := tracker.ImportSource{URL: *sourceURL, Archive: *archive, ArchiveURL: *archiveURL, License: *license}
	var jobs []importJob
	if len(maps) > 0 {
		if src.Archive == "" {
			src.Archive = tracker.OTAArchive
		}
		if src.License == "" {
			src.License = tracker.OTALicense
		}
		var closeAll func()
		jobs, closeAll, err = e.datasetJobs(maps, pos, src)
		if err != nil {
			return err
		}
		defer closeAll()
	} else {
		docs, err := e.documents(pos[:1])
		if err != nil {
			return err
		}
		for _, p := range pos[1:] {
			if isDataset(p) {
				return usagef("%s is a folder or .zip file: to import an Open Terms Archive dataset, name what to import with --map 'SERVICE/TERMS TYPE=%s' and give the dataset without the document id", p, docs[0].ID)
			}
		}
		files, err := tracker.ParseImportFiles(pos[1:])
		if err != nil {
			return usageError{err}
		}
		for i := range files {
			files[i].Source = src
		}
		jobs = []importJob{{doc: docs[0], files: files}}
	}
	limit, err := fileLimit(*maxSize, e.cfg.Fetch.MaxBody)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		for k := range j.files {
			j.files[k].MaxSize = limit
		}
	}
	// The documents being imported get the operator's files, not the
	// bundled history: both would be refused as out of order.
	var ids []string
	for _, j := range jobs {
		ids = append(ids, j.doc.ID)
	}
	db, err := e.open(ctx, ids...)
	if err != nil {
		return err
	}
	defer db.Close()
	// Import never alerts: it builds the tracker without a browser because it
	// fetches nothing.
	tr := tracker.New(db, nil, nil, e.now, e.log)
	ok, skipped, total := true, 0, 0
	for _, j := range jobs {
		rules := scraper.Rules{Select: j.doc.Select, Remove: j.doc.Remove}
		if len(sel) > 0 {
			rules.Select = sel
		}
		if len(rem) > 0 {
			rules.Remove = rem
		}
		label := func(f tracker.ImportFile) string { return filepath.Base(f.Path) }
		if len(jobs) > 1 {
			label = func(f tracker.ImportFile) string { return j.doc.ID + "\t" + filepath.Base(f.Path) }
		}
		total += len(j.files)
		err = tr.Import(ctx, j.doc, j.files, rules, func(f tracker.ImportFile, res data.Result) {
			if res.Fetch.Outcome == tracker.AlreadyImported {
				skipped++
				fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", label(f), res.Fetch.Outcome, res.Fetch.Reason)
				return
			}
			ok = printResult(e.stdout, label(f), res) && ok
		})
		if err != nil {
			return fileHint(err)
		}
	}
	if skipped > 0 {
		fmt.Fprintf(e.stdout, "skipped %d of %d files already imported (same time, same text)\n", skipped, total)
	}
	if !ok {
		return exitError{exitFailed}
	}
	return nil
}

// datasetJobs reads the Open Terms Archive datasets at paths and returns,
// for each --map in order, the document and its files from every dataset,
// oldest first. closeAll releases the datasets once imported.
func (e *env) datasetJobs(maps, paths []string, src tracker.ImportSource) (jobs []importJob, closeAll func(), err error) {
	var sets []*tracker.Dataset
	release := func() {
		for _, ds := range sets {
			ds.Close()
		}
	}
	defer func() {
		if err != nil {
			release()
		}
	}()
	for _, p := range paths {
		if !isDataset(p) {
			return nil, nil, usagef("with --map, give dataset folders or .zip files; %s is neither (a document id goes into --map: 'SERVICE/TERMS TYPE=ID')", p)
		}
		ds, err := tracker.OpenDataset(p)
		if err != nil {
			return nil, nil, err
		}
		sets = append(sets, ds)
	}
	for _, m := range maps {
		terms, id, ok := strings.Cut(m, "=")
		terms, id = strings.Trim(strings.TrimSpace(terms), "/"), strings.TrimSpace(id)
		if !ok || id == "" || strings.Count(terms, "/") != 1 {
			return nil, nil, usagef("--map %q: want SERVICE/TERMS TYPE=ID, e.g. --map 'WhatsApp/Privacy Policy=whatsapp-privacy-policy-eea'", m)
		}
		docs, err := e.documents([]string{id})
		if err != nil {
			return nil, nil, err
		}
		j := importJob{doc: docs[0]}
		for _, ds := range sets {
			j.files = append(j.files, ds.Files[terms]...)
		}
		if len(j.files) == 0 {
			var found []string
			for _, ds := range sets {
				found = append(found, ds.Terms()...)
			}
			held := "no dated files in SERVICE/TERMS TYPE folders"
			if len(found) > 0 {
				held = "only " + strings.Join(found, ", ")
			}
			return nil, nil, usagef("--map %q: no versions of %s in %s; it holds %s", m, terms, strings.Join(paths, ", "), held)
		}
		tracker.SortImportFiles(j.files)
		for i := range j.files {
			j.files[i].Source = src
		}
		jobs = append(jobs, j)
	}
	return jobs, release, nil
}

// isDataset reports whether p is a folder or a .zip file, which import
// reads as an Open Terms Archive dataset.
func isDataset(p string) bool {
	if strings.EqualFold(filepath.Ext(p), ".zip") {
		return true
	}
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}

// checkWebURL refuses a --source-url or --archive-url that is not an
// http(s) address: pages show it as the source, and a local path or
// file:// URL would tell a reader nothing.
func checkWebURL(flag, v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(strings.NewReplacer("{file}", "f", "{path}", "p").Replace(v))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("--%s %q: want an http or https address, e.g. https://www.whatsapp.com/legal/privacy-policy-eea", flag, v)
	}
	return nil
}

// fileLimit reads --max-file-size, def when it is empty.
func fileLimit(flag string, def int64) (int64, error) {
	if flag == "" {
		return def, nil
	}
	n, err := config.ParseSize(flag)
	if err != nil || n <= 0 {
		return 0, usagef("--max-file-size %q: want a size such as 50MiB or 52428800", flag)
	}
	return n, nil
}

// fileHint adds to a file refused by scraper.ReadFile what to do about it.
func fileHint(err error) error {
	if errors.Is(err, scraper.ErrFileTooLarge) {
		return fmt.Errorf("%w (if the file really is a policy, raise the limit with --max-file-size, e.g. --max-file-size 50MiB)", err)
	}
	return err
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }
