package sequence

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

const maxPageSize = 100

var policiesPath = []string{"notifications", "policies"}

// ListNotificationPolicies returns every policy (following all pages), in the
// order the API returns them. A policy seen on two pages is returned once.
//
// A page larger than the response cap is asked for again with half the limit,
// down to one policy per page. A server that keeps handing out cursors stops
// the listing with an error naming the cursor: when a page adds no policy not
// already listed, when a cursor repeats, or after more pages than
// totalResultSize can fill (maxListPages when the server gives no total).
func (c *Client) ListNotificationPolicies(ctx context.Context, opts ListNotificationPoliciesOptions) ([]NotificationPolicy, error) {
	walk := newPolicyListing(opts)
	policies := []NotificationPolicy{}
	for !walk.done {
		added, err := walk.next(ctx, c)
		if err != nil {
			return nil, err
		}
		policies = append(policies, added...)
	}
	return policies, nil
}

// policyListing walks the list endpoint one page at a time, with every rule of a listing: the
// halving of oversized pages and the guards against a server that never stops. A whole listing
// (ListNotificationPolicies) and the shared read path (reads.go), which takes only the pages its
// reads need, both walk with it. It is not safe for concurrent use.
type policyListing struct {
	op          string
	opts        ListNotificationPoliciesOptions
	limit       int // the page size asked for; halved after a page too large to read
	after       string
	pages       int // pages read
	total       int // the largest totalResultSize reported; 0 when none was
	done        bool
	seenIDs     map[string]bool
	seenCursors map[string]bool
}

func newPolicyListing(opts ListNotificationPoliciesOptions) *policyListing {
	op := "listing notification policies"
	if opts.NotificationType != "" {
		op = fmt.Sprintf("listing notification policies of type %q", opts.NotificationType)
	}
	limit := opts.PageSize
	if limit <= 0 || limit > maxPageSize {
		limit = maxPageSize
	}
	return &policyListing{op: op, opts: opts, limit: limit, seenIDs: map[string]bool{}, seenCursors: map[string]bool{}}
}

// next reads the next page and returns the policies on it that no earlier page listed; done is
// set after the last page. An error leaves the walk where it was, so next may be called again.
func (l *policyListing) next(ctx context.Context, c *Client) ([]NotificationPolicy, error) {
	for {
		query := map[string][]string{"limit": {strconv.Itoa(l.limit)}}
		if l.opts.NotificationType != "" {
			query["notificationType"] = []string{l.opts.NotificationType}
		}
		if l.after != "" {
			query["after"] = []string{l.after}
		}
		page := l.pages + 1
		call := &apiCall{op: l.op, method: http.MethodGet, segments: policiesPath, query: query}
		if page > listPageCap(l.total, l.limit) {
			return nil, c.opError(call, fmt.Errorf("gave up after %d pages (the server reported %d policies) with cursor %q still leading to more; stopping rather than looping forever",
				page-1, l.total, l.after))
		}
		res, err := c.send(ctx, call)
		var tooLarge *responseTooLargeError
		if errors.As(err, &tooLarge) {
			if l.limit > 1 {
				tflog.SubsystemDebug(ctx, LogSubsystem, "List page too large; asking for fewer policies per page", map[string]any{
					"operation": l.op, "limit": l.limit, "next_limit": l.limit / 2,
				})
				l.limit /= 2
				continue
			}
			return nil, fmt.Errorf("%w: a page of a single policy (after cursor %q) is too large to read, so one policy is larger than %d bytes", err, l.after, tooLarge.limit)
		}
		if err != nil {
			return nil, err
		}
		items, next, pageTotal, err := decodeNotificationPolicyPage(res.body)
		if err != nil {
			return nil, c.opError(call, fmt.Errorf("malformed response for page %d (%s): %w", page, statusLine(res.status), err))
		}
		c.seen.record(items...)
		var added []NotificationPolicy
		onPage := map[string]bool{}
		for _, p := range items {
			if !l.seenIDs[p.ID] && !onPage[p.ID] {
				onPage[p.ID] = true
				added = append(added, p)
			}
		}
		if next != "" && len(items) > 0 {
			if len(added) == 0 {
				return nil, c.opError(call, fmt.Errorf("page %d (cursor %q) holds only policies already listed, yet points to a next page (cursor %q); stopping rather than looping forever", page, l.after, next))
			}
			if l.seenCursors[next] {
				return nil, c.opError(call, fmt.Errorf("page %d repeats an earlier pagination cursor (%q); stopping rather than looping forever", page, next))
			}
		}
		for id := range onPage {
			l.seenIDs[id] = true
		}
		l.pages = page
		l.total = max(l.total, pageTotal)
		if next == "" || len(items) == 0 {
			l.done = true
			return added, nil
		}
		l.seenCursors[next] = true
		l.after = next
		return added, nil
	}
}

// pagesLeft estimates how many more pages the walk needs from the total the server reported;
// with no total it cannot tell, and says maxListPages.
func (l *policyListing) pagesLeft() int {
	switch {
	case l.done:
		return 0
	case l.total <= 0:
		return maxListPages
	}
	left := max(l.total-len(l.seenIDs), 1) // a cursor still leads somewhere
	return (left + l.limit - 1) / l.limit
}

// maxListPages bounds a listing whose server reports no total: a million
// policies at the largest page size, generous for any account.
const maxListPages = 10_000

// listPageCap is how many pages a listing may take when the server reports
// total results and pages hold up to limit: enough to read them all at that
// limit, plus slack for policies created meanwhile and for smaller pages
// asked before.
func listPageCap(total, limit int) int {
	if total <= 0 {
		return maxListPages
	}
	return min(maxListPages, (total+limit-1)/limit+10+total/10)
}
