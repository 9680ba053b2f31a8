package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store/storetest"
	"github.com/mamori-sec/mamori/internal/synth"
)

// BenchmarkDashboardNewReader loads the dashboard of a company of 10,000
// people (synth.Large's people, a tenth of its other records) as a page
// not yet rendered — each request at another address, so the rendered
// page is never reused — while the figures behind it are unchanged:
// what another reader, language or address costs between changes. It
// reports the latency's p50 and p99, one request at a time:
//
//	MAMORI_TEST_POSTGRES=postgres://… go test -run XXX -bench DashboardNewReader -benchtime 200x ./internal/web/
func BenchmarkDashboardNewReader(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			db, base, cookie := portfolioServer(b, e, 0)
			ctx, sys := context.Background(), audit.Actor{Label: "bench"}
			advisor, err := db.UserByEmail(ctx, "advisor@bench.example")
			if err != nil {
				b.Fatal(err)
			}
			id, err := db.CreateOrg(ctx, sys, org.Org{Slug: "client-000", Name: "大口顧客株式会社"}, 0)
			if err != nil {
				b.Fatal(err)
			}
			if err := db.AddMember(ctx, sys, id, advisor.ID, org.Advisor); err != nil {
				b.Fatal(err)
			}
			size := synth.Size{People: 10000, Accounts: 5000, Devices: 2000, Assets: 500, Shares: 2000}
			t0 := time.Now()
			if err := db.Tenant(id).BulkLoad(ctx, sys, synth.Generate(42, size, time.Now())); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: loaded %+v in %s", e, size, time.Since(t0).Round(time.Millisecond))
			client := &http.Client{}
			var n atomic.Int64
			get := func() (time.Duration, error) {
				req, _ := http.NewRequest("GET", fmt.Sprintf("%s/o/client-000/?r=%d", base, n.Add(1)), nil)
				req.Header.Set("Cookie", cookie)
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					return 0, err
				}
				body, err := io.ReadAll(res.Body)
				res.Body.Close()
				if err == nil && (res.StatusCode != http.StatusOK || !strings.Contains(string(body), "/o/client-000/people")) {
					err = fmt.Errorf("status %d, or not the dashboard", res.StatusCode)
				}
				return time.Since(t0), err
			}
			if _, err := get(); err != nil {
				b.Fatal(err)
			}
			var lat []time.Duration
			for b.Loop() {
				d, err := get()
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, d)
			}
			reportLatency(b, lat)
		})
	}
}
