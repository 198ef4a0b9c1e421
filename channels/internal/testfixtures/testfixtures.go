// Package testfixtures reads the channel fixtures of channels/testdata for the
// adapters' tests.
package testfixtures

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Dir returns the absolute path of channels/testdata.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata")
}

// Read returns the exact bytes of the fixture name; it fails the test when
// the file cannot be read.
func Read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Dir(), name))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return b
}

// Signatures are the contents of SIGNATURES.txt.
type Signatures struct {
	Secrets map[string]string // FB_APP_SECRET, ZALO_OA_SECRET_KEY
	Headers map[string]string // fixture file name → header value
}

// ReadSignatures parses SIGNATURES.txt; it fails the test when the file
// cannot be read or lacks a secret.
func ReadSignatures(t testing.TB) Signatures {
	t.Helper()
	s := Signatures{Secrets: map[string]string{}, Headers: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(Read(t, "SIGNATURES.txt")))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "# "); ok {
			if k, v, ok := strings.Cut(rest, "="); ok && !strings.ContainsAny(k, " :") {
				s.Secrets[k] = v
			}
			continue
		}
		file, header, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		if _, v, ok := strings.Cut(header, ": "); ok {
			s.Headers[file] = v
		}
	}
	for _, k := range []string{"FB_APP_SECRET", "ZALO_OA_SECRET_KEY"} {
		if s.Secrets[k] == "" {
			t.Fatalf("SIGNATURES.txt has no %s", k)
		}
	}
	return s
}
