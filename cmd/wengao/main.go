// Command wengao runs the wengao manuscript library: the web site and API
// (serve), bulk import (import) and search from the command line (search).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"
)

const usage = `wengao — a library of Chinese official writing

Usage:
  wengao serve  [--data DIR] [--addr :8080]      run the web site and API
  wengao import [--data DIR] PATH...             import .jsonl/.jsonl.gz files or folders of .txt/.md
  wengao search [--data DIR] [--json] [--limit N] [--page N] QUERY
  wengao user add [--data DIR] [--admin] [--password-stdin] NAME
  wengao points grant [--data DIR] USER N --reason TEXT
  wengao ledger check [--data DIR]

The data folder defaults to ./wengao-data (environment WENGAO_DATA).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	var ee exitError
	if errors.As(err, &ee) {
		os.Exit(int(ee))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wengao:", err)
		os.Exit(1)
	}
}

// exitError asks main to exit with a status and no message.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// run dispatches a command line; it is main without the process around it,
// so tests can call it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitError(2)
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "import":
		return runImport(ctx, args[1:], stdout, stderr)
	case "search":
		return runSearch(ctx, args[1:], stdout, stderr)
	case "user":
		return runUser(ctx, args[1:], stdout, stderr)
	case "points":
		return runPoints(ctx, args[1:], stdout, stderr)
	case "ledger":
		return runLedger(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "wengao: unknown command %q\n\n%s", args[0], usage)
	return exitError(2)
}

// envOr returns the environment variable key, or def when it is unset.
func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

// envInt returns the environment variable key as a number, or def when it
// is unset or not a number.
func envInt(key string, def int) int {
	if n, err := strconv.Atoi(envOr(key, "")); err == nil {
		return n
	}
	return def
}

// newFlagSet returns a flag set with the options every command shares.
func newFlagSet(name string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", envOr("WENGAO_DATA", "./wengao-data"), "data folder (env WENGAO_DATA)")
	return fs, data
}

// parseInterspersed parses flags that may come after positional arguments
// (wengao search 乡村振兴 --json) and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
