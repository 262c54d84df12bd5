//go:build !unix

package convert

import "os/exec"

// killGroup leaves cmd as it is: without process groups, only the process
// itself is killed when its context ends.
func killGroup(cmd *exec.Cmd) {}
