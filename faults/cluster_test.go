package faults_test

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// pgCluster is a private PostgreSQL cluster in a temporary directory,
// listening on a free port of 127.0.0.1 only, with trust authentication.
// When the tests run as root, its files belong to the postgres user and
// initdb and pg_ctl run as that user.
type pgCluster struct {
	bindir string
	dir    string // owned by the cluster's user: data/, the socket, the log
	port   int
}

// findPGBin returns the newest PostgreSQL bin directory with initdb.
func findPGBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	dirs = append(dirs, "/usr/local/pgsql/bin")
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dirs = append(dirs, strings.TrimSpace(string(out)))
	}
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("no initdb found (Debian: apt-get install postgresql postgresql-contrib)")
}

func pgMajor(bindir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(bindir)))
	return n
}

// asOwner returns a command that runs as the cluster's owner.
func asOwner(name string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	}
	return exec.Command(name, args...)
}

// runLogged runs cmd with its output in a file (a pipe would be held open by
// the daemonised postmaster) and returns that output on failure.
func runLogged(cmd *exec.Cmd, timeout time.Duration) error {
	f, err := os.CreateTemp("", "caunoi-faults-cmd-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(timeout):
		cmd.Process.Kill() //nolint:errcheck // it is being abandoned
		err = fmt.Errorf("timed out after %s", timeout)
	}
	if err != nil {
		out, _ := os.ReadFile(f.Name())
		return fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
	return nil
}

// freePort returns a port of 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startCluster initialises and starts a private cluster.
func startCluster() (*pgCluster, error) {
	bindir, err := findPGBin()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "caunoi-faults-pg-")
	if err != nil {
		return nil, err
	}
	c := &pgCluster{bindir: bindir, dir: dir}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			c.remove()
			return nil, fmt.Errorf("running as root needs the postgres user to own the cluster: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			c.remove()
			return nil, err
		}
	}
	if err := runLogged(asOwner(filepath.Join(bindir, "initdb"), "-D", c.data(), "-U", "postgres",
		"--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"), 2*time.Minute); err != nil {
		c.remove()
		return nil, err
	}
	if c.port, err = freePort(); err != nil {
		c.remove()
		return nil, err
	}
	if err := c.start(); err != nil {
		c.remove()
		return nil, err
	}
	fmt.Printf("faults: private PostgreSQL (%s) on 127.0.0.1:%d in %s\n", bindir, c.port, dir)
	return c, nil
}

func (c *pgCluster) data() string { return filepath.Join(c.dir, "data") }

// start starts the cluster and waits until it accepts connections.
func (c *pgCluster) start() error {
	return runLogged(asOwner(filepath.Join(c.bindir, "pg_ctl"), "-D", c.data(), "-l", filepath.Join(c.dir, "server.log"),
		"-w", "-t", "60", "-o", fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", c.port, c.dir), "start"),
		90*time.Second)
}

// stop stops the cluster: mode "fast" ends every session at once.
func (c *pgCluster) stop(mode string) error {
	return runLogged(asOwner(filepath.Join(c.bindir, "pg_ctl"), "-D", c.data(), "-w", "-t", "60", "-m", mode, "stop"),
		90*time.Second)
}

// remove stops the cluster if it runs and deletes its files.
func (c *pgCluster) remove() {
	if _, err := os.Stat(filepath.Join(c.data(), "postmaster.pid")); err == nil {
		if err := c.stop("immediate"); err != nil {
			fmt.Fprintln(os.Stderr, "faults: stop the private cluster:", err)
		}
	}
	os.RemoveAll(c.dir)
}

// url returns the URL of the named database.
func (c *pgCluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable&connect_timeout=5", c.port, db)
}

// urlWithPassword is url with a password, which trust authentication
// ignores: the server is given it to prove that it never logs it.
func (c *pgCluster) urlWithPassword(db, password string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword("postgres", password),
		Host: fmt.Sprintf("127.0.0.1:%d", c.port), Path: "/" + db, RawQuery: "sslmode=disable&connect_timeout=5"}
	return u.String()
}

func (c *pgCluster) exec(stmt string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return c.execCtx(ctx, stmt)
}

func (c *pgCluster) execCtx(ctx context.Context, stmt string) error {
	db, err := sql.Open("postgres", c.url("postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}
