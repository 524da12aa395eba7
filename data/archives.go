package data

import "strings"

// Archive is a public archive of policy versions whose copies clausewatch
// records (the bundled history, or `import` of files cited by their
// address). Its licence (ODC-By 1.0) asks for credit wherever its versions
// are shown, so pages need to know which versions came from it: a version
// came from an archive when its snapshot's URL starts with Prefix.
type Archive struct {
	Name   string // as credited, e.g. "Open Terms Archive"
	Home   string // the archive's home page, linked from the credit
	Prefix string // start of the addresses of its versions
}

// archives are the archives the bundled history is taken from. TOSBack's
// crawl (EFF, then ToS;DR) is published as Markdown versions by ToS;DR.
func archives() []Archive {
	return []Archive{
		{Name: "Open Terms Archive", Home: "https://opentermsarchive.org/", Prefix: "https://github.com/OpenTermsArchive/"},
		{Name: "TOSBack (EFF/ToS;DR)", Home: "https://tosdr.org/", Prefix: "https://github.com/tosdr/tosback-versions/"},
	}
}

// ArchiveOf returns the archive a URL belongs to.
func ArchiveOf(url string) (Archive, bool) {
	for _, a := range archives() {
		if strings.HasPrefix(url, a.Prefix) {
			return a, true
		}
	}
	return Archive{}, false
}

// Archives returns every credited archive, for a credit line that names
// them all.
func Archives() []Archive { return archives() }
