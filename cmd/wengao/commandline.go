package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/wengao/wengao/sqlite"
)

// listCommand parses `wengao NAME ACTION [--data DIR] ARGS…`, the form of
// the commands that add to, list and remove from a list the database
// keeps (abbrev, mask): ACTION is one of arity's keys, followed by exactly
// that many arguments; flags, when not nil, adds the action's own options.
// It opens the data folder's database, for the caller to close. Anything
// else prints usage and is exit status 2.
func listCommand(name, usage string, arity map[string]int, args []string, stderr io.Writer, flags func(action string, fs *flag.FlagSet)) (action string, pos []string, db *sqlite.DB, err error) {
	n, ok := 0, false
	if len(args) > 0 {
		action = args[0]
		n, ok = arity[action]
	}
	if !ok {
		fmt.Fprintln(stderr, usage)
		return "", nil, nil, exitError(2)
	}
	fs, data := newFlagSet(name+" "+action, stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, usage) }
	if flags != nil {
		flags(action, fs)
	}
	if pos, db, err = openCommand(fs, data, args[1:], func(pos []string) bool { return len(pos) == n }); err != nil {
		return "", nil, nil, err
	}
	return action, pos, db, nil
}

// openCommand parses the command line args with fs (options may follow
// the arguments), shows fs.Usage and fails with exit status 2 unless ok
// accepts the positional arguments, and opens the database of the data
// folder *data, for the caller to close.
func openCommand(fs *flag.FlagSet, data *string, args []string, ok func(pos []string) bool) ([]string, *sqlite.DB, error) {
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, nil, err
	}
	if !ok(pos) {
		fs.Usage()
		return nil, nil, exitError(2)
	}
	db, err := sqlite.Open(*data)
	if err != nil {
		return nil, nil, err
	}
	return pos, db, nil
}
