package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/store"
)

// The matrix shows wherePageSize assets a page; its print view (?all=1)
// shows up to maxWhereAssets on one, for an A4 print of the whole
// register. A search narrows either.
const (
	wherePageSize  = 50
	maxWhereAssets = 500
)

// The orders of the matrix: names in 五十音 (the Japanese collation, which
// also orders English names alphabetically), or the most important first.
const (
	orderKana       = "kana"
	orderImportance = "importance"
)

// place is one column of the matrix: a service, a device or a paper
// location.
type place struct {
	Kind     string // service, device, paper
	Label    string
	Link     string
	Personal bool   // a personal (BYOD) device: what is kept there leaves with its owner
	key      string // s<id> for a service, d<id> for a device, p<label> for paper
	rank     int    // the highest importance of the assets kept there
}

// whereCell is one crossing of an asset and a place.
type whereCell struct {
	On      bool
	Link    string // the share that holds the asset there, else the place
	Exposed bool   // shared beyond the company there, or on a personal device
	Title   string // the mark in words: asset, place and, when exposed, why
}

type whereRow struct {
	Name       string
	Link       string
	Importance field
	Personal   bool
	Cells      []whereCell // one per place
	Places     []shown
	rank       int // importance, for the order by importance
}

// whereOrder is one choice of the matrix's order.
type whereOrder struct {
	Label   string // catalogue key
	URL     string
	Current bool
}

type wherePage struct {
	base
	Search              string
	Order               string // orderKana or orderImportance
	Orders              []whereOrder
	Places              []place
	Services, Devices   int // how many of Places are services, devices
	Paper               int
	Rows                []whereRow
	Total               int
	Truncated           bool // the print view holds the first maxWhereAssets only
	All                 bool // the print view: every asset on one page
	From, To            int  // the assets shown, counted from 1
	PrevURL, NextURL    string
	AllURL, PagedURL    string
	AssetsWithoutPlaces int
	Exposed             int // crossings marked exposed
}

