package demo

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/scan"
	"github.com/mamori-sec/mamori/internal/store"
)

// The demo's "where personal data lives": さくら精機's shared drive, as
// WriteFiles makes it, scanned once. The 総務 folder — the staff roster
// with My Numbers — is shared with the company's labour consultant, a
// share nobody had tied to an asset; the keeper confirmed the place as an
// asset, so that share's finding now speaks of My Numbers and is critical.
// The other places wait for the keeper.

// scanSeenAs is how the company names the scanned folder.
const scanSeenAs = "共有ドライブ"

// rosterShare is the share on the 総務 folder the scan covers.
var rosterShare = share{"gws", "", "m.tanaka", inventory.Share{Path: scanSeenAs + "/総務/",
	Scope: inventory.ExternalPeople, Permission: inventory.ShareView, CreatedOn: "-5m"}}

func seedScans(ctx context.Context, t store.Tenant, c company, now time.Time) error {
	services, _, err := t.Services(ctx, store.ListQuery{Limit: 1000})
	if err != nil {
		return err
	}
	sh := rosterShare.Share
	for _, s := range services {
		if s.CatalogueKey == "google_workspace" {
			sh.ServiceID = s.ID
		}
	}
	if sh.ServiceID == 0 {
		return fmt.Errorf("demo scan: no Google Workspace")
	}
	sh.Owner = rosterShare.owner + "@" + c.domain
	d := dates{now: now}
	if sh.CreatedOn = d.on(sh.CreatedOn); d.err != nil {
		return d.err
	}
	if err := t.SaveShare(ctx, actor, &sh); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "mamori-demo-scan-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := WriteFiles(dir); err != nil {
		return err
	}
	rep, err := scan.New(scan.Options{}).Run(ctx, []string{dir})
	if err != nil {
		return err
	}
	entries := scan.Entries(rep, scan.DiskStat)
	id, err := t.SaveScan(ctx, actor, 0, store.ScanRun{Source: scan.FromFolder, Root: dir, SeenAs: scanSeenAs,
		Duration: time.Duration(rep.Seconds * float64(time.Second))}, entries)
	if err != nil {
		return err
	}
	places, err := t.ScanPlaces(ctx, id)
	if err != nil {
		return err
	}
	for _, p := range places {
		if strings.HasSuffix(p.SeenAs, "/総務") {
			if _, err := t.ConfirmPlace(ctx, actor, p.ID, "従業員名簿（マイナンバー・健康診断）"); err != nil {
				return err
			}
			return nil
		}
	}
	return fmt.Errorf("demo scan: the roster's folder was not found")
}
