package data

// Archive is a public archive whose copies a document's versions came from
// (the bundled history, or `import --archive`). Its licence (ODC-By 1.0 for
// Open Terms Archive and TOSBack) asks for credit wherever its versions are
// shown, so pages credit the archives of the document they show. Which
// archive a copy came from is stored with its snapshot (Provenance).
type Archive struct {
	Name    string // as credited, e.g. "Open Terms Archive"
	Home    string // the archive's home page, linked from the credit; "" when unknown
	License string // as the copies were imported, e.g. "ODC-By 1.0"
}

// archiveHome is the home page of an archive clausewatch knows by name,
// for the credit's link; "" for others.
func archiveHome(name string) string {
	switch name {
	case "Open Terms Archive":
		return "https://opentermsarchive.org/"
	case "TOSBack (EFF/ToS;DR)", "TOSBack":
		return "https://tosdr.org/"
	}
	return ""
}
