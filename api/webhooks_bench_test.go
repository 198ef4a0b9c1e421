package api_test

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
// comment from a new sender (so each makes a ticket), 8 clients at once
// (SetParallelism 4 on 2 cores), over loopback HTTP with keep-alive.
// Every 200 means the ticket is committed. Run with
//
//	go test ./api/ -run '^$' -bench BenchmarkWebhookFacebookComment -benchtime 3000x
func BenchmarkWebhookFacebookComment(b *testing.B) {
	e, sigs := channelEnv(b)
	e.DB.SetMaxOpenConns(16) // the pool as in production (repository.Open)
	e.DB.SetMaxIdleConns(16)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	url := e.Server.URL + "/webhooks/facebook"
	var seq atomic.Int64
	b.SetParallelism(max(1, 8/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := seq.Add(1)
			body := []byte(`{"object":"page","entry":[{"id":"` + fbPage + `","time":1735706095,"changes":[{"field":"feed","value":` +
				comment("add", fmt.Sprintf("61%012d", i), "Nguyễn Văn An", fmt.Sprintf("912345678901234_%d", i),
					"Đèn đường trước nhà số 45 Lê Lợi bị hỏng 3 ngày nay, buổi tối rất tối và nguy hiểm cho người đi đường.") +
				`}]}]}`)
			req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(facebook.SignatureHeader, facebook.Sign(body, sigs.fbSecret))
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
	if n := e.Count("tickets"); n != b.N {
		b.Errorf("%d tickets for %d deliveries", n, b.N)
	}
}
