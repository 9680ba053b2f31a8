package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/pii"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/scan"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/web"
)

// addScan gives organisation o a finished scan with one proposed place,
// for the route walks (w.inv["scan_run"], w.inv["scan_place"]).
func (w *world) addScan(i int, o org.Org, tag string) {
	w.t.Helper()
	ctx, t := context.Background(), w.db.Tenant(o.ID)
	id, err := t.SaveScan(ctx, audit.Actor{Label: "test"}, 0, store.ScanRun{Source: scan.FromCLI, Root: "/" + tag},
		[]scan.Entry{{Path: "/" + tag + "/顧客/list.csv", Size: 10, Counts: pii.Counts{pii.Email: 3}, People: 3}})
	if err != nil {
		w.t.Fatal(err)
	}
	ps, err := t.ScanPlaces(ctx, id)
	if err != nil || len(ps) != 1 {
		w.t.Fatalf("places: %v %v", ps, err)
	}
	for kind, v := range map[string]int64{"scan_run": id, "scan_place": ps[0].ID} {
		ids := w.inv[kind]
		ids[i] = v
		w.inv[kind] = ids
	}
}

// zipOf makes a zip archive of files (name → content).
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, content := range files {
		f, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func myNumberList(n int) string {
	var b strings.Builder
	b.WriteString("氏名,個人番号\n")
	for i := range n {
		fmt.Fprintf(&b, "社員%d,%s\n", i, pii.CompleteMyNumber(fmt.Sprintf("2345678%04d", i)))
	}
	return b.String()
}

var runLink = regexp.MustCompile(`/o/alpha/scans/([0-9]+)`)

// TestScanUploadToFindings: the keeper uploads a zip of the 経理 folder,
// waits for the background scan, sees the place with its kinds, estimate
// and masked sample, confirms it as an asset — the share on that folder is
// tied to it and its finding now speaks of My Numbers of about 12 people —
// and a viewer may read the results but not act on them.
func TestScanUploadToFindings(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		w.startQueue(t)
		c := w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		if r := c.get("/o/alpha/scans"); r.status != http.StatusOK || !strings.Contains(r.body, "個人情報の置き場所") || !strings.Contains(r.body, `enctype="multipart/form-data"`) {
			t.Fatalf("scans page: %d\n%s", r.status, r.body)
		}
		ten := w.db.Tenant(w.orgA.ID)
		sh := inventory.Share{ServiceID: w.inv["service"][0], Path: "/アルファ/経理", Scope: inventory.AnyoneWithLink, Permission: inventory.ShareView}
		if err := ten.SaveShare(t.Context(), audit.Actor{Label: "test"}, &sh); err != nil {
			t.Fatal(err)
		}
		data := zipOf(t, map[string]string{"経理/マイナンバー.csv": myNumberList(12), "経理/memo.txt": "no personal data", "経理/old.xls": "\xd0\xcf\x11\xe0"})
		r := c.upload("/o/alpha/scans/upload", "export.zip", data, map[string]string{"seen_as": "/アルファ"})
		if r.status != http.StatusSeeOther || !runLink.MatchString(r.location) {
			t.Fatalf("upload: got %d %q\n%s", r.status, r.location, r.body)
		}
		runPath := runLink.FindString(r.location)
		var body string
		deadline := time.Now().Add(60 * time.Second)
		for {
			body = c.get(runPath).body
			if strings.Contains(body, "place-") || strings.Contains(body, "検査できませんでした") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the scan did not finish:\n%s", body)
			}
			time.Sleep(50 * time.Millisecond)
		}
		for _, want := range []string{`/アルファ/経理`, "マイナンバー", "約12人分", "********", "読めなかったファイル", "旧形式の Office ファイル"} {
			if !strings.Contains(body, want) {
				t.Errorf("run page lacks %q", want)
			}
		}
		if strings.Contains(body, pii.CompleteMyNumber("23456780000")) {
			t.Fatal("the run page shows a My Number in full")
		}
		placeID := regexp.MustCompile(`/scan-places/([0-9]+)/confirm`).FindStringSubmatch(body)
		if placeID == nil {
			t.Fatalf("no confirm form:\n%s", body)
		}
		// A viewer reads the results, without the forms, and may not act.
		v := w.client("ja")
		v.signIn(w.users[org.Auditor].Email)
		if vb := v.get(runPath); vb.status != http.StatusOK || strings.Contains(vb.body, "/confirm") {
			t.Fatalf("viewer: %d, forms shown: %v", vb.status, strings.Contains(vb.body, "/confirm"))
		}
		if r := v.post("/o/alpha/scan-places/"+placeID[1]+"/confirm", url.Values{"name": {"x"}}); r.status != http.StatusForbidden {
			t.Fatalf("viewer confirm: got %d, want 403", r.status)
		}
		r = c.post("/o/alpha/scan-places/"+placeID[1]+"/confirm", url.Values{"name": {"顧客のマイナンバー"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("confirm: %d %s", r.status, r.body)
		}
		share, err := ten.Share(t.Context(), sh.ID)
		if err != nil || share.AssetID == 0 {
			t.Fatalf("the share on /アルファ/経理 is not tied to the new asset: %+v %v", share, err)
		}
		a, _ := ten.Asset(t.Context(), share.AssetID)
		if a.Name != "顧客のマイナンバー" || !a.MyNumber || a.PeopleConcerned != 12 {
			t.Fatalf("got asset %+v", a)
		}
		if _, err := posture.Evaluate(t.Context(), ten, audit.Actor{Label: "test"}, w.clock.Now()); err != nil {
			t.Fatal(err)
		}
		// The trail names the place and the run by what they are, never by id.
		o := w.client("ja")
		o.signIn(w.users[org.Owner].Email)
		ab := o.get("/o/alpha/audit").body
		if !strings.Contains(ab, "置き場所を台帳に登録") || !strings.Contains(ab, "/アルファ/経理") || strings.Contains(ab, "scan_place:") || strings.Contains(ab, "scan_run:") {
			t.Fatalf("audit page does not name the scan's entries in words: %v %v %v %v", strings.Contains(ab, "置き場所を台帳に登録"), strings.Contains(ab, "/アルファ/経理"), strings.Contains(ab, "scan_place:"), strings.Contains(ab, "scan_run:"))
		}
		fb := c.get("/o/alpha/findings?check=shares.special_external").body
		if !strings.Contains(fb, "マイナンバーを含むファイル（約12人分）を置いた共有") {
			t.Fatalf("findings page lacks the wording:\n%s", fb)
		}
	})
}

