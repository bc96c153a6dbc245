package sequencetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// stateFormat identifies the JSON document WriteState writes; ReadState refuses any other.
const stateFormat = "sequence-emulator-state/1"

// stateDocument is the saved store: the policies in creation order, with what the API never
// returns (the secret of a policy read with WithOmitSecretOnRead) kept as well.
type stateDocument struct {
	Format   string        `json:"format"`
	Policies []statePolicy `json:"policies"`
}

// statePolicy has Policy's fields, in its order, with JSON names.
type statePolicy struct {
	ID                string    `json:"id"`
	CreatedAt         time.Time `json:"createdAt"`
	SequenceAccountID string    `json:"sequenceAccountId"`
	Name              string    `json:"name"`
	Channel           string    `json:"channel"`
	Recipients        []string  `json:"recipients"`
	NotificationTypes []string  `json:"notificationTypes"` // null = all types
	WebhookSecret     string    `json:"webhookSecret,omitempty"`
}

// WithChangeHook calls hook after every change to the stored policies (API writes and the store
// accessors alike), outside the emulator's lock; the standalone command saves its state file
// with it. It runs on the goroutine that made the change, so calls may overlap.
func WithChangeHook(hook func()) Option { return func(c *config) { c.onChange = hook } }

func (e *Emulator) changed() {
	e.mu.Lock()
	hook := e.cfg.onChange
	e.mu.Unlock()
	if hook != nil {
		hook()
	}
}

// WriteState writes every stored policy, secrets included, as one JSON document that ReadState
// accepts. It is a consistent snapshot: changes made while it runs are either all in it or not.
func (e *Emulator) WriteState(w io.Writer) error {
	e.mu.Lock()
	doc := stateDocument{Format: stateFormat, Policies: make([]statePolicy, len(e.store.ordered))}
	for i, sp := range e.store.ordered {
		doc.Policies[i] = statePolicy(sp.policy.clone())
	}
	e.mu.Unlock()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// ReadState replaces the stored policies with those of a document written by WriteState. A
// document that is not one (bad JSON, another format, a policy without id, a duplicate id) is an
// error and leaves the store as it was.
func (e *Emulator) ReadState(r io.Reader) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var doc stateDocument
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("not an emulator state document: %w", err)
	}
	if dec.More() {
		return errors.New("not an emulator state document: data after the JSON document")
	}
	if doc.Format != stateFormat {
		return fmt.Errorf("not an emulator state document: format is %q, want %q", doc.Format, stateFormat)
	}
	restored := newStore()
	for i, sp := range doc.Policies {
		switch {
		case sp.ID == "":
			return fmt.Errorf("policy %d has no id", i)
		case restored.byID[sp.ID] != nil:
			return fmt.Errorf("policy %d: duplicate id %q", i, sp.ID)
		case sp.Channel != channelEmail && sp.Channel != channelWebhook:
			return fmt.Errorf("policy %q: unknown channel %q", sp.ID, sp.Channel)
		}
		recipients := sp.Recipients
		if recipients == nil {
			recipients = []string{}
		}
		restored.insert(Policy{
			ID: sp.ID, CreatedAt: sp.CreatedAt.UTC(), SequenceAccountID: sp.SequenceAccountID, Name: sp.Name,
			Channel: sp.Channel, Recipients: recipients, NotificationTypes: sp.NotificationTypes,
			WebhookSecret: sp.WebhookSecret,
		})
	}
	e.mu.Lock()
	e.store = restored
	e.mu.Unlock()
	return nil
}
