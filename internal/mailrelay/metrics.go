package mailrelay

import (
	"fmt"
	"io"
	"sync/atomic"
)

// counters are the relay's counts since start, for /metrics.
type counters struct {
	accepted, held, relayed, failed atomic.Int64
}

// WriteMetrics writes the counters in the Prometheus text format.
func (r *Relay) WriteMetrics(w io.Writer) {
	metrics := &r.m
	for _, m := range []struct {
		name, help string
		v          int64
	}{
		{"mamori_mailguard_accepted_total", "Messages accepted by the mail guard since start.", metrics.accepted.Load()},
		{"mamori_mailguard_held_total", "Messages held for the delay or a confirmation since start.", metrics.held.Load()},
		{"mamori_mailguard_relayed_total", "Recipients relayed to the smarthost since start.", metrics.relayed.Load()},
		{"mamori_mailguard_failed_total", "Recipients the smarthost refused for good since start.", metrics.failed.Load()},
	} {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", m.name, m.help, m.name, m.name, m.v)
	}
}
