package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/wengao/wengao/copycheck"
	"github.com/wengao/wengao/sqlite"
)

// maxDraftFile bounds the file a draft is read from.
const maxDraftFile = 32 << 20

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, data := newFlagSet("check", stderr)
	asJSON := fs.Bool("json", false, "print the report as the API's JSON")
	htmlOut := fs.String("html", "", "also write the report as an HTML page to this file")
	docxOut := fs.String("docx", "", "also write the report as a .docx file to this file")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wengao check [--data DIR] [--json] [--html OUT.html] [--docx OUT.docx] FILE")
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fs.Usage()
		return exitError(2)
	}
	f, err := os.Open(files[0])
	if err != nil {
		return err
	}
	defer f.Close()
	text, err := copycheck.DraftFromFile(ctx, files[0], f, maxDraftFile)
	if err != nil {
		return err
	}
	if err := copycheck.ValidateDraft(text); err != nil {
		return err
	}
	db, err := sqlite.Open(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	// The passage index is the server's file in the data folder, opened
	// as it is, or built there when missing (minutes for a large library).
	c := copycheck.New(db.SearchStore(), copycheck.Options{Maskers: db.Maskers(), Path: filepath.Join(*data, copycheck.FileName)})
	r, err := c.CheckDraft(ctx, text)
	if err != nil {
		return err
	}
	title := filepath.Base(files[0]) + " 查重报告"
	if *htmlOut != "" {
		if err := writeFileWith(*htmlOut, func(w io.Writer) error { return copycheck.WriteHTML(w, title, text, r) }); err != nil {
			return err
		}
	}
	if *docxOut != "" {
		if err := writeFileWith(*docxOut, func(w io.Writer) error { return copycheck.WriteDocx(w, title, text, r) }); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	}
	return copycheck.WriteText(stdout, text, r)
}

// writeFileWith creates path and fills it with write.
func writeFileWith(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
