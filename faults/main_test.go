package faults_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the PostgreSQL driver
)

// The process-wide state TestMain sets up: the built binary and the private
// cluster with a migrated, demo-seeded template database.
var (
	binPath string
	cluster *pgCluster
)

const templateDB = "caunoi_faults_tpl"

func TestMain(m *testing.M) { os.Exit(testMain(m)) }

func testMain(m *testing.M) int {
	if os.Getenv("CAUNOI_FAULTS") != "1" {
		fmt.Println("faults: skipped; `make test-faults` (CAUNOI_FAULTS=1) runs these end-to-end fault tests")
		return 0
	}
	tmp, err := os.MkdirTemp("", "caunoi-faults-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	binPath = filepath.Join(tmp, "caunoi")
	start := time.Now()
	build := exec.Command("go", "build", "-o", binPath, "./cmd/caunoi")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "faults: go build ./cmd/caunoi: %v\n%s", err, out)
		return 1
	}
	fmt.Printf("faults: built caunoi in %s\n", time.Since(start).Round(100*time.Millisecond))

	cluster, err = startCluster()
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults: private PostgreSQL:", err)
		if os.Getenv("CI") == "true" {
			return 1
		}
		fmt.Println("faults: skipped: no private PostgreSQL cluster could be started here")
		return 0
	}
	defer cluster.remove()
	if err := makeTemplate(); err != nil {
		fmt.Fprintln(os.Stderr, "faults: template database:", err)
		return 1
	}
	return m.Run()
}

// makeTemplate migrates and seeds the demo data into the template database
// with the binary itself, the way an operator would.
func makeTemplate() error {
	if err := cluster.exec("CREATE DATABASE " + templateDB); err != nil {
		return err
	}
	url := cluster.url(templateDB)
	for _, args := range [][]string{{"migrate"}, {"seed", "--demo"}} {
		cmd := exec.Command(binPath, args...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "DATABASE_URL=" + url, "CAUNOI_JWT_SECRET=" + jwtSecret}
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("caunoi %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return nil
}

var dbSeq struct {
	sync.Mutex
	n int
}

// database is one test's own database, cloned from the template.
type database struct {
	name string
	url  string // with a password that trust auth ignores: it must never be logged
	db   *sqlx.DB
}

// newDatabase clones the template for t and drops the clone when t ends.
func newDatabase(t *testing.T) *database {
	t.Helper()
	dbSeq.Lock()
	dbSeq.n++
	name := fmt.Sprintf("caunoi_faults_%d", dbSeq.n)
	dbSeq.Unlock()
	if err := cluster.exec(fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, templateDB)); err != nil {
		t.Fatal(err)
	}
	d := &database{name: name, url: cluster.urlWithPassword(name, dbPassword)}
	var err error
	if d.db, err = sqlx.Open("postgres", cluster.url(name)); err != nil {
		t.Fatal(err)
	}
	d.db.SetMaxOpenConns(4)
	t.Cleanup(func() {
		d.db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := cluster.execCtx(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop %s: %v", name, err)
		}
	})
	return d
}

// summary records one line of figures for the script's closing summary.
func summary(t *testing.T, format string, args ...any) {
	t.Helper()
	line := fmt.Sprintf(format, args...)
	t.Log("SUMMARY " + line)
	p := os.Getenv("CAUNOI_FAULTS_SUMMARY")
	if p == "" {
		return
	}
	f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Logf("summary file: %v", err)
		return
	}
	defer f.Close()
	fmt.Fprintln(f, line)
}
