package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/nearmiss"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// tables lists every table of the test database.
func (w *world) tables(t *testing.T) []string {
	t.Helper()
	pool, err := w.db.QueuePool()
	if err != nil {
		t.Fatal(err)
	}
	q := "SELECT name FROM sqlite_master WHERE type = 'table'"
	if w.db.Engine() == store.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	rs, err := pool.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var n string
		if err := rs.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	if len(out) < 20 {
		t.Fatalf("found %d tables; the listing is broken", len(out))
	}
	return out
}

// snapshot reads every row of every table, each row as one line of text.
func (w *world) snapshot(t *testing.T) map[string]map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]map[string]string{}
	for _, table := range w.tables(t) {
		out[table] = map[string]map[string]string{}
		for _, row := range w.rows(t, table) {
			keys := make([]string, 0, len(row))
			for k := range row {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var sb strings.Builder
			for _, k := range keys {
				fmt.Fprintf(&sb, "%s=%q ", k, row[k])
			}
			out[table][sb.String()] = row
		}
	}
	return out
}

var (
	timeOfDay = regexp.MustCompile(`\d{1,2}:\d{2}`)
	numbers   = regexp.MustCompile(`\d{9,}`)
)

// finerThanDay reports whether v holds a time finer than the day within
// two days of any of around: a number read as Unix seconds, milli-,
// micro- or nanoseconds, or text with a time of day.
func finerThanDay(v string, around ...time.Time) bool {
	if timeOfDay.MatchString(v) {
		return true
	}
	for _, s := range numbers.FindAllString(v, -1) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			continue
		}
		for _, at := range around {
			for _, unit := range []time.Duration{time.Second, time.Millisecond, time.Microsecond, time.Nanosecond} {
				got := time.Unix(0, 0).Add(time.Duration(n) * unit)
				if unit == time.Second {
					got = time.Unix(n, 0)
				} else if n > int64(1<<62)/int64(unit) {
					continue
				}
				if d := got.Sub(at); d > -48*time.Hour && d < 48*time.Hour {
					return true
				}
			}
		}
	}
	return false
}