// TestScanFolderRoots: a folder outside the allowed roots is refused on
// the form, a link inside a root pointing out of it is not followed, and
// the inventory hub and the dashboard link the page.
func TestScanFolderRoots(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "nas")
	os.MkdirAll(filepath.Join(root, "経理"), 0o755)
	os.MkdirAll(filepath.Join(base, "secret"), 0o755)
	os.WriteFile(filepath.Join(base, "secret", "list.csv"), []byte(myNumberList(3)), 0o644)
	os.WriteFile(filepath.Join(root, "経理", "給与.csv"), []byte(myNumberList(4)), 0o644)
	if err := os.Symlink(filepath.Join(base, "secret", "list.csv"), filepath.Join(root, "経理", "link.csv")); err != nil {
		t.Fatal(err)
	}
	roots := []scan.Root{{Path: root, SeenAs: `\\NAS\share`}}
	w := newWorldWith(t, "sqlite", func(d *web.Deps) {
		q, err := jobs.Open(d.DB, jobs.Config{ScanRoots: roots})
		if err != nil {
			t.Fatal(err)
		}
		d.Jobs = q
	})
	q, err := jobs.Open(w.db, jobs.Config{Work: true, Delay: -1, PollInterval: 20 * time.Millisecond, ScanRoots: roots})
	if err != nil {
		t.Fatal(err)
	}
	q.Start(t.Context())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(ctx)
	})
	c := w.client("ja")
	c.signIn(w.users[org.Keeper].Email)
	page := c.get("/o/alpha/scans").body
	if !strings.Contains(page, root) || !strings.Contains(page, `\\NAS\share`) {
		t.Fatalf("the allowed roots are not listed:\n%s", page)
	}
	before := w.auditCount()
	for _, dir := range []string{filepath.Join(base, "secret"), filepath.Join(root, "..", "secret"), "../secret"} {
		r := c.post("/o/alpha/scans/folder", url.Values{"folder": {dir}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "範囲の外") {
			t.Errorf("scan %q: got %d, want 400 naming the roots", dir, r.status)
		}
	}
	if w.auditCount() != before {
		t.Fatal("a refused scan was recorded")
	}
	r := c.post("/o/alpha/scans/folder", url.Values{"folder": {filepath.Join(root, "経理")}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("scan inside: %d %s", r.status, r.body)
	}
	runPath := runLink.FindString(r.location)
	var body string
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(body, "place-") {
		if time.Now().After(deadline) {
			t.Fatalf("the scan did not finish:\n%s", body)
		}
		time.Sleep(50 * time.Millisecond)
		body = c.get(runPath).body
	}
	if !strings.Contains(body, `\\NAS\share\経理`) || !strings.Contains(body, "約4人分") || !strings.Contains(body, "許可された範囲の外を指すリンク") {
		t.Fatalf("run page:\n%s", body)
	}
	if strings.Contains(body, "約3人分") {
		t.Fatal("the file behind the link was read")
	}
	// Weekly re-scans of that folder.
	if r := c.post("/o/alpha/scans/schedules", url.Values{"folder": {filepath.Join(root, "経理")}, "every_days": {"7"}}); r.status != http.StatusSeeOther {
		t.Fatalf("schedule: %d %s", r.status, r.body)
	}
	if r := c.post("/o/alpha/scans/schedules", url.Values{"folder": {filepath.Join(base, "secret")}, "every_days": {"7"}}); r.status != http.StatusBadRequest {
		t.Fatalf("schedule outside: got %d, want 400", r.status)
	}
	if s := c.get("/o/alpha/scans").body; !strings.Contains(s, "7日ごと") {
		t.Fatal("the schedule is not listed")
	}
	for _, p := range []string{"/o/alpha/inventory", "/o/alpha/inventory/where", "/o/alpha/"} {
		if !strings.Contains(c.get(p).body, `href="/o/alpha/scans"`) {
			t.Errorf("%s does not link the scans page", p)
		}
	}
}
