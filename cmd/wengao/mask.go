package main

import (
	"context"
	"fmt"
	"io"

	"github.com/wengao/wengao"
)

const maskUsage = `usage:
  wengao mask add    [--data DIR] WORD SHOWN   show WORD as SHOWN on the site (e.g. 党委 D委)
  wengao mask list   [--data DIR]
  wengao mask remove [--data DIR] WORD`

// runMask handles `wengao mask add|list|remove`: the display masking
// rules. A running server applies changes within a second.
func runMask(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	action, pos, db, err := listCommand("mask", maskUsage, map[string]int{"add": 2, "list": 0, "remove": 1}, args, stderr, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	switch action {
	case "add":
		if err := db.AddMask(ctx, wengao.MaskRule{Word: pos[0], Shown: pos[1]}); err != nil {
			return cliError(err)
		}
		fmt.Fprintf(stdout, "%s is shown as %s\n", pos[0], pos[1])
	case "remove":
		if err := db.RemoveMask(ctx, pos[0]); err != nil {
			return cliError(err)
		}
		fmt.Fprintf(stdout, "%s is shown as it is\n", pos[0])
	case "list":
		rules, _, err := db.MaskRules(ctx)
		if err != nil {
			return err
		}
		for _, r := range rules {
			fmt.Fprintf(stdout, "%s\t%s\n", r.Word, r.Shown)
		}
		if len(rules) == 0 {
			fmt.Fprintln(stderr, "no masking rules")
		}
	}
	return nil
}
