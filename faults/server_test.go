package faults_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The secrets every server of these tests is started with; no log line of
// any of them may ever contain one (checked when each test ends).
const (
	jwtSecret   = "faults-jwt-SECRET-7f3a9c2e51d84b6aa0c1e2f3d4b5a697"
	secretKey   = "faults-secret-KEY-0b9e8d7c6a5f4e3d2c1b0a9f8e7d6c5b"
	fbAppSecret = "faults-fb-APP-SECRET-5e4d3c2b1a09f8e7d6c5b4a3"
	fbVerify    = "faults-fb-VERIFY-TOKEN-93c1d2e4f5a6b7c8"
	dbPassword  = "faults-db-PASSWORD-c4e2a19b7d" // in DATABASE_URL; trust auth ignores it
)

// configuredSecrets are the values grepped for in every server's output.
var configuredSecrets = []string{jwtSecret, secretKey, fbAppSecret, fbVerify, dbPassword}

// server is one caunoi serve process.
type server struct {
	t       *testing.T
	addr    string
	base    string
	cmd     *exec.Cmd
	out     *syncBuffer // stdout and stderr, as an operator's log collector would keep them
	exited  chan struct{}
	waitErr error
}

// syncBuffer is a bytes.Buffer safe for concurrent writers and readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// freeAddr returns a free 127.0.0.1 address; a test keeps it across
// restarts so its clients need not learn a new one.
func freeAddr(t *testing.T) string {
	t.Helper()
	p, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("127.0.0.1:%d", p)
}

// serverEnv is the environment of a test server.
func serverEnv(d *database, addr string, extra map[string]string) []string {
	vars := map[string]string{
		"PATH":                         os.Getenv("PATH"),
		"HOME":                         os.TempDir(),
		"DATABASE_URL":                 d.url,
		"CAUNOI_ADDR":                  addr,
		"CAUNOI_PUBLIC_URL":            "http://" + addr,
		"CAUNOI_JWT_SECRET":            jwtSecret,
		"CAUNOI_SECRET_KEY":            secretKey,
		"CAUNOI_FACEBOOK_APP_SECRET":   fbAppSecret,
		"CAUNOI_FACEBOOK_VERIFY_TOKEN": fbVerify,
		"CAUNOI_FACEBOOK_GRAPH_URL":    "http://127.0.0.1:9/graph", // nothing leaves the machine
		"CAUNOI_ZALO_API_URL":          "http://127.0.0.1:9/zalo",
		"CAUNOI_RATE_LIMIT":            "off", // the load comes from one address
		"CAUNOI_LOG_FORMAT":            "json",
	}
	for k, v := range extra {
		vars[k] = v
	}
	env := make([]string, 0, len(vars))
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}

// startServer runs `caunoi serve ARGS` on addr against d and waits until it
// listens. Its output is checked for secrets when the test ends, and a
// process still running then is killed.
func startServer(t *testing.T, d *database, addr string, extra map[string]string, args ...string) *server {
	t.Helper()
	s := &server{t: t, addr: addr, base: "http://" + addr, out: &syncBuffer{}, exited: make(chan struct{})}
	s.cmd = exec.Command(binPath, append([]string{"serve"}, args...)...)
	s.cmd.Env = serverEnv(d, addr, extra)
	s.cmd.Stderr = s.out
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	listening := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			s.out.Write([]byte(line + "\n")) //nolint:errcheck // a buffer
			if strings.Contains(line, "listening on ") {
				once.Do(func() { close(listening) })
			}
		}
		io.Copy(s.out, stdout) //nolint:errcheck // drain
		s.waitErr = s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		if !s.done() {
			s.cmd.Process.Kill() //nolint:errcheck // the test is over
			<-s.exited
		}
		checkNoSecrets(t, "server output", s.out.String())
	})
	select {
	case <-listening:
		return s
	case <-s.exited:
		t.Fatalf("caunoi serve exited before listening: %v\n%s", s.waitErr, s.out)
	case <-time.After(60 * time.Second):
		t.Fatalf("caunoi serve did not listen within 60 s\n%s", s.out)
	}
	return nil
}

func (s *server) done() bool {
	select {
	case <-s.exited:
		return true
	default:
		return false
	}
}

// kill ends the process with SIGKILL, as a crash or an OOM kill would.
func (s *server) kill() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		s.t.Fatal(err)
	}
	<-s.exited
}

// terminate sends SIGTERM and waits at most limit for the process to end; it
// returns how long that took and the exit code (-1 if it did not end).
func (s *server) terminate(limit time.Duration) (time.Duration, int) {
	s.t.Helper()
	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		s.t.Fatal(err)
	}
	select {
	case <-s.exited:
	case <-time.After(limit):
		return time.Since(start), -1
	}
	return time.Since(start), s.cmd.ProcessState.ExitCode()
}

// checkNoSecrets fails t if text holds a configured secret.
func checkNoSecrets(t *testing.T, what, text string, more ...string) {
	t.Helper()
	for _, s := range append(append([]string{}, configuredSecrets...), more...) {
		if s != "" && strings.Contains(text, s) {
			i := strings.Index(text, s)
			from, to := max(0, i-200), min(len(text), i+len(s)+50)
			t.Errorf("%s holds a secret (%.12s…): …%s…", what, s, text[from:to])
		}
	}
}

// runCLI runs a caunoi subcommand against d and returns its output.
func runCLI(d *database, args ...string) (string, error) {
	cmd := exec.Command(binPath, args...)
	cmd.Env = serverEnv(d, "127.0.0.1:0", nil)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
