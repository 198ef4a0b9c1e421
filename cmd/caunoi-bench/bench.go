package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq" // the PostgreSQL driver

	"caunoi/internal/pgtest"
)

// bench is one run: the built binary, its database and its server.
type bench struct {
	p         Params
	log       io.Writer
	dir       string // temporary: the binary and the server's log
	bin       string
	adminURL  string
	dbName    string
	dbURL     string
	db        *sqlx.DB // the bench database
	server    *child
	baseURL   string
	client    *http.Client
	rssIdleMB float64
	peakMB    float64           // the highest VmHWM seen before a measurement reset it
	tokens    map[string]string // access tokens by email
	debugAddr string            // the server's CAUNOI_DEBUG_ADDR when profiling
	// Secrets of every caunoi the bench runs, made once per run so that the
	// server and the commands (channel add) agree on them.
	jwtSecret, secretKey, fbAppSecret string
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.log, "bench: "+format+"\n", args...)
}

// newBench builds caunoi and creates an empty bench database.
func newBench(ctx context.Context, p Params, log io.Writer) (*bench, error) {
	dir, err := os.MkdirTemp("", "caunoi-bench-")
	if err != nil {
		return nil, err
	}
	b := &bench{p: p, log: log, dir: dir, bin: filepath.Join(dir, "caunoi"), adminURL: pgtest.AdminURL(),
		jwtSecret: randomHex(32), secretKey: randomHex(32), fbAppSecret: randomHex(16)}
	b.logf("building caunoi")
	build := exec.CommandContext(ctx, "go", "build", "-o", b.bin, "./cmd/caunoi") // the build cache of go run and go test
	if out, err := build.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("go build ./cmd/caunoi: %w\n%s", err, out)
	}
	var r [4]byte
	rand.Read(r[:])
	b.dbName = "caunoi_bench_" + hex.EncodeToString(r[:])
	admin, err := sqlx.ConnectContext(ctx, "postgres", b.adminURL)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("connect to %s (set CAUNOI_TEST_DATABASE_URL): %w", pgtest.AdminURL(), err)
	}
	defer admin.Close()
	create := "CREATE DATABASE " + b.dbName
	if p.Template != "" {
		create += " TEMPLATE " + pq.QuoteIdentifier(p.Template)
	}
	if _, err := admin.ExecContext(ctx, create); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("create the bench database: %w", err)
	}
	if b.dbURL, err = pgtest.WithDatabase(b.adminURL, b.dbName); err == nil {
		b.db, err = sqlx.ConnectContext(ctx, "postgres", b.dbURL)
	}
	if err != nil {
		b.close()
		return nil, err
	}
	b.db.SetMaxOpenConns(4)
	b.logf("database %s", b.dbName)
	return b, nil
}

// close stops the server and drops the database; it is safe to call twice.
func (b *bench) close() {
	if b.server != nil {
		b.server.stop()
		b.server = nil
	}
	if b.db != nil {
		b.db.Close()
		b.db = nil
	}
	if b.dbName != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if admin, err := sqlx.ConnectContext(ctx, "postgres", b.adminURL); err == nil {
			if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+b.dbName+" WITH (FORCE)"); err != nil {
				b.logf("drop %s: %v", b.dbName, err)
			}
			admin.Close()
		}
		b.dbName = ""
	}
	os.RemoveAll(b.dir)
}

// env is the environment of every caunoi the bench runs: the same secrets
// for the server and the commands, and the Facebook app secret the webhook
// measurement signs its deliveries with.
func (b *bench) env(addr string) []string {
	return append(os.Environ(), "DATABASE_URL="+b.dbURL, "CAUNOI_ADDR="+addr, "CAUNOI_RATE_LIMIT=off",
		"CAUNOI_JWT_SECRET="+b.jwtSecret, "CAUNOI_SECRET_KEY="+b.secretKey,
		"CAUNOI_FACEBOOK_APP_SECRET="+b.fbAppSecret,
		"CAUNOI_PUBLIC_URL=http://"+addr, "CAUNOI_LOG_FORMAT=json")
}

func randomHex(n int) string {
	r := make([]byte, n)
	rand.Read(r)
	return hex.EncodeToString(r)
}

var seedRate = regexp.MustCompile(`([0-9]+) tickets and [0-9]+ events .* in ([0-9.]+) s: ([0-9]+) tickets/s`)

