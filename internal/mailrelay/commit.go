package mailrelay

import (
	"context"
	"sync"

	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/store"
)

// committer makes accepted messages durable in groups: each client's
// session writes and syncs its own spool file (the kernel runs those
// syncs side by side), then the first one to arrive leads: it renames the
// files waiting, syncs the directory once and inserts their index rows
// in one transaction; only then does each client hear 250. Whoever
// arrives meanwhile waits for the next group, led by the first of them,
// so no client leads forever. There is no goroutine of its own to stop:
// the leader is always a client waiting for its answer.
type committer struct {
	spool mailguard.Spool
	db    *store.DB

	mu    sync.Mutex
	busy  bool
	queue []*commitReq
}

type commitReq struct {
	file store.Accepted
	tmp  mailguard.Pending
	done chan error    // the result, for a follower
	lead chan struct{} // this one leads the next group
}

// commit makes one prepared message durable, grouped with whichever
// others are waiting.
func (c *committer) commit(ctx context.Context, a store.Accepted, p mailguard.Pending) error {
	rq := &commitReq{file: a, tmp: p, done: make(chan error, 1), lead: make(chan struct{}, 1)}
	c.mu.Lock()
	c.queue = append(c.queue, rq)
	if c.busy {
		c.mu.Unlock()
		select {
		case err := <-rq.done:
			return err
		case <-rq.lead:
		}
		c.mu.Lock()
	}
	c.busy = true
	group := c.queue
	c.queue = nil
	c.mu.Unlock()

	err := c.write(ctx, group)
	var mine error
	for _, g := range group {
		if g == rq {
			mine = err
		} else {
			g.done <- err
		}
	}
	c.mu.Lock()
	if len(c.queue) > 0 {
		c.queue[0].lead <- struct{}{}
	} else {
		c.busy = false
	}
	c.mu.Unlock()
	return mine
}

// write places a group's files and commits their index rows. On a
// failure the group's files go; its clients hear a temporary error.
func (c *committer) write(ctx context.Context, group []*commitReq) error {
	ps := make([]mailguard.Pending, len(group))
	as := make([]store.Accepted, len(group))
	for i, g := range group {
		ps[i], as[i] = g.tmp, g.file
	}
	err := c.spool.Place(ps)
	if err == nil {
		err = c.db.AcceptMails(ctx, as)
	}
	if err != nil {
		for _, p := range ps {
			c.spool.Discard(p)
			c.spool.Remove(p.ID)
		}
	}
	return err
}
