package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
	"github.com/mamori-sec/mamori/internal/synth"
	"github.com/mamori-sec/mamori/internal/web"
)

// BenchmarkPortfolio500 loads an IT advisor's portfolio of 500 client
// organisations (small synthetic companies, bulk-loaded) over loopback and
// reports the latency's p50 and p99: "served" with 32 concurrent clients,
// as the page is served between changes; "after-a-change" one request at a
// time, each after a change in one of the companies, so that every one
// reads the 500 summaries again:
//
//	MAMORI_TEST_POSTGRES=postgres://… go test -run XXX -bench Portfolio500 -benchtime 2000x ./internal/web/
func BenchmarkPortfolio500(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			db, base, cookie := portfolioServer(b, e, 500)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			get := func() (time.Duration, error) {
				req, _ := http.NewRequest("GET", base+"/portfolio", nil)
				req.Header.Set("Cookie", cookie)
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					return 0, err
				}
				body, err := io.ReadAll(res.Body)
				res.Body.Close()
				if err == nil && (res.StatusCode != http.StatusOK || !strings.Contains(string(body), "/o/client-499/")) {
					err = fmt.Errorf("status %d, or a company missing", res.StatusCode)
				}
				return time.Since(t0), err
			}
			if _, err := get(); err != nil {
				b.Fatal(err)
			}
			b.Run("served", func(b *testing.B) {
				var mu sync.Mutex
				var lat []time.Duration
				b.SetParallelism(16) // 32 clients on 2 cores
				b.RunParallel(func(pb *testing.PB) {
					var mine []time.Duration
					for pb.Next() {
						d, err := get()
						if err != nil {
							b.Error(err)
							return
						}
						mine = append(mine, d)
					}
					mu.Lock()
					lat = append(lat, mine...)
					mu.Unlock()
				})
				reportLatency(b, lat)
			})
			b.Run("after-a-change", func(b *testing.B) {
				var lat []time.Duration
				first, err := db.OrgBySlug(context.Background(), "client-000")
				if err != nil {
					b.Fatal(err)
				}
				ten := db.Tenant(first.ID)
				i := 0
				for b.Loop() {
					b.StopTimer()
					i++
					if err := ten.UpdateOrg(context.Background(), audit.Actor{Label: "bench"}, fmt.Sprintf("顧客企業000株式会社（%d）", i), false); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					d, err := get()
					if err != nil {
						b.Fatal(err)
					}
					lat = append(lat, d)
				}
				reportLatency(b, lat)
			})
		})
	}
}

func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2])/1e6, "p50-ms")
		b.ReportMetric(float64(lat[min(len(lat)-1, (len(lat)*99+99)/100-1)])/1e6, "p99-ms")
	}
}

// portfolioServer starts a server whose advisor serves n small companies,
// signs the advisor in, and returns the address and the session cookie.
func portfolioServer(tb testing.TB, engine store.Engine, n int) (*store.DB, string, string) {
	ctx := context.Background()
	db := storetest.Open(tb, engine, nil)
	cat, err := i18n.Load()
	if err != nil {
		tb.Fatal(err)
	}
	box, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := web.NewServer(web.Deps{DB: db, Catalogue: cat, Box: box, Version: "bench", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	tb.Cleanup(ts.Close)
	hash, err := fixtureHash()
	if err != nil {
		tb.Fatal(err)
	}
	sys := audit.Actor{Label: "bench"}
	advisor, err := db.CreateUser(ctx, sys, auth.User{Email: "advisor@bench.example", Name: "顧問 太郎", PasswordHash: hash})
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Now()
	for i := range n {
		id, err := db.CreateOrg(ctx, sys, org.Org{Slug: fmt.Sprintf("client-%03d", i), Name: fmt.Sprintf("顧客企業%03d株式会社", i)}, 0)
		if err != nil {
			tb.Fatal(err)
		}
		if err := db.AddMember(ctx, sys, id, advisor, org.Advisor); err != nil {
			tb.Fatal(err)
		}
		if err := db.Tenant(id).BulkLoad(ctx, sys, synth.Generate(int64(i), synth.Portfolio, time.Now())); err != nil {
			tb.Fatal(err)
		}
	}
	tb.Logf("%s: %d companies created in %s", engine, n, time.Since(start).Round(time.Millisecond))
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).
		PostForm(ts.URL+"/signin", url.Values{"email": {"advisor@bench.example"}, "password": {testPassword}})
	if err != nil {
		tb.Fatal(err)
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "mamori_session" {
			return db, ts.URL, c.Name + "=" + c.Value
		}
	}
	tb.Fatalf("sign in: got %d without a session", res.StatusCode)
	return nil, "", ""
}
