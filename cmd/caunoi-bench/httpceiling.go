package main

import (
	"context"
	"net"
	"net/http"
	"time"
)

// measureHTTPCeiling runs the load generator against a handler that
// answers a constant JSON, served in this process on 127.0.0.1: what HTTP
// alone costs on this machine with this client.
func measureHTTPCeiling(ctx context.Context, b *bench) (Figure, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return Figure{}, err
	}
	body := []byte(`{"tracking_code":"K7QM-R4TX9","status":"new"}`)
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusCreated)
		w.Write(body)
	})}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/api/v1/feedback"
	payload := feedbackBodies([]string{"xuan-lung"}, 1)[0]
	res := runLoad(ctx, b.p.Clients, b.p.Duration, func(c, i int) request {
		return request{method: http.MethodPost, url: url, contentType: "application/json", body: payload}
	})
	return figureOf(res, http.StatusCreated, "answers"), nil
}

// figureOf turns a load run into a row: ok answers per second and latencies.
func figureOf(res loadResult, ok int, unit string) Figure {
	return Figure{PerSecond: float64(res.ByStatus[ok]) / res.Elapsed.Seconds(), Unit: unit,
		P50ms: res.percentile(0.50), P99ms: res.percentile(0.99), Requests: res.Requests,
		Errors: res.errorsExcept(ok)}
}
