package webhook_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"

	"caunoi/channels/facebook"
)

// BenchmarkWebhookFacebookComment measures signed Facebook comment
// deliveries through the real handler into real PostgreSQL, each a new
// comment from a new sender (so each makes a ticket), over loopback HTTP
// with keep-alive, set up as BenchmarkIntake's clients8 so that the two
// compare: 8 clients at once (SetParallelism 4 on 2 cores), the pool as in
// production, a warm-up outside the timing, bodies made and signed before
// it. ns/op is per delivery; allocs count the client's work too. Every 200
// must be a stored ticket. Run with
//
//	go test ./api/ ./webhook/ -run '^$' -bench 'BenchmarkIntake|BenchmarkWebhookFacebookComment' -benchtime 3000x
func BenchmarkWebhookFacebookComment(b *testing.B) {
	const warm = 16
	e, sigs := channelEnv(b)
	e.DB.SetMaxOpenConns(16) // the pool as in production (repository.Open)
	e.DB.SetMaxIdleConns(16)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxIdleConns: 64}}
	defer client.CloseIdleConnections()
	url := e.Server.URL + "/webhooks/facebook"
	type delivery struct {
		body []byte
		sig  string
	}
	deliveries := make([]delivery, warm+b.N)
	for i := range deliveries {
		body := []byte(`{"object":"page","entry":[{"id":"` + fbPage + `","time":1735706095,"changes":[{"field":"feed","value":` +
			comment("add", fmt.Sprintf("61%012d", i), "Nguyễn Văn An", fmt.Sprintf("912345678901234_%d", i),
				"Đèn đường trước nhà số 45 Lê Lợi bị hỏng 3 ngày nay, buổi tối rất tối và nguy hiểm cho người đi đường.") +
			`}]}]}`)
		deliveries[i] = delivery{body, facebook.Sign(body, sigs.fbSecret)}
	}
	post := func(d delivery) (int, error) {
		req, _ := http.NewRequest("POST", url, bytes.NewReader(d.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(facebook.SignatureHeader, d.sig)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, err
	}
	// Warm the account's statements, the catalog cache and the connections outside the timing.
	for _, d := range deliveries[:warm] {
		if st, err := post(d); err != nil || st != http.StatusOK {
			b.Fatalf("warm-up: %d %v", st, err)
		}
	}
	before := e.Count("tickets")
	var next atomic.Int64
	var ok, failed atomic.Int64
	next.Store(warm - 1)
	b.SetParallelism(max(1, 8/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if st, err := post(deliveries[next.Add(1)]); err != nil || st != http.StatusOK {
				failed.Add(1)
				continue
			}
			ok.Add(1)
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
	if failed.Load() > 0 {
		b.Fatalf("%d deliveries failed", failed.Load())
	}
	if stored := int64(e.Count("tickets") - before); stored != ok.Load() {
		b.Fatalf("%d answered 200, %d tickets stored", ok.Load(), stored)
	}
}