// whereIs answers 「顧客名簿はどこにあるか」: information assets against the
// services, devices and paper locations that hold them.
func (s *Server) whereIs(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "inv.where.title", showMode)
	p := wherePage{Search: strings.TrimSpace(v.query.Get("q")), Order: orderKana, All: v.query.Get("all") == "1"}
	if v.query.Get("order") == orderImportance {
		p.Order = orderImportance
	}
	for _, o := range []string{orderKana, orderImportance} {
		p.Orders = append(p.Orders, whereOrder{Label: "inv.where.order." + o, URL: v.OrgURL("/inventory/where?" + whereQuery(p.Search, o, 0)), Current: o == p.Order})
	}
	// Every asset (up to maxWhereAssets) is read and ordered before a page
	// is cut: the 五十音 order is not the database's.
	list, total, err := v.t.Assets(v.ctx, store.ListQuery{Search: p.Search, Sort: "name", Limit: maxWhereAssets})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Total, p.Truncated = total, total > len(list)
	// The list leaves out where each asset lives: read for all of them in
	// one query, the devices they name in another, and the shares that
	// hold them, summed up, in a third.
	assets := list
	ptrs := make([]*inventory.Asset, len(assets))
	var deviceIDs, assetIDs []int64
	for i := range assets {
		ptrs[i] = &assets[i]
		assetIDs = append(assetIDs, assets[i].ID)
	}
	if err := v.t.LoadPlaces(v.ctx, ptrs); err != nil {
		s.fail(w, r, err)
		return
	}
	held, err := v.t.SharesOfAssets(v.ctx, assetIDs, v.now.In(calendar.Japan).Format("2006-01-02"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	shares := map[[2]int64][]store.AssetShare{} // by asset and service
	for _, sh := range held {
		k := [2]int64{sh.AssetID, sh.ServiceID}
		shares[k] = append(shares[k], sh)
	}
	for _, a := range assets {
		deviceIDs = append(deviceIDs, a.DeviceIDs...)
	}
	v.devices.preload(v, deviceIDs)
	// Columns by key: s<id> for a service, d<id> for a device, p<label>
	// for a paper location.
	var services, devices, papers []place
	for _, sv := range v.services.every(v) {
		services = append(services, place{Kind: "service", Label: sv.Name, Link: v.OrgURL("/services/" + strconv.FormatInt(sv.ID, 10)),
			key: "s" + strconv.FormatInt(sv.ID, 10)})
	}
	seen := map[string]bool{}
	for _, a := range assets {
		for _, id := range a.DeviceIDs {
			if d, ok := v.devices.get(v, id); ok && !seen["d"+strconv.FormatInt(id, 10)] {
				seen["d"+strconv.FormatInt(id, 10)] = true
				devices = append(devices, place{Kind: "device", Label: d.Name, Link: v.OrgURL("/devices/" + strconv.FormatInt(d.ID, 10)),
					Personal: d.Ownership == inventory.BYOD, key: "d" + strconv.FormatInt(id, 10)})
			}
		}
		for _, l := range a.PaperLocations {
			if !seen["p"+l] {
				seen["p"+l] = true
				papers = append(papers, place{Kind: "paper", Label: l, key: "p" + l})
			}
		}
	}
	// Each row's places by key, and each column's rank.
	rowKeys := make([][]string, len(assets))
	rank := map[string]int{}
	for i, a := range assets {
		var ks []string
		for _, id := range a.ServiceIDs {
			ks = append(ks, "s"+strconv.FormatInt(id, 10))
		}
		for k := range shares {
			if k[0] == a.ID && !slices.Contains(a.ServiceIDs, k[1]) {
				ks = append(ks, "s"+strconv.FormatInt(k[1], 10)) // kept there through a share
			}
		}
		for _, id := range a.DeviceIDs {
			ks = append(ks, "d"+strconv.FormatInt(id, 10))
		}
		for _, l := range a.PaperLocations {
			ks = append(ks, "p"+l)
		}
		rowKeys[i] = ks
		for _, k := range ks {
			rank[k] = max(rank[k], a.Importance())
		}
	}
	for _, list := range [][]place{services, devices, papers} {
		for i := range list {
			list[i].rank = rank[list[i].key]
		}
		orderPlaces(list, p.Order)
	}
	p.Places = slices.Concat(services, devices, papers)
	p.Services, p.Devices, p.Paper = len(services), len(devices), len(papers)
	col := map[string]int{}
	for i, pl := range p.Places {
		col[pl.key] = i
	}
	for i, a := range assets {
		row := whereRow{Name: a.Name, Link: v.OrgURL("/assets/" + strconv.FormatInt(a.ID, 10)), Importance: v.importance(&a),
			Personal: a.PersonalInfo || a.SensitiveInfo || a.MyNumber, Cells: make([]whereCell, len(p.Places)), rank: a.Importance()}
		for _, k := range rowKeys[i] {
			if c, ok := col[k]; ok {
				row.Cells[c].On = true
			}
		}
		for c := range row.Cells {
			if !row.Cells[c].On {
				continue
			}
			pl := p.Places[c]
			cell := &row.Cells[c]
			cell.Link, cell.Exposed = pl.Link, pl.Personal
			why := ""
			if pl.Personal {
				why = v.T("inv.where.why_byod")
			}
			if pl.Kind == "service" {
				id, _ := strconv.ParseInt(pl.key[1:], 10, 64)
				if link, scope, ok := shareLink(v, shares[[2]int64{a.ID, id}]); ok {
					cell.Link = link
					if scope.BeyondCompany() {
						cell.Exposed = true
						why = v.T("inv.where.why_share", v.T("inv.share.scope."+string(scope)))
					}
				}
			}
			placeText := v.T("inv.where.place", v.T("inv.where.one."+pl.Kind), pl.Label)
			cell.Title = v.T("inv.where.cell", a.Name, placeText)
			if cell.Exposed {
				cell.Title = v.T("inv.where.cell_exposed", a.Name, placeText, why)
				p.Exposed++
				placeText = v.T("inv.where.exposed_place", placeText, why)
			}
			sh := shown{Text: placeText, Link: cell.Link}
			if cell.Exposed && sh.Link == "" {
				sh.Class = "exposed"
			}
			row.Places = append(row.Places, sh)
		}
		if len(row.Places) == 0 {
			p.AssetsWithoutPlaces++
		}
		p.Rows = append(p.Rows, row)
	}
	orderRows(p.Rows, p.Order)
	// A page of the ordered rows; the print view holds them all.
	p.AllURL, p.PagedURL = v.OrgURL("/inventory/where?"+whereQuery(p.Search, p.Order, -1)), v.OrgURL("/inventory/where?"+whereQuery(p.Search, p.Order, 0))
	if !p.All {
		offset := 0
		if o, err := strconv.Atoi(v.query.Get("offset")); err == nil && o > 0 && o < len(p.Rows) {
			offset = o
		}
		end := min(len(p.Rows), offset+wherePageSize)
		if offset > 0 {
			p.PrevURL = v.OrgURL("/inventory/where?" + whereQuery(p.Search, p.Order, max(0, offset-wherePageSize)))
		}
		if end < len(p.Rows) {
			p.NextURL = v.OrgURL("/inventory/where?" + whereQuery(p.Search, p.Order, end))
		}
		p.From, p.To = offset+1, end
		p.Rows = p.Rows[offset:end]
	} else {
		p.From, p.To = 1, len(p.Rows)
	}
	if v.err != nil {
		s.fail(w, r, v.err)
		return
	}
	p.base = v.base
	w.Header().Add("Vary", "HX-Request")
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") == "where-matrix" {
		s.render(w, r, http.StatusOK, "inventory_where_table", p)
		return
	}
	s.render(w, r, http.StatusOK, "inventory_where", p)
}

