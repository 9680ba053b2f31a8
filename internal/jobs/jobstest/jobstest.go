// Package jobstest opens test stores migrated for the job queue as well:
// the store's migrations, then River's (jobs.Migrate), copied from a
// template on SQLite as storetest does.
package jobstest

import (
	"context"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// River is the step that installs River's tables.
func River() storetest.Step {
	return storetest.Step{Name: "river", Run: func(ctx context.Context, db *store.DB) error {
		_, err := jobs.Migrate(ctx, db)
		return err
	}}
}

// Open is storetest.Open with River's tables installed too.
func Open(t testing.TB, engine store.Engine, now func() time.Time) *store.DB {
	t.Helper()
	return storetest.OpenWith(t, engine, now, River())
}
