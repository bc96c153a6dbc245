package sequencetest

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Policy is a stored notification policy. NotificationTypes nil means the policy matches all
// types; WebhookSecret is empty for EMAIL policies.
type Policy struct {
	ID                string
	CreatedAt         time.Time
	SequenceAccountID string
	Name              string
	Channel           string
	Recipients        []string
	NotificationTypes []string
	WebhookSecret     string
}

func (p Policy) clone() Policy {
	p.Recipients = slices.Clone(p.Recipients)
	p.NotificationTypes = slices.Clone(p.NotificationTypes)
	return p
}

// ErrPolicyNotFound is returned by UpdatePolicy for an unknown id.
var ErrPolicyNotFound = errors.New("notification policy not found")

// storedPolicy carries the creation sequence number that orders policies and backs the cursors,
// so a cursor stays valid when the policy it points at is deleted.
type storedPolicy struct {
	seq    uint64
	policy Policy
}

// store is guarded by Emulator.mu.
type store struct {
	byID    map[string]*storedPolicy
	ordered []*storedPolicy // ascending seq
	nextSeq uint64
}

func newStore() store { return store{byID: map[string]*storedPolicy{}} }

func (s *store) insert(p Policy) Policy {
	if existing, ok := s.byID[p.ID]; ok {
		existing.policy = p.clone()
		return p
	}
	s.nextSeq++
	sp := &storedPolicy{seq: s.nextSeq, policy: p.clone()}
	s.byID[p.ID] = sp
	s.ordered = append(s.ordered, sp)
	return p
}

func (s *store) get(id string) (*storedPolicy, bool) {
	sp, ok := s.byID[id]
	return sp, ok
}

func (s *store) delete(id string) (Policy, bool) {
	sp, ok := s.byID[id]
	if !ok {
		return Policy{}, false
	}
	delete(s.byID, id)
	s.ordered = slices.DeleteFunc(s.ordered, func(o *storedPolicy) bool { return o == sp })
	return sp.policy, true
}

// Cursors mimic Sequence's: standard base64 of "<id>#<position>#ASC". Standard (not URL-safe)
// base64 can contain '+', '/' and '=', so a client that does not query-escape them breaks here as
// it would against Sequence.
func encodeCursor(sp *storedPolicy) string {
	return base64.StdEncoding.EncodeToString([]byte(sp.policy.ID + "#" + strconv.FormatUint(sp.seq, 10) + "#ASC"))
}

func decodeCursor(c string) (uint64, error) {
	raw, err := base64.StdEncoding.DecodeString(c)
	if err != nil {
		return 0, err
	}
	parts := strings.Split(string(raw), "#")
	if len(parts) != 3 || parts[2] != "ASC" {
		return 0, errors.New("malformed cursor")
	}
	return strconv.ParseUint(parts[1], 10, 64)
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newWebhookSecret returns "whsec_" and 32 alphanumerics, like the secrets Sequence generates.
func newWebhookSecret() string {
	out := make([]byte, 0, 32)
	var buf [64]byte
	for len(out) < 32 {
		_, _ = rand.Read(buf[:])
		for _, c := range buf {
			// Rejection sampling keeps the alphabet uniform: 248 = 4*62.
			if c < 248 && len(out) < 32 {
				out = append(out, secretAlphabet[int(c)%len(secretAlphabet)])
			}
		}
	}
	return "whsec_" + string(out)
}

// createdAtFormat is RFC 3339 with milliseconds in UTC, as Sequence sends it.
const createdAtFormat = "2006-01-02T15:04:05.000Z"

func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// Policies returns copies of every stored policy in creation order.
func (e *Emulator) Policies() []Policy {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Policy, len(e.store.ordered))
	for i, sp := range e.store.ordered {
		out[i] = sp.policy.clone()
	}
	return out
}

// Policy returns a copy of the policy with the given id.
func (e *Emulator) Policy(id string) (Policy, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	sp, ok := e.store.get(id)
	if !ok {
		return Policy{}, false
	}
	return sp.policy.clone(), true
}

// InsertPolicy stores p without validation (out-of-band changes may hold what the API would
// refuse, such as a notification type the provider does not know). It fills an empty ID,
// CreatedAt and SequenceAccountID, and a WEBHOOK policy's empty WebhookSecret, and returns what
// was stored. A policy with an existing ID replaces it in place.
func (e *Emulator) InsertPolicy(p Policy) Policy {
	if p.ID == "" {
		p.ID = newUUID()
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = now()
	}
	if p.Channel == channelWebhook && p.WebhookSecret == "" {
		p.WebhookSecret = newWebhookSecret()
	}
	if p.Recipients == nil {
		p.Recipients = []string{}
	}
	e.mu.Lock()
	if p.SequenceAccountID == "" {
		p.SequenceAccountID = e.cfg.accountID
	}
	stored := e.store.insert(p).clone()
	e.mu.Unlock()
	e.changed()
	return stored
}

// UpdatePolicy applies change to a copy of the stored policy and stores the result, without
// validation. The ID cannot be changed.
func (e *Emulator) UpdatePolicy(id string, change func(*Policy)) error {
	e.mu.Lock()
	sp, ok := e.store.get(id)
	if !ok {
		e.mu.Unlock()
		return fmt.Errorf("updating notification policy %q: %w", id, ErrPolicyNotFound)
	}
	p := sp.policy.clone()
	change(&p)
	p.ID = id
	sp.policy = p.clone()
	e.mu.Unlock()
	e.changed()
	return nil
}

// DeletePolicy removes a policy and reports whether it existed.
func (e *Emulator) DeletePolicy(id string) bool {
	e.mu.Lock()
	_, ok := e.store.delete(id)
	e.mu.Unlock()
	if ok {
		e.changed()
	}
	return ok
}
