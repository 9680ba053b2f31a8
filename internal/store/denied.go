package store

import (
	"context"

	"github.com/mamori-sec/mamori/internal/audit"
)

// Denial is a request a member made that their role does not allow.
type Denial struct {
	Method string // GET, POST…
	Route  string // the route's path pattern, e.g. /o/{org}/members
	Path   string // the path asked for, without the query
}

// RecordDenied appends an "access.denied" entry to the organisation's
// trail, so that its owner sees refused attempts beside the changes. It
// changes nothing else; callers bound how often it is called.
func (t Tenant) RecordDenied(ctx context.Context, actor audit.Actor, d Denial) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		return t.record(ctx, tx, audit.Event{Action: "access.denied", Target: "route:" + d.Method + " " + d.Route,
			After: map[string]string{"method": d.Method, "route": d.Route, "path": d.Path}})
	})
}