// TestAnonymousNearMissLeavesNoTime files a near miss through the public
// link from a browser that is signed in, with a telling user agent, and
// adds information with the receipt code; then reads every row of every
// table that the two requests wrote or changed, and the log: none holds a
// time finer than the day, the address or the browser. The audit trail
// has no entry of them until the day ends; then the hourly job writes one
// entry for the day, dated after it, naming the report by its category.
func TestAnonymousNearMissLeavesNoTime(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			w, logs := worldWithLog(t, engine)
			ctx := context.Background()
			link := w.publicLink(w.orgA)
			const ua = "StaffBrowser/9.9 (marker-ua-5150)"
			member := w.users[org.Member]
			c := w.client("ja")
			c.signIn(member.Email)
			c.hdr.Set("User-Agent", ua)
			// The session was last seen long enough ago that any page it
			// reads would move its last-seen time.
			w.clock.Add(2 * time.Hour)
			if r := c.get("/o/" + w.orgA.Slug + "/me"); r.status != http.StatusOK {
				t.Fatalf("member's page: got %d", r.status)
			}
			w.clock.Add(2 * time.Hour)
			before := w.snapshot(t)
			auditBefore, err := w.db.Version(ctx)
			if err != nil {
				t.Fatal(err)
			}
			logs.mu.Lock()
			logs.b.Reset()
			logs.mu.Unlock()

			if r := c.get(link); r.status != http.StatusOK {
				t.Fatalf("public form: got %d", r.status)
			}
			code := fileAnonymously(t, c, link, url.Values{"category": {"tailgating"}, "happened": {"入館時に後ろの人がそのまま入りそうになった"}})
			if r := c.post(link+"/receipt", url.Values{"code": {code}, "add": {"1"}, "note": {"同じ画面でもう一度迷いました"}}); r.status != http.StatusOK {
				t.Fatalf("adding information: got %d", r.status)
			}
			filed := w.clock.Now()

			after := w.snapshot(t)
			changed := 0
			forbidden := []string{"127.0.0.1", "::1", ua, "marker-ua", member.Email}
			for table, rows := range after {
				for key, row := range rows {
					if _, ok := before[table][key]; ok {
						continue
					}
					changed++
					for col, v := range row {
						if finerThanDay(v, filed, time.Now()) {
							t.Errorf("%s.%s = %q: a time finer than the day", table, col, v)
						}
						for _, f := range forbidden {
							if strings.Contains(v, f) {
								t.Errorf("%s.%s holds %q", table, col, f)
							}
						}
					}
				}
			}
			if changed < 2 {
				t.Fatalf("%d rows written; want the report and the note at least", changed)
			}
			if v, err := w.db.Version(ctx); err != nil || v != auditBefore {
				t.Errorf("audit head: got %d (%v), want %d: no entry before the day ends", v, err, auditBefore)
			}
			if got := logs.String(); got != "" {
				t.Errorf("log holds lines of the anonymous requests:\n%s", got)
			}

			// The same day, the job writes nothing.
			today := calendar.Of(filed)
			if n, err := w.db.AuditAnonymousNearMisses(ctx, today); err != nil || n != 0 {
				t.Fatalf("job on the day itself: got %d entries (%v), want 0", n, err)
			}

			// The day ends; the hourly job (run by the queue) writes one
			// entry for it, after it.
			w.clock.Add(24 * time.Hour)
			w.startQueue(t)
			// The world's own anonymous report may be of the day before
			// (the clock moved on since): find the entry of the day.
			var e audit.Entry
			deadline := time.Now().Add(20 * time.Second)
			for e.Seq == 0 && time.Now().Before(deadline) {
				entries, err := w.db.Tenant(w.orgA.ID).Audit(ctx, store.AuditFilter{Action: "near_miss.anonymous_day"})
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range entries {
					if strings.Contains(x.After, `"day":"`+today.String()+`"`) {
						e = x
					}
				}
				if e.Seq == 0 {
					time.Sleep(50 * time.Millisecond)
				}
			}
			if e.Seq == 0 {
				t.Fatalf("no entry for %s written by the job", today)
			}
			if e.Actor != "anonymous" || e.IP != "" || e.ActorID != 0 {
				t.Errorf("day entry: actor %q ip %q id %d, want anonymous with nothing else", e.Actor, e.IP, e.ActorID)
			}
			if calendar.Of(e.At) <= today {
				t.Errorf("day entry dated %v, want after the day %s", e.At, today)
			}
			for _, want := range []string{`"anonymous_notes":1`, `tailgating"`} {
				if !strings.Contains(e.After, want) {
					t.Errorf("day entry %s: want %s", e.After, want)
				}
			}
			for _, action := range []string{"near_miss.file", "near_miss.note"} {
				if es, err := w.db.Tenant(w.orgA.ID).Audit(ctx, store.AuditFilter{Action: action}); err != nil || len(es) != 0 {
					t.Errorf("%s entries: got %d (%v), want none for an anonymous report", action, len(es), err)
				}
			}
			// Counted once: a second run writes nothing.
			if n, err := w.db.AuditAnonymousNearMisses(ctx, calendar.Of(w.clock.Now())); err != nil || n != 0 {
				t.Errorf("second run: got %d entries (%v), want 0", n, err)
			}
			// The owner reads it in words.
			owner := w.client("ja")
			owner.signIn(w.users[org.Owner].Email)
			page := owner.get("/o/" + w.orgA.Slug + "/audit")
			for _, want := range []string{"1日分の匿名ヒヤリハットの記録", "共連れ"} {
				if !strings.Contains(page.body, want) {
					t.Errorf("audit page: want %q", want)
				}
			}
		})
	}
}

// TestNearMissIDsTellNoOrder: reports and notes filed one after another
// do not get ids in that order (ids in order would place an anonymous
// report among dated signed-in ones).
func TestNearMissIDsTellNoOrder(t *testing.T) {
	w := newWorld(t, store.SQLite)
	ctx := context.Background()
	ten := w.db.Tenant(w.orgA.ID)
	day := calendar.Of(w.clock.Now())
	var ids []int64
	for i := range 20 {
		_, receipt := nearmiss.NewReceipt()
		id, err := ten.FileNearMiss(ctx, store.Anonymous, nearmiss.Report{Category: nearmiss.Other, Happened: fmt.Sprintf("report %d", i)}, 0, receipt, day)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if slices.IsSorted(ids) {
		t.Errorf("ids in filing order: %v", ids)
	}
	for i, id := range ids {
		if err := ten.AddNearMissNote(ctx, store.Anonymous, id, fmt.Sprintf("note %d", i), false, true, day); err != nil {
			t.Fatal(err)
		}
	}
	byBody := map[string]int64{}
	for _, row := range w.rows(t, "near_miss_notes") {
		byBody[row["body"]], _ = strconv.ParseInt(row["id"], 10, 64)
	}
	var noteIDs []int64 // in the order they were added
	for i := range len(ids) {
		if id, ok := byBody[fmt.Sprintf("note %d", i)]; ok {
			noteIDs = append(noteIDs, id)
		}
	}
	if len(noteIDs) != len(ids) || slices.IsSorted(noteIDs) {
		t.Errorf("note ids: %v, want one per report, not in order", noteIDs)
	}
}
