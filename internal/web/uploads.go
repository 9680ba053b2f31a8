package web

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/mamori-sec/mamori/internal/importer"
)

// The uploads kept between an import's preview and its apply: a file is
// kept server-side, so that what is applied is exactly what was previewed
// and the browser sends back only an id. They live in memory (a restart
// forgets them: the keeper uploads again), bounded in number, bytes and
// age, and each belongs to one user in one organisation.
const (
	uploadTTL      = 30 * time.Minute
	uploadMaxFiles = 20
	uploadMaxBytes = 200 << 20
)

// upload is one file awaiting its apply.
type upload struct {
	id      string
	org     int64
	user    int64
	name    string
	data    []byte
	kind    importer.Kind
	format  importer.Format
	service string
	at      time.Time
}

// uploadCache holds the files. The oldest go first when it is full.
type uploadCache struct {
	mu    sync.Mutex
	now   func() time.Time
	items map[string]*upload
	order []string // ids, oldest first
	bytes int64
}

func newUploadCache(now func() time.Time) *uploadCache {
	return &uploadCache{now: now, items: map[string]*upload{}}
}

// put keeps u and returns its new random id.
func (c *uploadCache) put(u upload) string {
	b := make([]byte, 16)
	rand.Read(b)
	u.id, u.at = hex.EncodeToString(b), c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expire()
	for len(c.order) > 0 && (len(c.order) >= uploadMaxFiles || c.bytes+int64(len(u.data)) > uploadMaxBytes) {
		c.drop(c.order[0])
	}
	c.items[u.id] = &u
	c.order = append(c.order, u.id)
	c.bytes += int64(len(u.data))
	return u.id
}

// get returns the upload with id if it belongs to user in org and has not
// expired; anything else is nil, indistinguishably.
func (c *uploadCache) get(id string, org, user int64) *upload {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expire()
	u, ok := c.items[id]
	if !ok || u.org != org || u.user != user {
		return nil
	}
	return u
}

// remove forgets an upload once applied.
func (c *uploadCache) remove(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.drop(id)
}

func (c *uploadCache) expire() {
	cutoff := c.now().Add(-uploadTTL)
	for len(c.order) > 0 && !c.items[c.order[0]].at.After(cutoff) {
		c.drop(c.order[0])
	}
}

func (c *uploadCache) drop(id string) {
	u, ok := c.items[id]
	if !ok {
		return
	}
	delete(c.items, id)
	c.bytes -= int64(len(u.data))
	for i, x := range c.order {
		if x == id {
			c.order = append(c.order[:i], c.order[i+1:]...)
			break
		}
	}
}
