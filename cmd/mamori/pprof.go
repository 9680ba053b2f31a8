package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/mamori-sec/mamori/internal/problem"
)

// startProfiler serves Go's profiler on addr, a loopback address given in
// MAMORI_DEBUG_PPROF, for measuring where the server's time goes (as
// cmd/mamori-load -pprof does). It is a separate listener, never a route
// of the application, and refuses any address but loopback. It stops with
// ctx.
func startProfiler(ctx context.Context, addr string, log *slog.Logger) error {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return problem.New(problem.Invalid, "cli.cannot_listen", addr, "MAMORI_DEBUG_PPROF must be a loopback address")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return problem.New(problem.Invalid, "cli.cannot_listen", addr, err.Error())
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	log.Warn("profiler listening: for measurement only", "component", "server", "addr", ln.Addr().String())
	return nil
}
