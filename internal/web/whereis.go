package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/store"
)

// maxWhereAssets bounds the rows of the matrix; a search narrows it.
const maxWhereAssets = 500

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
	Truncated           bool
	AssetsWithoutPlaces int
}

// whereIs answers 「顧客名簿はどこにあるか」: information assets against the
// services, devices and paper locations that hold them.
func (s *Server) whereIs(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "inv.where.title", showMode)
	p := wherePage{Search: strings.TrimSpace(v.query.Get("q"))}
	list, total, err := v.t.Assets(v.ctx, store.ListQuery{Search: p.Search, Sort: "name", Limit: maxWhereAssets})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Total, p.Truncated = total, total > len(list)
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