// shareLink picks where the mark of an asset kept in a service leads when
// shares hold it there: the one share, or the list of them; and the widest
// reach among them. ok is false when no share holds it there.
func shareLink(v *view, list []store.AssetShare) (link string, widest inventory.ShareScope, ok bool) {
	if len(list) == 0 {
		return "", "", false
	}
	n, first := 0, list[0]
	for _, sh := range list {
		n += sh.Count
		if slices.Index(shareScopes, sh.Scope) < slices.Index(shareScopes, first.Scope) {
			first = sh
		}
	}
	widest = first.Scope
	if n == 1 {
		return v.OrgURL("/shares/" + strconv.FormatInt(first.FirstID, 10)), widest, true
	}
	q := url.Values{"asset_id": {strconv.FormatInt(first.AssetID, 10)}, "service_id": {strconv.FormatInt(first.ServiceID, 10)}}
	return v.OrgURL("/shares?" + q.Encode()), widest, true
}

// japanese orders names as a Japanese reader expects: kana in 五十音
// order whatever the script (あ, ア and ｱ together), then kanji, Latin
// letters alphabetically. A collator is not safe for concurrent use: one
// per call.
func japanese() *collate.Collator { return collate.New(language.Japanese) }

// orderPlaces orders the columns of one kind: by name, or the places
// holding the most important assets first.
func orderPlaces(list []place, order string) {
	c := japanese()
	slices.SortStableFunc(list, func(a, b place) int {
		if order == orderImportance && a.rank != b.rank {
			return cmp.Compare(b.rank, a.rank)
		}
		return c.CompareString(a.Label, b.Label)
	})
}

// orderRows orders the assets: by name, or the most important first.
func orderRows(rows []whereRow, order string) {
	c := japanese()
	slices.SortStableFunc(rows, func(a, b whereRow) int {
		if order == orderImportance && a.rank != b.rank {
			return cmp.Compare(b.rank, a.rank)
		}
		return c.CompareString(a.Name, b.Name)
	})
}

// whereQuery is the query of a page of the matrix: the search, the order
// (五十音 by default), and the first asset shown, or every asset for print
// (offset < 0).
func whereQuery(q, order string, offset int) string {
	v := url.Values{}
	if q != "" {
		v.Set("q", q)
	}
	if order != "" && order != orderKana {
		v.Set("order", order)
	}
	switch {
	case offset < 0:
		v.Set("all", "1")
	case offset > 0:
		v.Set("offset", strconv.Itoa(offset))
	}
	return v.Encode()
}

// shareScopes lists the scopes of a share, the widest first.
var shareScopes = []inventory.ShareScope{inventory.AnyoneWithLink, inventory.Public, inventory.ExternalDomain, inventory.ExternalPeople, inventory.WholeOrg}
