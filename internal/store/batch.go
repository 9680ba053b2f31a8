package store

import (
	"context"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
)

// Writer saves records of one organisation inside one transaction: an
// import applies through it, all or nothing. A record with ID 0 is added,
// any other is changed (and left alone when nothing differs).
type Writer struct {
	t  Tenant
	tx *Tx
}

// Batch runs fn with a Writer and commits only if fn succeeds.
func (t Tenant) Batch(ctx context.Context, actor audit.Actor, fn func(*Writer) error) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		tx.unchanged++ // an import that changes nothing is not an error
		return fn(&Writer{t: t, tx: tx})
	})
}

// Record appends an event about the batch itself (e.g. the import's
// summary) to the trail.
func (w *Writer) Record(ctx context.Context, ev audit.Event) error { return w.t.record(ctx, w.tx, ev) }

// Person adds or changes a person.
func (w *Writer) Person(ctx context.Context, p *inventory.Person) error {
	if p.ID == 0 {
		return w.t.insertPerson(ctx, w.tx, p)
	}
	return w.t.updatePerson(ctx, w.tx, p)
}

// Service adds or changes a service.
func (w *Writer) Service(ctx context.Context, s *inventory.Service) error {
	return writeRec(ctx, w, services, s, s.ID)
}

// Account adds or changes an account. References were resolved by the
// caller from this organisation's own records.
func (w *Writer) Account(ctx context.Context, a *inventory.Account) error {
	return writeRec(ctx, w, accounts, a, a.ID)
}

// Device adds or changes a device.
func (w *Writer) Device(ctx context.Context, d *inventory.Device) error {
	return writeRec(ctx, w, devices, d, d.ID)
}

// Asset adds or changes an information asset and its places.
func (w *Writer) Asset(ctx context.Context, a *inventory.Asset) error {
	return w.t.saveAsset(ctx, w.tx, a)
}

// Share adds or changes a share.
func (w *Writer) Share(ctx context.Context, s *inventory.Share) error {
	return writeRec(ctx, w, shares, s, s.ID)
}

func writeRec[T any](ctx context.Context, w *Writer, tb *table[T], rec *T, id int64) error {
	if id == 0 {
		return tb.insert(ctx, w.tx, w.t.org, rec)
	}
	return tb.update(ctx, w.tx, w.t.org, rec)
}