// prepare migrates, seeds the demo and the synthetic tickets, and starts
// the server, recording the seed's rate and the server's idle memory.
func (b *bench) prepare(ctx context.Context, res *Results) error {
	for _, args := range [][]string{{"migrate"}, {"seed", "--demo"}} {
		if _, err := b.caunoi(ctx, args...); err != nil {
			return err
		}
	}
	if b.p.Template != "" {
		b.logf("tickets copied from %s: not seeded", b.p.Template)
		return b.start(ctx)
	}
	b.logf("seeding %d synthetic tickets across %d units", b.p.Tickets, b.p.Units)
	start := time.Now()
	out, err := b.caunoi(ctx, "seed", "--synthetic", strconv.Itoa(b.p.Tickets), "--units", strconv.Itoa(b.p.Units),
		"--days", strconv.Itoa(b.p.Days))
	if err != nil {
		return err
	}
	res.Seed = SeedFigure{Tickets: b.p.Tickets, Units: b.p.Units, Seconds: time.Since(start).Seconds(), Output: out}
	if m := seedRate.FindStringSubmatch(out); m != nil {
		res.Seed.PerSecond, _ = strconv.ParseFloat(m[3], 64)
	}
	if _, err := b.db.ExecContext(ctx, "ANALYZE"); err != nil {
		return err
	}
	return b.start(ctx)
}

// start starts the server and records its idle memory.
func (b *bench) start(ctx context.Context) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	b.baseURL = "http://" + addr
	env := b.env(addr)
	if b.p.ProfileDir != "" {
		dport, err := freePort()
		if err != nil {
			return err
		}
		b.debugAddr = "127.0.0.1:" + strconv.Itoa(dport)
		env = append(env, "CAUNOI_DEBUG_ADDR="+b.debugAddr)
	}
	b.server, err = startChild(b.bin, filepath.Join(b.dir, "serve.log"), env, "serve", "--no-jobs")
	if err != nil {
		return err
	}
	b.client = newClient(b.p.Clients)
	if err := waitReady(ctx, b.client, b.baseURL+"/readyz", 30*time.Second); err != nil {
		return fmt.Errorf("%w; the server's log: %s", err, b.server.tail())
	}
	time.Sleep(time.Second)
	if b.rssIdleMB, err = b.server.memory("VmRSS"); err != nil {
		return err
	}
	b.logf("server ready on %s (pid %d, %.1f MB resident)", addr, b.server.cmd.Process.Pid, b.rssIdleMB)
	return nil
}

// caunoi runs a caunoi subcommand to completion and returns its output.
func (b *bench) caunoi(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, b.bin, args...)
	cmd.Env = b.env("127.0.0.1:0")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("caunoi %v: %w: %s", args, err, out.String())
	}
	b.logf("caunoi %v: %s", args, bytes.TrimSpace(out.Bytes()))
	return out.String(), nil
}

// profile fetches a CPU profile of the server over the next d into
// DIR/name.pprof, in the background; the returned function waits for it.
// It does nothing unless the run profiles (--profile).
func (b *bench) profile(ctx context.Context, name string, d time.Duration) func() {
	if b.debugAddr == "" || d < time.Second {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", b.debugAddr, int(d/time.Second))
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.logf("profile %s: %v", name, err)
			return
		}
		defer resp.Body.Close()
		path := filepath.Join(b.p.ProfileDir, name+".pprof")
		f, err := os.Create(path)
		if err == nil {
			_, err = io.Copy(f, resp.Body)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			b.logf("profile %s: %v", name, err)
			return
		}
		b.logf("CPU profile of the server: %s (go tool pprof -top %s %s)", path, b.bin, path)
	}()
	return func() { <-done }
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func waitReady(ctx context.Context, c *http.Client, url string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := c.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("the server was not ready within %s", within)
}

// child is a server process the bench started.
type child struct {
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

func startChild(bin, logPath string, env []string, args ...string) (*child, error) {
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, err
	}
	c := &child{cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() { cmd.Wait(); f.Close(); close(c.done) }()
	return c, nil
}

// stop asks the server to finish (SIGTERM) and kills it after 10 s.
func (c *child) stop() {
	c.cmd.Process.Signal(os.Interrupt)
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		c.cmd.Process.Kill()
		<-c.done
	}
}

// memory returns a VmRSS or VmHWM line of the server's /proc status, in MB.
func (c *child) memory(field string) (float64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var kb float64
		if n, _ := fmt.Sscanf(sc.Text(), field+": %f kB", &kb); n == 1 {
			return float64(int(kb/1024*10+0.5)) / 10, nil
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, c.cmd.Process.Pid)
}

// tail returns the end of the server's log.
func (c *child) tail() string {
	b, _ := os.ReadFile(c.log)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}
