package sequence

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// The shared read path. A refresh reads every policy in state, each with its own call, up to
// ten at a time; the list endpoint returns whole policies, 100 to a page. ReadNotificationPolicy
// serves those reads from list pages where that costs fewer requests, and with a GET where it
// does not, so that reading N policies of an account of T costs at most min(N, P) + 1 requests
// (P = ceil(T/100) pages) when the reads that miss the pages fetched so far arrive together, as
// a refresh's do, and at most 2 × min(N, P) in any order:
//
//   - the first read fetches the first page, which also tells totalResultSize;
//   - a read is served from a page already fetched, or from an earlier GET, while fresh (readTTL);
//   - a read of a policy not on those pages is a GET, until the GETs spent plus the reads now
//     waiting for policies not listed reach the pages left to list: then the listing goes on,
//     a page at a time while reads still miss (the ski-rental rule: rent GETs until they would
//     cost what buying the rest of the listing costs);
//   - a read of a policy absent from a complete listing is a GET, which alone may say "gone"
//     (a listing can skip a policy while others are created or deleted).
//
// Concurrent reads of the same page or the same policy share one request, which is cancelled
// only when every read waiting for it is. A write through the client (do, apiCall.writes)
// forgets what was read of its policy, when it starts and when it ends, and a page or GET that
// was on its way meanwhile is not kept for it: a read after a write always asks Sequence.

// readTTL is how long a page or a GET serves reads. Long enough for one refresh of thousands of
// policies; short enough that a dashboard change made during a run shows on the next read.
const readTTL = 10 * time.Second

// ReadNotificationPolicyOptions says what a read needs.
type ReadNotificationPolicyOptions struct {
	// WantSecret asks for the webhook secret: the caller has none to keep (an import, a data
	// source). A WEBHOOK policy served from a page without its secret is then read with a GET.
	WantSecret bool
}

// ReadNotificationPolicy reads one policy through the shared read path (see above). A missing
// policy is an APIError for which NotFound is true, from a GET as with GetNotificationPolicy.
// Use GetNotificationPolicy to check what a write did: it always asks Sequence.
func (c *Client) ReadNotificationPolicy(ctx context.Context, id string, opts ReadNotificationPolicyOptions) (*NotificationPolicy, error) {
	r := &c.reads
	r.mu.Lock()
	defer r.mu.Unlock()
	r.init()
	r.waiting[id]++
	defer func() {
		if r.waiting[id]--; r.waiting[id] == 0 {
			delete(r.waiting, id)
		}
	}()

	for {
		now := r.clock()
		if e, ok := r.entries[id]; ok && e.serves(now, opts) {
			c.logServed(ctx, id, e, now)
			p := e.policy.clone()
			return &p, nil
		}
		if f := r.gets[id]; f != nil && f.writeSeq >= r.lastWrite[id] {
			return r.awaitGet(ctx, id, f)
		}
		l := r.listingAt(now)
		switch {
		case l.flight != nil: // a page on its way may hold the policy
			f := l.flight
			if err := r.await(ctx, f); err != nil {
				return nil, fmt.Errorf("reading notification policy %q: %w", id, err)
			}
			if f.err != nil {
				return nil, fmt.Errorf("reading notification policy %q: %w", id, f.err)
			}
		case l.walk.pages == 0:
			r.fetchPage(ctx, c, l)
		case l.listed[id] || l.walk.done:
			// Listed but not served (written since, or its secret is wanted), or absent from a
			// complete listing: only a GET can say.
			return r.awaitGet(ctx, id, r.startGet(ctx, c, id))
		case l.getsSpent+r.unlistedWaiting(l) >= l.walk.pagesLeft():
			r.fetchPage(ctx, c, l)
		default:
			l.getsSpent++
			return r.awaitGet(ctx, id, r.startGet(ctx, c, id))
		}
	}
}

// policyReads is the shared read path's state, one per Client; mu guards all of it.
type policyReads struct {
	mu sync.Mutex
	// ttl and now are readTTL and time.Now; tests change them.
	ttl time.Duration
	now func() time.Time

	entries map[string]readEntry
	listing *sharedListing
	gets    map[string]*flight // GETs on their way, by policy id
	waiting map[string]int     // policies being read, and by how many reads
	// writeSeq numbers the writes' starts and ends; lastWrite is the latest of each policy's.
	writeSeq  uint64
	lastWrite map[string]uint64
}

// readEntry is a policy as a page or a GET returned it.
type readEntry struct {
	policy   NotificationPolicy
	received time.Time
	expires  time.Time
	page     int // the page it was on, 0 for a GET
}

// serves says whether e answers a read with opts at now: it is fresh, and holds the webhook secret
// if the read wants it and the policy has one.
func (e readEntry) serves(now time.Time, opts ReadNotificationPolicyOptions) bool {
	lacksSecret := e.policy.Channel == ChannelWebhook && e.policy.WebhookSecret == ""
	return now.Before(e.expires) && (!opts.WantSecret || !lacksSecret)
}

// sharedListing is a listing walked as far as reads needed.
type sharedListing struct {
	walk      *policyListing // touched only by the page on its way
	flight    *flight        // that page; nil when none
	expires   time.Time      // the first page's arrival + ttl
	listed    map[string]bool
	getsSpent int // GETs of policies not on the pages fetched
}

// flight is a request that concurrent reads share.
type flight struct {
	done     chan struct{}
	ctx      context.Context
	cancel   context.CancelFunc
	waiters  int
	abandon  func() // forgets the flight, so later reads send their own; called with mu held
	writeSeq uint64 // writeSeq when it was sent
	policy   *NotificationPolicy
	err      error
}

