// Package web holds Cầu Nối's server-rendered pages: the html/template files,
// the static assets (CSS, a little JavaScript, icons) and the Vietnamese and
// English strings, all embedded in the binary and parsed once at start-up.
// The api package fills the view structs of views.go and renders them.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strings"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Templates is the parsed set of pages: each page is the layout plus its own
// file and the shared partials. It is safe for concurrent use.
type Templates struct {
	pages   map[string]*template.Template
	version string
}

// Load parses every page once. It returns an error naming the file when a
// template does not parse.
func Load() (*Templates, error) {
	version, err := staticVersion()
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"asset": func(name string) string { return "/static/" + name + "?v=" + version },
		"seq":   seq,
		"add":   func(a, b int) int { return a + b },
		"deref64": func(p *float64) float64 {
			if p == nil {
				return 0
			}
			return *p
		},
		"deref": func(p *int) int {
			if p == nil {
				return 0
			}
			return *p
		},
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: list templates: %w", err)
	}
	t := &Templates{pages: map[string]*template.Template{}, version: version}
	for _, n := range names {
		name := path.Base(n)
		if name == "layout.html" || strings.HasPrefix(name, "_") {
			continue
		}
		clone, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("web: clone layout for %s: %w", name, err)
		}
		if _, err := clone.ParseFS(templateFiles, n); err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", name, err)
		}
		t.pages[strings.TrimSuffix(name, ".html")] = clone
	}
	return t, nil
}

// Render writes the page name (its file name without .html) filled with p.
// The page is rendered whole into memory first, so a template error leaves
// w untouched; it returns that error, or the writer's.
func (t *Templates) Render(w io.Writer, name string, p *Page) error {
	tmpl, ok := t.pages[name]
	if !ok {
		return fmt.Errorf("web: no page %q", name)
	}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// Static returns the static assets (app.css, app.js, ...), to be served
// under /static/.
func Static() fs.FS {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err) // the directory is embedded: cannot happen
	}
	return sub
}

// staticVersion is a short hash of the static files, appended to their URLs
// so that they can be cached for long and still change with a release.
func staticVersion() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		h.Write([]byte(p))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("web: hash static files: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:10], nil
}

func seq(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}
