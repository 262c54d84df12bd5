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
	"syscall"
)

const usage = `wengao — a library of Chinese official writing

Usage:
  wengao serve  [--data DIR] [--addr :8080]      run the web site and API
  wengao config [--config FILE] [FLAGS]          print serve's effective configuration
  wengao import [--data DIR] [--report FILE] PATH...   import .jsonl/.jsonl.gz files, .docx/.doc/.pdf/.txt/.md/.html files or folders of them
  wengao search [--data DIR] [--json] [--limit N] [--page N] QUERY
  wengao check [--data DIR] [--json] [--html OUT] [--docx OUT] FILE
  wengao user add [--data DIR] [--admin|--moderator] [--password-stdin] NAME
  wengao points grant [--data DIR] USER N --reason TEXT
  wengao ledger check [--data DIR]
  wengao backup [--data DIR] [--blob URL] [--force] --to FILE  consistent backup while serving (.tar, .tar.gz)
  wengao restore [--data DIR] [--blob URL] FILE  restore a backup into an empty data folder
  wengao mask add|list|remove [--data DIR] WORD SHOWN   display masking (党委 shown as D委)
  wengao abbrev add|list|remove [--data DIR] SHORT FULL  abbreviations search treats as one (人社厅 人力资源和社会保障厅)
  wengao blobs gc [--data DIR] [--blob URL] [--dry-run] [--grace 1h]  remove stored files no record refers to

The data folder defaults to ./wengao-data (environment WENGAO_DATA). Uploaded
files are kept in its files/ folder, or with --blob s3://BUCKET?endpoint=HOST:PORT
(environment WENGAO_BLOB; credentials from AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY) in an S3 bucket.
serve also reads a config file (--config FILE or WENGAO_CONFIG) and WENGAO_*
variables; wengao serve -h lists its options.
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
	case "config":
		return runConfig(ctx, args[1:], stdout, stderr)
	case "import":
		return runImport(ctx, args[1:], stdout, stderr)
	case "search":
		return runSearch(ctx, args[1:], stdout, stderr)
	case "check":
		return runCheck(ctx, args[1:], stdout, stderr)
	case "user":
		return runUser(ctx, args[1:], stdout, stderr)
	case "points":
		return runPoints(ctx, args[1:], stdout, stderr)
	case "ledger":
		return runLedger(ctx, args[1:], stdout, stderr)
	case "backup":
		return runBackup(ctx, args[1:], stdout, stderr)
	case "restore":
		return runRestore(ctx, args[1:], stdout, stderr)
	case "mask":
		return runMask(ctx, args[1:], stdout, stderr)
	case "abbrev":
		return runAbbrev(ctx, args[1:], stdout, stderr)
	case "blobs":
		return runBlobs(ctx, args[1:], stdout, stderr)
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
