package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// addFormatFlag adds --format with its valid values listed in the help.
func addFormatFlag(cmd *cobra.Command, dst *string, valid ...string) {
	cmd.Flags().StringVar(dst, "format", valid[0], fmt.Sprintf("output format: {%s}", strings.Join(valid, "|")))
}

// checkFormat refuses a --format value outside valid (exit 2).
func checkFormat(got string, valid ...string) error {
	for _, v := range valid {
		if got == v {
			return nil
		}
	}
	return &FlagError{Err: fmt.Errorf("invalid format %q: valid values are {%s}", got, strings.Join(valid, "|"))}
}

// writeJSON writes v as indented JSON with a final newline, HTML characters
// not escaped.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory and a rename, so a reader never sees a half-written file and a
// failure leaves the old file in place.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	tmp := f.Name()
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := os.Chmod(tmp, perm); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	return nil
}
