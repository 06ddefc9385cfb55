// Package difftest is the differential-testing harness: a random scenario
// generator, an out-of-process oracle (the npm package
// @cloud-copilot/iam-simulate, run by test/oracle/oracle.mjs), and helpers that
// compare our engine's decisions with the oracle's.
//
// The oracle is AGPL-licensed. It is installed at test time only
// (`make oracle` or `npm ci --prefix test/oracle`) and talked to through pipes;
// nothing of it is vendored, linked or copied into cleanroom.
package difftest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/scenario"
)

// ErrOracleUnavailable is returned by StartOracle when node or the oracle's
// npm packages are not installed.
var ErrOracleUnavailable = errors.New("difftest: oracle unavailable")

// OracleInstallHint tells how to install the oracle.
const OracleInstallHint = "install Node.js (>= 20) and run `make oracle` or `npm ci --prefix test/oracle` from the repository root"

// oracleScript is the oracle's entry point, relative to the repository root.
const oracleScript = "test/oracle/oracle.mjs"

// OracleResult is the oracle's answer for one scenario. Exactly one of
// Decision and Error is set.
type OracleResult struct {
	// ID is the ID of the scenario given to Decide (the oracle itself is sent
	// sequence numbers).
	ID json.RawMessage `json:"-"`
	// Decision is Allowed, ExplicitlyDenied or ImplicitlyDenied.
	Decision string `json:"decision,omitempty"`
	// BlockedBy lists the policy types that denied (identity, resource, scp,
	// rcp, pb, session), as far as the oracle can tell.
	BlockedBy []string `json:"blockedBy,omitempty"`
	// IgnoredContextKeys are context keys the oracle dropped because they do
	// not apply to the action and resource type.
	IgnoredContextKeys []string `json:"ignoredContextKeys,omitempty"`
	ResourceType       string   `json:"resourceType,omitempty"`
	ResultType         string   `json:"resultType,omitempty"` // single | wildcard
	// Error is set when the oracle refused the scenario.
	Error string `json:"error,omitempty"`
}

// Oracle is a running oracle process. Decide may be called many times; calls
// are serialized.
type Oracle struct {
	mu     sync.Mutex
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr *tailBuffer
	seq    uint64
	broken error
	done   chan struct{}
}

// RepoRoot returns the root of the module: the nearest directory holding
// go.mod, searched upward from the working directory and then from this
// source file's directory.
func RepoRoot() (string, error) {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		starts = append(starts, filepath.Dir(file))
	}
	for _, dir := range starts {
		for d := dir; ; {
			if st, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && !st.IsDir() {
				return d, nil
			}
			parent := filepath.Dir(d)
			if parent == d {
				break
			}
			d = parent
		}
	}
	return "", errors.New("difftest: go.mod not found above the working directory")
}

// StartOracle starts `node test/oracle/oracle.mjs`. It returns an error
// wrapping ErrOracleUnavailable when node (or $CLEANROOM_NODE) or
// test/oracle/node_modules is missing. The process is killed when ctx is done
// or Close is called.
func StartOracle(ctx context.Context) (*Oracle, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOracleUnavailable, err)
	}
	node := os.Getenv("CLEANROOM_NODE")
	if node == "" {
		node = "node"
	}
	nodePath, err := exec.LookPath(node)
	if err != nil {
		return nil, fmt.Errorf("%w: node not found (%v); %s", ErrOracleUnavailable, err, OracleInstallHint)
	}
	pkg := filepath.Join(root, "test", "oracle", "node_modules", "@cloud-copilot", "iam-simulate", "package.json")
	if _, err := os.Stat(pkg); err != nil {
		return nil, fmt.Errorf("%w: test/oracle/node_modules is not installed; %s", ErrOracleUnavailable, OracleInstallHint)
	}
	cmd := exec.CommandContext(ctx, nodePath, filepath.FromSlash(oracleScript))
	cmd.Dir = root
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	tail := &tailBuffer{max: 16 << 10}
	cmd.Stderr = tail
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("difftest: starting the oracle: %w", err)
	}
	o := &Oracle{
		cmd:    cmd,
		stdin:  stdin,
		stdout: bufio.NewReaderSize(stdout, 1<<20),
		stderr: tail,
		done:   make(chan struct{}),
	}
	return o, nil
}

