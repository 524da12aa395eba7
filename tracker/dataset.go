package tracker

import (
	"archive/zip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// maxDatasetFile bounds the bytes read from one entry of a .zip dataset: a
// policy page is well under a megabyte, and a damaged or hostile archive
// must not exhaust memory.
const maxDatasetFile = 32 << 20

// Dataset is the versions found in a folder or .zip file laid out as Open
// Terms Archive publishes its datasets: <service>/<terms type>/<time>.md,
// possibly under a top folder (the dataset's name). A folder may also be
// one service's or one terms type's folder of such a dataset. Files whose
// name does not start with a time (README.md, LICENSE) are left out.
type Dataset struct {
	// Path is the folder or .zip file read.
	Path string
	// Files holds each service and terms type ("WhatsApp/Privacy Policy")
	// with its files, oldest first. Each file's Name is its path from the
	// service folder on, for {path} in an archive link.
	Files map[string][]ImportFile
	zip   *zip.ReadCloser
}

// OpenDataset reads the layout of the dataset at p, a folder or a .zip
// file. Bodies are read when imported; Close releases a .zip file.
func OpenDataset(p string) (*Dataset, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("tracker: open dataset: %w", err)
	}
	ds := &Dataset{Path: p, Files: map[string][]ImportFile{}}
	if info.IsDir() {
		err = filepath.WalkDir(p, func(file string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if file != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir // .git and the like
				}
				return nil
			}
			// The service and terms type are the folders above the file,
			// inside p or not: p may be the dataset, a service's folder or
			// one terms type's folder.
			abs, err := filepath.Abs(file)
			if err != nil {
				return err
			}
			ds.add(filepath.ToSlash(abs), ImportFile{Path: file})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("tracker: open dataset %s: %w", p, err)
		}
	} else {
		if ds.zip, err = zip.OpenReader(p); err != nil {
			return nil, fmt.Errorf("tracker: open dataset %s (a folder or a .zip file): %w", p, err)
		}
		for _, zf := range ds.zip.File {
			if zf.FileInfo().IsDir() {
				continue
			}
			ds.add(zf.Name, ImportFile{Path: p + "!/" + zf.Name, Read: zipReader(zf)})
		}
	}
	for _, files := range ds.Files {
		SortImportFiles(files)
	}
	return ds, nil
}

// add records f, found at rel (a slash-separated path), under its
// service and terms type when its name starts with a time.
func (ds *Dataset) add(rel string, f ImportFile) {
	parts := strings.Split(path.Clean(rel), "/")
	if len(parts) < 3 {
		return
	}
	n := len(parts)
	at, err := fileNameTime(parts[n-1])
	if err != nil {
		return
	}
	key := parts[n-3] + "/" + parts[n-2]
	f.At, f.Name = at, strings.Join(parts[n-3:], "/")
	ds.Files[key] = append(ds.Files[key], f)
}

// Terms lists the services and terms types found, sorted, for a message
// that says what the dataset holds.
func (ds *Dataset) Terms() []string {
	out := make([]string, 0, len(ds.Files))
	for k := range ds.Files {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Close releases the .zip file, if the dataset is one.
func (ds *Dataset) Close() error {
	if ds.zip == nil {
		return nil
	}
	return ds.zip.Close()
}

// zipReader reads one entry of a .zip file, refusing one larger than
// maxDatasetFile.
func zipReader(zf *zip.File) func() ([]byte, error) {
	return func() ([]byte, error) {
		rc, err := zf.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, maxDatasetFile+1))
		if err != nil {
			return nil, err
		}
		if len(b) > maxDatasetFile {
			return nil, fmt.Errorf("larger than %d MiB", maxDatasetFile>>20)
		}
		return b, nil
	}
}
