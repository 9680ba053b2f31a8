package jobs_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/jobs/jobstest"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/pii"
	"github.com/mamori-sec/mamori/internal/scan"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// payrollCSV is a small payroll list with check-digit-valid (synthetic)
// My Numbers.
func payrollCSV(n int) string {
	var b strings.Builder
	b.WriteString("氏名,個人番号,電話番号\n")
	for i := range n {
		fmt.Fprintf(&b, "社員%d,%s,090-1234-%04d\n", i, pii.CompleteMyNumber(fmt.Sprintf("1234567%04d", i)), i)
	}
	return b.String()
}

// TestScanJobs: a folder scan inside the allowed root and an uploaded zip
// (sealed at rest) run in the background and record their places; a folder
// outside the roots is refused before anything is queued.
func TestScanJobs(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			db := jobstest.Open(t, engine, nil)
			sys := audit.Actor{Label: "test"}
			id, err := db.CreateOrg(ctx, sys, org.Org{Slug: "scanjobs", Name: "走査株式会社"}, 0)
			if err != nil {
				t.Fatal(err)
			}
			ten := db.Tenant(id)
			base := t.TempDir()
			root := filepath.Join(base, "nas")
			if err := os.MkdirAll(filepath.Join(root, "経理"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, "経理", "給与.csv"), []byte(payrollCSV(12)), 0o644); err != nil {
				t.Fatal(err)
			}
			box, _ := seal.New([]byte("0123456789abcdef0123456789abcdef"))
			q, err := jobs.Open(db, jobs.Config{Work: true, Delay: -1, PollInterval: 20 * time.Millisecond,
				Notify: jobs.Notify{Box: box}, ScanRoots: []scan.Root{{Path: root, SeenAs: `\\NAS\share`}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := q.ScanFolder(ctx, sys, id, base); !errors.Is(err, scan.ErrOutsideRoots) {
				t.Fatalf("scan outside the roots: got %v", err)
			}
			if runs, _ := ten.ScanRuns(ctx, 10); len(runs) != 0 {
				t.Fatalf("a refused scan left runs: %+v", runs)
			}
			folderRun, err := q.ScanFolder(ctx, sys, id, filepath.Join(root, "経理"))
			if err != nil {
				t.Fatal(err)
			}
			var zb bytes.Buffer
			zw := zip.NewWriter(&zb)
			w, _ := zw.Create("人事/名簿.csv")
			w.Write([]byte(payrollCSV(5)))
			zw.Close()
			uploadRun, err := q.ScanUploaded(ctx, sys, id, "export.zip", `\\NAS\share`, zb.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			// At rest the upload is sealed: the numbers are not in the table.
			_, stored, err := ten.ScanUpload(ctx, uploadRun)
			if err != nil || bytes.Contains(stored, []byte("個人番号")) {
				t.Fatalf("the upload is kept in the clear (%v)", err)
			}
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				q.Stop(sctx)
			})
			wait := func(runID int64) store.ScanRun {
				deadline := time.Now().Add(60 * time.Second)
				for {
					r, err := ten.ScanRun(ctx, runID)
					if err != nil {
						t.Fatal(err)
					}
					if r.Status == store.ScanDone || r.Status == store.ScanFailed {
						return r
					}
					if time.Now().After(deadline) {
						t.Fatalf("run %d still %s", runID, r.Status)
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
			if r := wait(folderRun); r.Status != store.ScanDone || r.Totals[pii.MyNumber] != 12 {
				t.Fatalf("folder run: %+v", r)
			}
			ps, _ := ten.ScanPlaces(ctx, folderRun)
			if len(ps) != 1 || ps[0].SeenAs != `\\NAS\share\経理` || ps[0].People != 12 {
				t.Fatalf("folder places: %+v", ps)
			}
			files, _ := ten.ScanFiles(ctx, folderRun)
			if len(files) != 1 || len(files[0].Hash) != 64 || files[0].ModTime.IsZero() {
				t.Fatalf("folder files: %+v, want the file with its time and SHA-256", files)
			}
			if r := wait(uploadRun); r.Status != store.ScanDone || r.Totals[pii.MyNumber] != 5 {
				t.Fatalf("upload run: %+v", r)
			}
			ps, _ = ten.ScanPlaces(ctx, uploadRun)
			if len(ps) != 1 || ps[0].Folder != "人事" || ps[0].SeenAs != `\\NAS\share\人事` {
				t.Fatalf("upload places: %+v", ps)
			}
			if _, _, err := ten.ScanUpload(ctx, uploadRun); err == nil {
				t.Fatal("the upload is kept after its scan")
			}
		})
	}
}
