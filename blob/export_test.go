package blob

import "os"

// TempFiles returns the names of l's temporary files, for the tests of
// package blob_test.
func TempFiles(l *Local) ([]string, error) {
	entries, err := os.ReadDir(l.tmp)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, nil
}
