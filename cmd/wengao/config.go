package main

import (
	"context"
	"io"
	"os"

	"github.com/wengao/wengao/config"
)

// runConfig prints the effective configuration of wengao serve for the
// same flags, config file and environment.
func runConfig(_ context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := config.Load("config", args, os.LookupEnv, stderr)
	if err != nil {
		return err
	}
	_, err = c.WriteTo(stdout)
	return err
}
