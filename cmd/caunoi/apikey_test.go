package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/demo"
	"caunoi/internal/pgtest"
	"caunoi/repository"
)

// demoRefNow is when the CLI tests' reference data is seeded.
var demoRefNow = time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)

func demoReference(ctx context.Context, db *sqlx.DB) error {
	return demo.SeedReference(ctx, repository.NewStore(db, nil), demoRefNow)
}

func TestAPIKeyAddPrintsAKeyThatPostsOpen311Requests(t *testing.T) {
	u := pgtest.NewURLFrom(t, demo.TemplateKey("cli", demoRefNow), demoReference)
	vars := env(map[string]string{"DATABASE_URL": u})
	apikey := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"apikey"}, args...), vars, strings.NewReader(""), &out, io.Discard)
		return out.String(), err
	}
	out, err := apikey("add", "--name", "FixMyStreet Phú Thọ", "--unit", "xuan-lung")
	if err != nil {
		t.Fatal(err)
	}
	key, rest, _ := strings.Cut(out, "\n")
	if !strings.HasPrefix(key, "cn_") || len(key) != 46 || !strings.Contains(rest, "xuan-lung") {
		t.Fatalf("output %q", out)
	}

	db, err := sqlx.Open("postgres", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stored struct {
		Hash   []byte `db:"key_hash"`
		Prefix string `db:"prefix"`
		Name   string `db:"name"`
	}
	if err := db.Get(&stored, "SELECT key_hash, prefix, name FROM api_keys"); err != nil {
		t.Fatal(err)
	}
	if len(stored.Hash) != 32 || bytes.Contains(stored.Hash, []byte(key)) || stored.Prefix != key[:9] ||
		stored.Name != "FixMyStreet Phú Thọ" {
		t.Fatalf("stored %+v", stored)
	}

	base := startServer(t, u, nil)
	post := func(key, unit string) int {
		t.Helper()
		form := url.Values{"api_key": {key}, "jurisdiction_id": {unit}, "service_code": {"moi-truong"},
			"address_string": {"Chợ Xuân Lũng"}, "description": {"Rác tồn đọng ở cổng chợ"}}
		resp, err := http.Post(base+"/open311/v2/requests.json", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body []map[string]any
		json.NewDecoder(resp.Body).Decode(&body)
		if resp.StatusCode == 200 && (len(body) != 1 || body[0]["service_request_id"] == "") {
			t.Fatalf("answer %v", body)
		}
		return resp.StatusCode
	}
	if st := post(key, "xuan-lung"); st != 200 {
		t.Fatalf("POST with the printed key: %d", st)
	}
	if st := post(key, "au-co"); st != 403 {
		t.Fatalf("POST to another unit: %d", st)
	}

	list, err := apikey("list")
	if err != nil || !strings.Contains(list, key[:9]) || strings.Contains(list, key) || !strings.Contains(list, "active") {
		t.Fatalf("list %q %v", list, err)
	}
	id, _, _ := strings.Cut(list, "\t")
	if _, err := apikey("revoke", id); err != nil {
		t.Fatal(err)
	}
	if st := post(key, "xuan-lung"); st != 403 {
		t.Fatalf("POST with a revoked key: %d", st)
	}

	for _, bad := range [][]string{{"add"}, {"add", "--name", "x", "--unit", "atlantis"}, {"revoke", "x"}, {"remove"}, {}} {
		if _, err := apikey(bad...); err == nil {
			t.Errorf("apikey %v succeeded", bad)
		}
	}
}
