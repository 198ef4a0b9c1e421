package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"

	"caunoi/demo"
)

// measureIntake posts realistic Vietnamese feedback to every unit from 8
// clients and checks that every 201 was stored: the count of new tickets
// in the database equals the count of 201s.
func measureIntake(ctx context.Context, b *bench) (Figure, error) {
	var units []string
	if err := b.db.SelectContext(ctx, &units, `SELECT code FROM units WHERE level <> 'province' AND active ORDER BY id`); err != nil {
		return Figure{}, err
	}
	var before int64
	if err := b.db.GetContext(ctx, &before, "SELECT coalesce(max(id), 0) FROM tickets"); err != nil {
		return Figure{}, err
	}
	bodies := feedbackBodies(units, 4096)
	url := b.baseURL + "/api/v1/feedback"
	res := runLoad(ctx, b.p.Clients, b.p.Duration, func(c, i int) request {
		return request{method: http.MethodPost, url: url, contentType: "application/json",
			body: bodies[(c*7919+i)%len(bodies)]}
	})
	var stored int
	if err := b.db.GetContext(ctx, &stored, "SELECT count(*) FROM tickets WHERE id > $1 AND channel = 'web'", before); err != nil {
		return Figure{}, err
	}
	f := figureOf(res, http.StatusCreated, "tickets")
	created := res.ByStatus[http.StatusCreated]
	f.Extra = map[string]any{"created_201": created, "stored": stored, "by_status": res.ByStatus}
	f.Note = fmt.Sprintf("%d answered 201, %d stored", created, stored)
	if stored != created {
		f.Note += " — MISMATCH"
		f.Errors += abs(stored - created)
	}
	return f, nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// feedbackBodies returns n JSON bodies of POST /api/v1/feedback: the demo's
// sample messages to the given units, some with a name and phone, some
// with a village or a location, kinds mostly feedback.
func feedbackBodies(units []string, n int) [][]byte {
	rng := rand.New(rand.NewPCG(10, 2026))
	msgs := demo.SampleMessages()
	villages := []string{"Thôn 1", "Thôn 3", "Xóm Chùa", "Tổ dân phố 4", "Khu 5", "Thôn Đồng Xuân"}
	kinds := []string{"feedback", "feedback", "feedback", "feedback", "feedback", "feedback", "petition", "inquiry"}
	out := make([][]byte, n)
	for i := range out {
		m := msgs[rng.IntN(len(msgs))]
		body := map[string]any{"unit": units[rng.IntN(len(units))], "kind": kinds[rng.IntN(len(kinds))],
			"title": m.Title, "body": m.Body}
		if rng.IntN(2) == 0 {
			body["citizen"] = map[string]string{"name": "Nguyễn Văn An", "phone": fmt.Sprintf("09%08d", rng.IntN(100000000))}
		}
		loc := map[string]any{"village": villages[rng.IntN(len(villages))]}
		if rng.IntN(3) == 0 {
			loc["lat"], loc["lng"] = 21.2+rng.Float64()*0.5, 105.0+rng.Float64()*0.5
		}
		body["location"] = loc
		out[i], _ = json.Marshal(body)
	}
	return out
}
