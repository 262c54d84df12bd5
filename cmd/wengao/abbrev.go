package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
)

const abbrevUsage = `usage:
  wengao abbrev add    [--data DIR] SHORT FULL   search finds SHORT as FULL and back (e.g. 人社厅 人力资源和社会保障厅)
  wengao abbrev list   [--data DIR] [--builtin]
  wengao abbrev remove [--data DIR] SHORT`

// runAbbrev handles `wengao abbrev add|list|remove`: the operator's
// abbreviations for search (the console's 简称 page). A running server
// applies changes at its next search.
func runAbbrev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var builtin *bool
	action, pos, db, err := listCommand("abbrev", abbrevUsage, map[string]int{"add": 2, "list": 0, "remove": 1}, args, stderr,
		func(action string, fs *flag.FlagSet) {
			if action == "list" {
				builtin = fs.Bool("builtin", false, "list the built-in table too, marked built-in")
			}
		})
	if err != nil {
		return err
	}
	defer db.Close()
	switch action {
	case "add":
		if err := db.AddAbbreviation(ctx, wengao.Abbreviation{Short: pos[0], Full: pos[1]}); err != nil {
			return cliError(err)
		}
		fmt.Fprintf(stdout, "%s is found as %s and back\n", pos[0], pos[1])
	case "remove":
		if err := db.RemoveAbbreviation(ctx, pos[0]); err != nil {
			return cliError(err)
		}
		fmt.Fprintf(stdout, "%s is no longer an abbreviation of this library\n", pos[0])
	case "list":
		list, _, err := db.Abbreviations(ctx)
		if err != nil {
			return err
		}
		for _, a := range list {
			fmt.Fprintf(stdout, "%s\t%s\n", a.Short, a.Full)
		}
		if *builtin {
			for _, a := range chinese.BuiltinAbbreviations() {
				fmt.Fprintf(stdout, "%s\t%s\tbuilt-in\n", a.Short, a.Full)
			}
		} else if len(list) == 0 {
			fmt.Fprintln(stderr, "no abbreviations of this library (--builtin lists the built-in table)")
		}
	}
	return nil
}
