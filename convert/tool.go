package convert

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/wengao/wengao"
)

// toolOutputFactor bounds what an external tool may print: its output
// carries markup or coordinates besides the text, so it may exceed
// MaxTextBytes by this factor.
const toolOutputFactor = 8

// maxToolStderr is the most of a tool's standard error that we keep.
const maxToolStderr = 64 << 10

// tool is one run of an external program.
type tool struct {
	path     string
	args     []string
	stdin    io.Reader
	env      []string
	limitMem bool // cap the address space with the shell's ulimit
	// stderr, when set, receives the start of the tool's standard error.
	stderr *cappedBuffer
}

// toolError is a tool that ran and failed.
type toolError struct {
	exitCode int
	stderr   string
}

func (e *toolError) Error() string {
	return fmt.Sprintf("exit status %d: %s", e.exitCode, e.stderr)
}

// toolEnv returns a small environment for a tool: a UTF-8 locale, a home
// and a search path, nothing of the server's own.
func toolEnv(home string, extra ...string) []string {
	env := []string{"LANG=C.UTF-8", "LC_ALL=C.UTF-8", "HOME=" + home, "PATH=" + os.Getenv("PATH")}
	return append(env, extra...)
}

// command builds the exec.Cmd; with limitMem and a shell at hand, the
// shell sets the ulimit and then replaces itself with the tool.
func (t tool) command(ctx context.Context, lim Limits) *exec.Cmd {
	name, args := t.path, t.args
	if t.limitMem && lim.ToolMemory > 0 {
		if sh, err := exec.LookPath("sh"); err == nil {
			kb := strconv.FormatInt(lim.ToolMemory>>10, 10)
			script := `ulimit -v "$1" 2>/dev/null; shift; exec "$@"`
			args = append([]string{"-c", script, "sh", kb, name}, args...)
			name = sh
		}
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = t.env
	cmd.Stdin = t.stdin
	cmd.WaitDelay = 2 * time.Second
	killGroup(cmd)
	return cmd
}

// runTool runs t within the limits and streams its output to consume. The
// tool is killed when it runs past lim.ToolTimeout, when its output passes
// toolOutputFactor×lim.MaxTextBytes, or when consume fails. Errors are
// *wengao.Error for the limits and for ctx, consume's own errors, or a
// *toolError for a tool that failed.
func runTool(ctx context.Context, lim Limits, t tool, consume func(io.Reader) error) error {
	runCtx, cancel := context.WithTimeout(ctx, lim.ToolTimeout)
	defer cancel()
	cmd := t.command(runCtx, lim)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr := t.stderr
	if stderr == nil {
		stderr = &cappedBuffer{}
	}
	stderr.max = maxToolStderr
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	out := &cappedReader{r: stdout, max: lim.MaxTextBytes * toolOutputFactor}
	consumeErr := consume(out)
	if consumeErr != nil || out.exceeded {
		cancel()
	}
	_, _ = io.Copy(io.Discard, out)
	waitErr := cmd.Wait()
	switch {
	case ctx.Err() != nil:
		return errorf(wengao.EUNAVAILABLE, msgCanceled)
	case errors.Is(runCtx.Err(), context.DeadlineExceeded):
		return errorf(wengao.ETOOLARGE, msgTimeout)
	case out.exceeded:
		return errTextTooLarge(lim.MaxTextBytes)
	case consumeErr != nil:
		return consumeErr
	case waitErr != nil:
		var exit *exec.ExitError
		if errors.As(waitErr, &exit) {
			return &toolError{exitCode: exit.ExitCode(), stderr: stderr.String()}
		}
		return waitErr
	}
	return nil
}

// cappedReader reads at most max bytes, then reports EOF and exceeded.
type cappedReader struct {
	r        io.Reader
	n, max   int64
	exceeded bool
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.n >= c.max {
		c.exceeded = true
		return 0, io.EOF
	}
	if int64(len(p)) > c.max-c.n {
		p = p[:c.max-c.n]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// cappedBuffer keeps the first max bytes written to it and discards the
// rest.
type cappedBuffer struct {
	buf bytes.Buffer
	max int
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (c *cappedBuffer) String() string { return c.buf.String() }

// writeTemp writes data to a new private temporary file and returns its
// path; the caller removes it.
func writeTemp(data []byte, pattern string) (string, error) {
	f, err := os.CreateTemp("", pattern)
	if err != nil {
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}
