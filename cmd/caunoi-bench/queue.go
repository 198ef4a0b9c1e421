package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"caunoi/demo"
)

// The demo's province administrator sees every unit's tickets: the queue
// and the search run over all of them.
const benchStaff = "admin@demo.caunoi.vn"

// The staff queue (GET /api/v1/tickets, page of 50, open tickets in due
// order) and a diacritic-free search ("den duong") over the seeded volume:
// with the intake's 8 clients, where the p99 is mostly waiting for a core
// (8 requests at once on 2 cores, the load generator's among them), and
// with one client, where it is a page's own time.
const (
	queuePath  = "/api/v1/tickets?limit=50"
	searchPath = "/api/v1/tickets?q=den+duong&limit=50"
)

func measureQueue(ctx context.Context, b *bench) (Figure, error) {
	return measureList(ctx, b, queuePath, b.p.Clients)
}

func measureSearch(ctx context.Context, b *bench) (Figure, error) {
	return measureList(ctx, b, searchPath, b.p.Clients)
}

func measureQueueAlone(ctx context.Context, b *bench) (Figure, error) {
	return measureList(ctx, b, queuePath, 1)
}

func measureSearchAlone(ctx context.Context, b *bench) (Figure, error) {
	return measureList(ctx, b, searchPath, 1)
}

func measureList(ctx context.Context, b *bench, path string, clients int) (Figure, error) {
	if f, err := notYet(ctx, b, http.MethodGet, path); f != nil || err != nil {
		return deref(f), err
	}
	token, err := b.login(ctx, benchStaff)
	if err != nil {
		return Figure{Skipped: "cannot sign in: " + err.Error()}, nil
	}
	url := b.baseURL + path
	res := runLoad(ctx, clients, b.p.Duration, func(c, i int) request {
		return request{method: http.MethodGet, url: url, token: token}
	})
	f := figureOf(res, http.StatusOK, "pages")
	f.Note = fmt.Sprintf("as %s, %d client(s)", benchStaff, clients)
	return f, nil
}

// login returns an access token of a demo account, once per run.
func (b *bench) login(ctx context.Context, email string) (string, error) {
	if b.tokens == nil {
		b.tokens = map[string]string{}
	}
	if t := b.tokens[email]; t != "" {
		return t, nil
	}
	body, _ := json.Marshal(map[string]string{"email": email, "password": demo.Password})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.baseURL+"/api/v1/auth/login", strings.NewReader(string(body)))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || out.AccessToken == "" {
		return "", fmt.Errorf("POST /api/v1/auth/login → %d", resp.StatusCode)
	}
	b.tokens[email] = out.AccessToken
	return out.AccessToken, nil
}
