package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"
)

// target is one page to load.
type target struct {
	name   string
	path   string
	cookie string        // sent as is; "" for an anonymous visitor
	limit  time.Duration // p99 target in the large benchmark; 0 for none (the floor)
}

// result is one measured pass over one target.
type result struct {
	target
	pass               int
	count, errors      int
	errorSamples       []string
	elapsed            time.Duration
	rps                float64
	p50, p90, p99, max time.Duration
	serverCPU          time.Duration // CPU the server used in the window, if known
	clientCPU          time.Duration // CPU this process used in the window, if known
	machineBusy        time.Duration // CPU all processes used in the window, if known
	cpuWindow          time.Duration // wall time between the CPU readings
}

// newLoadTransport is the one transport of the load: keep-alive, one idle
// connection per client.
func newLoadTransport(c int) *http.Transport {
	return &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        c,
		MaxIdleConnsPerHost: c,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
}

// measure loads base+t.path with c clients for warmup+d without pause.
// Requests that start during the warm-up are not recorded; those that start
// in the window are, however long they take.
func measure(ctx context.Context, tr *http.Transport, base string, t target, c int, warmup, d time.Duration, serverPID int) (result, error) {
	r := result{target: t}
	client := &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	u := base + t.path
	start := time.Now()
	from, until := start.Add(warmup), start.Add(warmup+d)

	type worker struct {
		lat    []time.Duration
		errors int
		sample []string
		last   time.Time
	}
	ws := make([]worker, c)
	var cpuOnce sync.Once
	var srv0, cli0, busy0 time.Duration
	var srvErr, cliErr, busyErr error
	var cpuStart time.Time
	markCPU := func() {
		cpuStart = time.Now()
		srv0, srvErr = processCPU(serverPID)
		cli0, cliErr = processCPU(0)
		busy0, _, busyErr = machineCPU()
	}
	var wg sync.WaitGroup
	for i := range ws {
		w := &ws[i]
		w.lat = make([]time.Duration, 0, 4096)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(until) {
					return
				}
				recorded := !t0.Before(from)
				if recorded {
					cpuOnce.Do(markCPU)
				}
				err := get(ctx, client, u, t.cookie)
				lat := time.Since(t0)
				if !recorded {
					continue
				}
				w.last = t0.Add(lat)
				if err != nil {
					w.errors++
					if len(w.sample) < 3 {
						w.sample = append(w.sample, err.Error())
					}
					continue
				}
				w.lat = append(w.lat, lat)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return r, err
	}
	srv1, srvErr1 := processCPU(serverPID)
	cli1, cliErr1 := processCPU(0)
	busy1, _, busyErr1 := machineCPU()
	r.cpuWindow = time.Since(cpuStart)
	if busyErr == nil && busyErr1 == nil {
		r.machineBusy = busy1 - busy0
	}
	if srvErr == nil && srvErr1 == nil {
		r.serverCPU = srv1 - srv0
	}
	if cliErr == nil && cliErr1 == nil {
		r.clientCPU = cli1 - cli0
	}

	var all []time.Duration
	last := from
	seen := map[string]bool{}
	for _, w := range ws {
		all = append(all, w.lat...)
		r.errors += w.errors
		for _, s := range w.sample {
			if !seen[s] && len(r.errorSamples) < 5 {
				seen[s] = true
				r.errorSamples = append(r.errorSamples, s)
			}
		}
		if w.last.After(last) {
			last = w.last
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	r.count = len(all)
	r.elapsed = last.Sub(from)
	if r.elapsed > 0 {
		r.rps = float64(r.count) / r.elapsed.Seconds()
	}
	r.p50, r.p90, r.p99 = percentile(all, 0.50), percentile(all, 0.90), percentile(all, 0.99)
	if len(all) > 0 {
		r.max = all[len(all)-1]
	}
	return r, nil
}

// percentile is the nearest-rank percentile of sorted latencies.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// get loads u in full and wants a 200.
func get(ctx context.Context, client *http.Client, u, cookie string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "mamori-load")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}
