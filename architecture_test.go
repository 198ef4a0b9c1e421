package caunoi_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The floors of docs/ARCHITECTURE.md, bottom up: a package may import the
// packages of lower floors, and within its own folder tree (channels/zalo
// imports channels and channels/internal/...), never one on its own floor
// or above: api, ui, open311 and webhook never import each other. A folder not
// listed fails the test: a new package gets its floor in the document and
// here, by someone deciding where it belongs.
var floors = map[string]int{
	".":      0, // the embedded schema and migrations
	"domain": 0,

	"auth": 1, "secretbox": 1, "ratelimit": 1, "notify": 1, "channels": 1, "reports": 1, "web": 1,
	"repository": 1, "internal/srchash": 1, "internal/reportoracle": 1,

	"jobs": 2, "internal/httpx": 2, "internal/synthetic": 2,

	"api": 3, "ui": 3, "open311": 3, "webhook": 3, "demo": 3,

	"server": 4, "internal/pgtest": 4,

	"internal/apitest": 5,

	"faults": 6, "browsertest": 6,

	"cmd": 7,
}

const module = "caunoi"

// room is the top folder of a package path relative to the module ("." for
// the root; internal/x for a package under internal).
func room(rel string) string {
	if rel == "." || rel == "" {
		return "."
	}
	top, rest, _ := strings.Cut(rel, "/")
	if top == "internal" { // each internal package is a room of its own
		sub, _, _ := strings.Cut(rest, "/")
		return top + "/" + sub
	}
	return top
}

// TestEveryImportGoesDown reads every non-test Go file of the module and
// checks its imports against the floors; domain may import only the
// standard library and golang.org/x/text.
func TestEveryImportGoesDown(t *testing.T) {
	imports := map[string]map[string]bool{} // package dir → imported paths
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(p))
		if imports[dir] == nil {
			imports[dir] = map[string]bool{}
		}
		for _, imp := range f.Imports {
			v, _ := strconv.Unquote(imp.Path.Value)
			imports[dir][v] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) < 15 {
		t.Fatalf("read only %d packages: the walk is broken", len(imports))
	}
	dirs := make([]string, 0, len(imports))
	for d := range imports {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		from := room(dir)
		fromFloor, ok := floors[from]
		if !ok {
			t.Errorf("%s: the folder %s has no floor in docs/ARCHITECTURE.md and this test", dir, from)
			continue
		}
		for imp := range imports[dir] {
			if dir == "domain" && strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") &&
				!strings.HasPrefix(imp, "golang.org/x/text/") {
				t.Errorf("domain imports %s: only the standard library and golang.org/x/text", imp)
			}
			if imp != module && !strings.HasPrefix(imp, module+"/") {
				continue
			}
			rel := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")
			to := room(rel)
			if to == from {
				continue // within one tree (the compiler refuses cycles)
			}
			if dir == "domain" {
				t.Errorf("domain imports %s: domain imports nothing of the module", imp)
				continue
			}
			toFloor, ok := floors[to]
			if !ok {
				t.Errorf("%s imports %s, whose folder has no floor", dir, imp)
				continue
			}
			if toFloor >= fromFloor {
				t.Errorf("%s (floor %d) imports %s (floor %d): imports go down only (docs/ARCHITECTURE.md)",
					dir, fromFloor, imp, toFloor)
			}
		}
	}
	if _, err := os.Stat(path.Join("docs", "ARCHITECTURE.md")); err != nil {
		t.Errorf("docs/ARCHITECTURE.md, which these floors follow: %v", err)
	}
}
