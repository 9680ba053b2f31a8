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
)

// benchClients is how many mail clients send at once.
const benchClients = 8

// sendMany has clients clients, each on one connection (STARTTLS,
// AUTH once), send n messages between them to addr, and returns each
// message's time from MAIL to the server's answer to the data.
func sendMany(b *testing.B, clients int, addr, user, pass string, n int, tlsCfg *tls.Config) []time.Duration {
	var next atomic.Int64
	lat := make([]time.Duration, n)
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl, err := smtp.DialStartTLS(addr, tlsCfg)
			if err != nil {
				b.Error(err)
				return
			}
			defer cl.Close()
			if err := cl.Auth(sasl.NewPlainClient("", user, pass)); err != nil {
				b.Error(err)
				return
			}
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				msg := []byte(fmt.Sprintf("From: sato@example.co.jp\r\nTo: tanaka@yamada-shoji.co.jp\r\nSubject: bench %d\r\nMessage-ID: <%d@bench>\r\n\r\n%s\r\n", i, i, bytes.Repeat([]byte("いつもお世話になっております。本文です。\r\n"), 60)))
				start := time.Now()
				if err := cl.SendMail("sato@example.co.jp", []string{"tanaka@yamada-shoji.co.jp"}, bytes.NewReader(msg)); err != nil {
					b.Error(err)
					return
				}
				lat[i] = time.Since(start)
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

// BenchmarkSinkDirect is the floor: the same clients sending straight to
// the loopback sink the relay relays to.
func BenchmarkSinkDirect(b *testing.B) {
	for _, clients := range []int{1, benchClients} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) { benchSink(b, clients) })
	}
}

func benchSink(b *testing.B, clients int) {
	sink := notifytest.Start(b)
	addr := fmt.Sprintf("%s:%d", sink.Host, sink.Port)
	b.ResetTimer()
	start := time.Now()
	lat := sendMany(b, clients, addr, notifytest.User, notifytest.Password, b.N, sink.TLS())
	el := time.Since(start)
	b.ReportMetric(float64(median(lat).Microseconds())/1000, "ms-median-accept")
	b.ReportMetric(float64(b.N)/el.Seconds(), "msg/s")
}

// BenchmarkRelay: clients send through the mail guard (rules, spool file
// synced, index, 250), and the relay passes every message on to the sink;
// the clock stops when the sink has them all.
func BenchmarkRelay(b *testing.B) {
	for _, clients := range []int{1, benchClients} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) { benchRelay(b, clients) })
	}
}

func benchRelay(b *testing.B, clients int) {
	w := setup(b, store.SQLite, func(s *mailguard.Settings) { s.HoldMode = mailguard.HoldRisky; s.LinkAttachments = false })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := w.relay.Start(ctx); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	lat := sendMany(b, clients, w.addr, w.email, w.password, b.N, &tls.Config{InsecureSkipVerify: true})
	accepted := time.Since(start)
	for len(w.sink.Messages()) < b.N {
		if b.Failed() || time.Since(start) > 2*time.Minute {
			b.Fatalf("relayed %d of %d", len(w.sink.Messages()), b.N)
		}
		time.Sleep(time.Millisecond)
	}
	el := time.Since(start)
	b.StopTimer()
	cancel()
	w.relay.Wait()
	b.ReportMetric(float64(median(lat).Microseconds())/1000, "ms-median-accept")
	b.ReportMetric(float64(b.N)/accepted.Seconds(), "accepted-msg/s")
	b.ReportMetric(float64(b.N)/el.Seconds(), "relayed-msg/s")
}
