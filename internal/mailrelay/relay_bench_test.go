package mailrelay_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/notify/notifytest"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// benchClients is how many mail clients send at once.
const benchClients = 8

// sendMany has clients clients send n messages between them to addr and
// returns each message's time from MAIL to the server's answer to the
// data. A client keeps one session (STARTTLS and AUTH once, a
// transaction per message, as Outlook and Thunderbird send their queue),
// or, with fresh, connects, STARTTLS and AUTHs for every message (not
// counted in its time, which starts at MAIL either way).
func sendMany(b *testing.B, clients int, fresh bool, addr, user, pass string, n int, tlsCfg *tls.Config) []time.Duration {
	var next atomic.Int64
	lat := make([]time.Duration, n)
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var cl *smtp.Client
			defer func() {
				if cl != nil {
					cl.Close()
				}
			}()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if cl == nil {
					var err error
					if cl, err = smtp.DialStartTLS(addr, tlsCfg); err != nil {
						b.Error(err)
						return
					}
					if err := cl.Auth(sasl.NewPlainClient("", user, pass)); err != nil {
						b.Error(err)
						return
					}
				}
				msg := []byte(fmt.Sprintf("From: sato@example.co.jp\r\nTo: tanaka@yamada-shoji.co.jp\r\nSubject: bench %d\r\nMessage-ID: <%d@bench>\r\n\r\n%s\r\n", i, i, bytes.Repeat([]byte("いつもお世話になっております。本文です。\r\n"), 60)))
				start := time.Now()
				if err := cl.SendMail("sato@example.co.jp", []string{"tanaka@yamada-shoji.co.jp"}, bytes.NewReader(msg)); err != nil {
					b.Error(err)
					return
				}
				lat[i] = time.Since(start)
				if fresh {
					cl.Quit()
					cl = nil
				}
			}
		}()
	}
	wg.Wait()
	return lat
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchCases are the sub-benchmarks: a session kept per client, or a new
// connection per message; one client or benchClients.
var benchCases = []struct {
	name    string
	fresh   bool
	clients int
}{
	{"session/clients=1", false, 1},
	{"session/clients=8", false, benchClients},
	{"fresh/clients=1", true, 1},
	{"fresh/clients=8", true, benchClients},
}

// BenchmarkSinkDirect is the floor: the same clients sending straight to
// the loopback sink the relay relays to.
func BenchmarkSinkDirect(b *testing.B) {
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) { benchSink(b, c.clients, c.fresh) })
	}
}

func benchSink(b *testing.B, clients int, fresh bool) {
	sink := notifytest.Start(b)
	addr := fmt.Sprintf("%s:%d", sink.Host, sink.Port)
	b.ResetTimer()
	start := time.Now()
	lat := sendMany(b, clients, fresh, addr, notifytest.User, notifytest.Password, b.N, sink.TLS())
	el := time.Since(start)
	b.ReportMetric(ms(median(lat)), "ms-median-accept")
	b.ReportMetric(float64(b.N)/el.Seconds(), "msg/s")
}

// BenchmarkRelay: clients send through the mail guard (rules, spool file
// synced, index, 250), and the relay passes every message on to the sink;
// the clock stops when the sink has them all. Then, in the same run, the
// same clients send as many messages straight to the sink: the floor
// beside which the added latency (ms-added, median through the guard
// minus median direct) is counted. On SQLite, and on PostgreSQL when
// MAMORI_TEST_POSTGRES is set.
func BenchmarkRelay(b *testing.B) {
	for _, e := range storetest.Engines() {
		for _, c := range benchCases {
			b.Run(string(e)+"/"+c.name, func(b *testing.B) { benchRelay(b, e, c.clients, c.fresh) })
		}
	}
}

func benchRelay(b *testing.B, e store.Engine, clients int, fresh bool) {
	w := setup(b, e, func(s *mailguard.Settings) { s.HoldMode = mailguard.HoldRisky; s.LinkAttachments = false })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := w.relay.Start(ctx); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	lat := sendMany(b, clients, fresh, w.addr, w.email, w.password, b.N, &tls.Config{InsecureSkipVerify: true})
	accepted := time.Since(start)
	for len(w.sink.Messages()) < b.N {
		if b.Failed() || time.Since(start) > 5*time.Minute {
			b.Fatalf("relayed %d of %d", len(w.sink.Messages()), b.N)
		}
		time.Sleep(2 * time.Millisecond) // Messages copies the list: not too often
	}
	el := time.Since(start)
	b.StopTimer()
	cancel()
	w.relay.Wait()
	direct := sendMany(b, clients, fresh, fmt.Sprintf("%s:%d", w.sink.Host, w.sink.Port), notifytest.User, notifytest.Password, b.N, w.sink.TLS())
	b.ReportMetric(ms(median(lat)), "ms-median-accept")
	b.ReportMetric(ms(median(direct)), "ms-median-direct")
	b.ReportMetric(ms(median(lat)-median(direct)), "ms-added")
	b.ReportMetric(float64(b.N)/accepted.Seconds(), "accepted-msg/s")
	b.ReportMetric(float64(b.N)/el.Seconds(), "relayed-msg/s")
}
