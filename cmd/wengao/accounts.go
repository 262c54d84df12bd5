package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlite"
	"golang.org/x/term"
)

// stdin is where passwords are read from; tests replace it.
var stdin io.Reader = os.Stdin

// runUser handles `wengao user add [--data DIR] [--admin] [--moderator]
// [--email E] [--password-stdin] NAME`.
func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(stderr, "usage: wengao user add [--data DIR] [--admin] [--moderator] [--email E] [--password-stdin] NAME")
		return exitError(2)
	}
	fs, data := newFlagSet("user add", stderr)
	admin := fs.Bool("admin", false, "make the user an administrator")
	moderator := fs.Bool("moderator", false, "make the user a moderator")
	email := fs.String("email", "", "e-mail address (optional)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	names, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	if len(names) != 1 {
		fs.Usage()
		return exitError(2)
	}
	password, err := readPassword(stdout, *fromStdin)
	if err != nil {
		return err
	}
	db, err := sqlite.Open(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	role := wengao.RoleReader
	switch {
	case *admin:
		role = wengao.RoleAdmin
	case *moderator:
		role = wengao.RoleModerator
	}
	u, err := db.CreateUser(ctx, wengao.NewUser{
		Username: names[0], Email: *email, Password: password, Role: role,
		Bonus: wengao.DefaultSettings().SignupBonus,
	})
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(stdout, "created user %s (id %d, role %s, %d points)\n", u.Username, u.ID, u.Role, u.Points)
	return nil
}

// readPassword reads a password from standard input: one line when
// fromStdin or when input is not a terminal, else twice at a prompt
// without echo.
func readPassword(stdout io.Writer, fromStdin bool) (string, error) {
	f, isFile := stdin.(*os.File)
	if !fromStdin && isFile && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stdout, "Password: ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stdout, "Repeat password: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		if err != nil {
			return "", err
		}
		if string(p1) != string(p2) {
			return "", errors.New("the passwords differ")
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password given on standard input")
	}
	return line, nil
}

// runPoints handles `wengao points grant [--data DIR] USER N --reason TEXT`.
func runPoints(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "grant" {
		fmt.Fprintln(stderr, "usage: wengao points grant [--data DIR] USER N --reason TEXT")
		return exitError(2)
	}
	fs, data := newFlagSet("points grant", stderr)
	reason := fs.String("reason", "", "why the points are granted or taken (required)")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 2 || strings.TrimSpace(*reason) == "" {
		fmt.Fprintln(stderr, "usage: wengao points grant [--data DIR] USER N --reason TEXT  (N may be negative)")
		return exitError(2)
	}
	n, err := strconv.ParseInt(pos[1], 10, 64)
	if err != nil || n == 0 {
		fmt.Fprintf(stderr, "wengao: %q is not a non-zero whole number of points\n", pos[1])
		return exitError(2)
	}
	db, err := sqlite.Open(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.FindUserByName(ctx, pos[0])
	if err != nil {
		return cliError(err)
	}
	e := &wengao.LedgerEntry{UserID: u.ID, Kind: wengao.KindAdjust, Amount: n, Reason: *reason}
	if err := db.Grant(ctx, e); err != nil {
		return cliError(err)
	}
	fmt.Fprintf(stdout, "%s: %+d points, balance %d\n", u.Username, n, e.Balance)
	return nil
}

// runLedger handles `wengao ledger check [--data DIR]`.
func runLedger(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprintln(stderr, "usage: wengao ledger check [--data DIR]")
		return exitError(2)
	}
	fs, data := newFlagSet("ledger check", stderr)
	if _, err := parseInterspersed(fs, args[1:]); err != nil {
		return err
	}
	db, err := sqlite.Open(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	bad, err := db.CheckLedger(ctx)
	if err != nil {
		return err
	}
	if len(bad) == 0 {
		fmt.Fprintln(stdout, "ledger ok: every cached balance equals the sum of its entries")
		return nil
	}
	for _, m := range bad {
		fmt.Fprintf(stdout, "mismatch: user %s (id %d): cached balance %d, entries sum to %d\n", m.Username, m.UserID, m.Cached, m.Sum)
	}
	return exitError(1)
}

// cliError turns a domain error into a message for the terminal.
func cliError(err error) error {
	var e *wengao.Error
	if errors.As(err, &e) {
		return fmt.Errorf("%s (%s)", e.Message, e.Code)
	}
	return err
}
