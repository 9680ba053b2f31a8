package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

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

// place is one column of the matrix: a service, a device or a paper
// location.
type place struct {
	Kind  string // service, device, paper
	Label string
	Link  string
}

type whereRow struct {
	Name       string
	Link       string
	Importance field
	Personal   bool
	Cells      []bool // one per place
	Places     []shown
}

type wherePage struct {
	base
	Search              string
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
}

// whereIs answers 「顧客名簿はどこにあるか」: information assets against the
// services, devices and paper locations that hold them.
func (s *Server) whereIs(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "inv.where.title", showMode)
	p := wherePage{Search: strings.TrimSpace(v.query.Get("q")), All: v.query.Get("all") == "1"}
	lq := store.ListQuery{Search: p.Search, Sort: "name", Limit: wherePageSize}
	if p.All {
		lq.Limit = maxWhereAssets
	} else if o, err := strconv.Atoi(v.query.Get("offset")); err == nil && o > 0 {
		lq.Offset = o
	}
	list, total, err := v.t.Assets(v.ctx, lq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Total, p.Truncated = total, p.All && total > len(list)
	p.From, p.To = lq.Offset+1, lq.Offset+len(list)
	p.AllURL, p.PagedURL = v.OrgURL("/inventory/where?"+whereQuery(p.Search, -1)), v.OrgURL("/inventory/where?"+whereQuery(p.Search, 0))
	if !p.All {
		if lq.Offset > 0 {
			p.PrevURL = v.OrgURL("/inventory/where?" + whereQuery(p.Search, max(0, lq.Offset-wherePageSize)))
		}
		if lq.Offset+len(list) < total {
			p.NextURL = v.OrgURL("/inventory/where?" + whereQuery(p.Search, lq.Offset+wherePageSize))
		}
	}
	// The list leaves out where each asset lives: read for all of them in
	// one query, and the devices they name in another.
	assets := list
	ptrs := make([]*inventory.Asset, len(assets))
	var deviceIDs []int64
	for i := range assets {
		ptrs[i] = &assets[i]
	}
	if err := v.t.LoadPlaces(v.ctx, ptrs); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, a := range assets {
		deviceIDs = append(deviceIDs, a.DeviceIDs...)
	}
	v.devices.preload(v, deviceIDs)
	// Columns by key: s<id> for a service, d<id> for a device, p<label>
	// for a paper location.
	col := map[string]int{}
	add := func(key string, pl place) {
		col[key] = len(p.Places)
		p.Places = append(p.Places, pl)
	}
	for _, sv := range v.services.every(v) {
		add("s"+strconv.FormatInt(sv.ID, 10), place{Kind: "service", Label: sv.Name, Link: v.OrgURL("/services/" + strconv.FormatInt(sv.ID, 10))})
	}
	var devices []inventory.Device
	var labels []string
	seen := map[string]bool{}
	for _, a := range assets {
		for _, id := range a.DeviceIDs {
			if d, ok := v.devices.get(v, id); ok && !seen["d"+strconv.FormatInt(id, 10)] {
				seen["d"+strconv.FormatInt(id, 10)] = true
				devices = append(devices, d)
			}
		}
		for _, l := range a.PaperLocations {
			if !seen["p"+l] {
				seen["p"+l] = true
				labels = append(labels, l)
			}
		}
	}
	sort.Slice(devices, func(i, j int) bool { return devices[i].Name < devices[j].Name })
	for _, d := range devices {
		add("d"+strconv.FormatInt(d.ID, 10), place{Kind: "device", Label: d.Name, Link: v.OrgURL("/devices/" + strconv.FormatInt(d.ID, 10))})
	}
	sort.Strings(labels)
	for _, l := range labels {
		add("p"+l, place{Kind: "paper", Label: l})
	}
	p.Services, p.Devices, p.Paper = len(v.services.listed), len(devices), len(labels)
	for _, a := range assets {
		row := whereRow{Name: a.Name, Link: v.OrgURL("/assets/" + strconv.FormatInt(a.ID, 10)), Importance: v.importance(&a),
			Personal: a.PersonalInfo || a.SensitiveInfo || a.MyNumber, Cells: make([]bool, len(p.Places))}
		var keys []string
		for _, id := range a.ServiceIDs {
			keys = append(keys, "s"+strconv.FormatInt(id, 10))
		}
		for _, id := range a.DeviceIDs {
			keys = append(keys, "d"+strconv.FormatInt(id, 10))
		}
		for _, l := range a.PaperLocations {
			keys = append(keys, "p"+l)
		}
		for _, k := range keys {
			if i, ok := col[k]; ok {
				row.Cells[i] = true
			}
		}
		for i, on := range row.Cells {
			if on {
				pl := p.Places[i]
				row.Places = append(row.Places, shown{Text: v.T("inv.where.place", v.T("inv.where.one."+pl.Kind), pl.Label), Link: pl.Link})
			}
		}
		if len(row.Places) == 0 {
			p.AssetsWithoutPlaces++
		}
		p.Rows = append(p.Rows, row)
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

// whereQuery is the query string of the matrix searched for q, from
// offset, or with offset below zero its print view of every asset.
func whereQuery(q string, offset int) string {
	v := url.Values{}
	if q != "" {
		v.Set("q", q)
	}
	switch {
	case offset < 0:
		v.Set("all", "1")
	case offset > 0:
		v.Set("offset", strconv.Itoa(offset))
	}
	return v.Encode()
}