// Decide sends the scenarios to the oracle and returns its answers, one per
// scenario, in order. A scenario the oracle refuses gets a result with Error
// set; the returned error is for failures of the process or the pipes, after
// which the Oracle is unusable.
func (o *Oracle) Decide(scs []*scenario.Scenario) ([]OracleResult, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.broken != nil {
		return nil, o.broken
	}
	if len(scs) == 0 {
		return nil, nil
	}
	first := o.seq + 1
	o.seq += uint64(len(scs))

	// The writer streams the batch in while this goroutine reads the answers,
	// so neither pipe fills up.
	werr := make(chan error, 1)
	go func() {
		w := bufio.NewWriterSize(o.stdin, 1<<20)
		for i, sc := range scs {
			c := *sc
			c.ID = json.RawMessage(strconv.FormatUint(first+uint64(i), 10))
			b, err := json.Marshal(&c)
			if err != nil {
				// Keep the stream aligned: send a line the oracle answers
				// with an error, carrying our sequence number.
				b, _ = json.Marshal(map[string]any{"id": first + uint64(i), "request": "unmarshalable: " + err.Error()})
			}
			b = append(b, '\n')
			if _, err := w.Write(b); err != nil {
				werr <- err
				return
			}
		}
		werr <- w.Flush()
	}()

	out := make([]OracleResult, len(scs))
	for i := range scs {
		line, err := o.stdout.ReadBytes('\n')
		if err != nil {
			o.broken = fmt.Errorf("difftest: reading from the oracle after %d of %d answers: %v; stderr: %s", i, len(scs), err, o.stderr.String())
			return nil, o.broken
		}
		var raw struct {
			ID json.RawMessage `json:"id"`
			OracleResult
		}
		if err := json.Unmarshal(line, &raw); err != nil {
			o.broken = fmt.Errorf("difftest: bad line from the oracle: %v: %q", err, truncate(string(line), 300))
			return nil, o.broken
		}
		want := strconv.FormatUint(first+uint64(i), 10)
		if got := string(bytes.TrimSpace(raw.ID)); got != want {
			o.broken = fmt.Errorf("difftest: oracle answered id %s, want %s (stream out of step)", got, want)
			return nil, o.broken
		}
		r := raw.OracleResult
		r.ID = scs[i].ID
		out[i] = r
	}
	if err := <-werr; err != nil {
		o.broken = fmt.Errorf("difftest: writing to the oracle: %w; stderr: %s", err, o.stderr.String())
		return nil, o.broken
	}
	return out, nil
}

// Close ends the oracle process.
func (o *Oracle) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.broken == nil {
		o.broken = errors.New("difftest: oracle closed")
	}
	select {
	case <-o.done:
		return nil
	default:
		close(o.done)
	}
	o.stdin.Close()
	// The oracle exits once its input ends and its answers are written; one
	// that does not (a broken pipe, a wedged worker) is killed.
	exited := make(chan struct{})
	defer close(exited)
	go func() {
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			o.cmd.Process.Kill()
		}
	}()
	go io.Copy(io.Discard, o.stdout) // unread answers must not block its exit
	err := o.cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == -1 {
		return nil // killed by context cancellation
	}
	if err != nil {
		return fmt.Errorf("difftest: oracle exited: %w; stderr: %s", err, o.stderr.String())
	}
	return nil
}

// StartOracleForTest starts the oracle for a test or benchmark and closes it
// when the test ends. When the oracle is not installed the test is skipped
// with installation instructions, or fails when $CI is "true".
func StartOracleForTest(tb testing.TB) *Oracle {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	o, err := StartOracle(ctx)
	if err != nil {
		cancel()
		SkipIfOracleUnavailable(tb, err)
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := o.Close(); err != nil {
			tb.Error(err)
		}
		cancel()
	})
	return o
}

// SkipIfOracleUnavailable skips tb when err is ErrOracleUnavailable (failing
// it instead when $CI is "true"); other errors are left to the caller.
func SkipIfOracleUnavailable(tb testing.TB, err error) {
	tb.Helper()
	if err == nil || !errors.Is(err, ErrOracleUnavailable) {
		return
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%v (the oracle is required in CI)", err)
	}
	tb.Skipf("%v", err)
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.b) == 0 {
		return "(empty)"
	}
	return string(t.b)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