func (r *policyReads) init() {
	if r.entries == nil {
		r.entries = map[string]readEntry{}
		r.gets = map[string]*flight{}
		r.waiting = map[string]int{}
		r.lastWrite = map[string]uint64{}
	}
}

func (r *policyReads) clock() time.Time {
	if r.now != nil {
		return r.now()
	}
	return time.Now()
}

func (r *policyReads) lifetime() time.Duration {
	if r.ttl > 0 {
		return r.ttl
	}
	return readTTL
}

// listingAt returns the listing reads may use at now, starting a new one when there is none or
// it has expired (a page still on its way is awaited first: it brings fresh policies).
func (r *policyReads) listingAt(now time.Time) *sharedListing {
	// The walk is read only when no page is on its way (the page's goroutine writes it).
	if l := r.listing; l != nil && (l.flight != nil || l.walk.pages == 0 || now.Before(l.expires)) {
		return l
	}
	for id, e := range r.entries {
		if !now.Before(e.expires) {
			delete(r.entries, id)
		}
	}
	r.listing = &sharedListing{walk: newPolicyListing(ListNotificationPoliciesOptions{}), listed: map[string]bool{}}
	return r.listing
}

// unlistedWaiting counts the policies being read that are neither on l's pages nor on their way
// with a GET: the reads a continued listing would serve.
func (r *policyReads) unlistedWaiting(l *sharedListing) int {
	n := 0
	for id := range r.waiting {
		if !l.listed[id] && r.gets[id] == nil {
			n++
		}
	}
	return n
}

// wrote forgets what was read of policy id; do calls it when a write of it starts and ends.
func (r *policyReads) wrote(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.init()
	r.writeSeq++
	r.lastWrite[id] = r.writeSeq
	delete(r.entries, id)
}

func (r *policyReads) newFlight(ctx context.Context) *flight {
	// The request outlives the read that sent it while other reads wait for it (await).
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	return &flight{done: make(chan struct{}), ctx: fctx, cancel: cancel, writeSeq: r.writeSeq}
}

// await waits, without mu, for f (its outcome is then in f) or for ctx, whose error it returns;
// the last read to give up cancels f.
func (r *policyReads) await(ctx context.Context, f *flight) error {
	f.waiters++
	r.mu.Unlock()
	select {
	case <-f.done:
		r.mu.Lock()
		f.waiters--
		return nil
	case <-ctx.Done():
		r.mu.Lock()
		if f.waiters--; f.waiters == 0 {
			f.abandon()
			f.cancel()
		}
		return ctx.Err()
	}
}

// fetchPage sends l's next page. Its policies serve reads until it is readTTL old, except those
// written while it was on its way; an error ends the listing (the next read starts another).
func (r *policyReads) fetchPage(ctx context.Context, c *Client, l *sharedListing) {
	f := r.newFlight(ctx)
	f.abandon = func() {
		if r.listing == l {
			r.listing = nil // the walk may be mid-page: a new listing starts over
		}
		l.flight = nil
	}
	l.flight = f
	go func() {
		defer f.cancel()
		added, err := l.walk.next(f.ctx, c)
		r.mu.Lock()
		defer r.mu.Unlock()
		defer close(f.done)
		f.err = err
		if l.flight != f {
			return // abandoned
		}
		l.flight = nil
		if err != nil {
			f.abandon()
			return
		}
		now := r.clock()
		if l.walk.pages == 1 {
			l.expires = now.Add(r.lifetime())
		}
		for _, p := range added {
			l.listed[p.ID] = true
			if r.lastWrite[p.ID] <= f.writeSeq {
				r.entries[p.ID] = readEntry{policy: p, received: now, expires: now.Add(r.lifetime()), page: l.walk.pages}
			}
		}
	}()
}

// startGet sends a GET of policy id, which later reads of it share while it is on its way.
func (r *policyReads) startGet(ctx context.Context, c *Client, id string) *flight {
	f := r.newFlight(ctx)
	f.abandon = func() {
		if r.gets[id] == f {
			delete(r.gets, id)
		}
	}
	r.gets[id] = f
	go func() {
		defer f.cancel()
		p, err := c.GetNotificationPolicy(f.ctx, id)
		r.mu.Lock()
		defer r.mu.Unlock()
		defer close(f.done)
		f.abandon()
		f.policy, f.err = p, err
		if err == nil && r.lastWrite[id] <= f.writeSeq {
			now := r.clock()
			r.entries[id] = readEntry{policy: p.clone(), received: now, expires: now.Add(r.lifetime())}
		}
	}()
	return f
}

func (r *policyReads) awaitGet(ctx context.Context, id string, f *flight) (*NotificationPolicy, error) {
	if err := r.await(ctx, f); err != nil {
		return nil, fmt.Errorf("reading notification policy %q: %w", id, err)
	}
	if f.err != nil {
		return nil, f.err
	}
	p := f.policy.clone()
	return &p, nil
}

// logServed says a read was answered without a request of its own.
func (c *Client) logServed(ctx context.Context, id string, e readEntry, now time.Time) {
	ctx = c.logContext(ctx, nil)
	if !tflog.SubsystemIsDebug(ctx, LogSubsystem) {
		return
	}
	fields := map[string]any{"id": id, "age_ms": now.Sub(e.received).Milliseconds()}
	message := "Read notification policy from an earlier GET"
	if e.page > 0 {
		message = "Read notification policy from a list page"
		fields["page"] = e.page
	}
	tflog.SubsystemDebug(ctx, LogSubsystem, message, fields)
}

func (p *NotificationPolicy) clone() NotificationPolicy {
	out := *p
	out.Recipients = slices.Clone(p.Recipients)
	out.NotificationTypes = slices.Clone(p.NotificationTypes)
	return out
}
