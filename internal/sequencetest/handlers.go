package sequencetest

import (
	"net/http"
	"slices"
	"strconv"
)

func (e *Emulator) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var errs []fieldError
	limit := defaultLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			errs = append(errs, fieldError{Key: "limit", Error: "must be an integer from 1 to 100"})
		}
		limit = n
	}
	var after, before uint64
	if v := q.Get("after"); v != "" {
		var err error
		if after, err = decodeCursor(v); err != nil {
			errs = append(errs, fieldError{Key: "after", Error: "invalid cursor"})
		}
	}
	if v := q.Get("before"); v != "" {
		var err error
		if before, err = decodeCursor(v); err != nil {
			errs = append(errs, fieldError{Key: "before", Error: "invalid cursor"})
		}
	}
	if q.Get("after") != "" && q.Get("before") != "" {
		errs = append(errs, fieldError{Key: "before", Error: "cannot be combined with after"})
	}
	typ := q.Get("notificationType")

	e.mu.Lock()
	if typ != "" && !e.validTypes[typ] {
		errs = append(errs, fieldError{Key: "notificationType", Error: "unknown notification type " + strconv.Quote(typ)})
	}
	if len(errs) > 0 {
		e.mu.Unlock()
		writeValidation(w, http.StatusBadRequest, errs...)
		return
	}
	// A policy without types receives every type, so the filter includes it.
	var matching []*storedPolicy
	for _, sp := range e.store.ordered {
		if typ == "" || sp.policy.NotificationTypes == nil || slices.Contains(sp.policy.NotificationTypes, typ) {
			matching = append(matching, sp)
		}
	}
	var page []*storedPolicy
	switch {
	case before != 0:
		end := 0
		for end < len(matching) && matching[end].seq < before {
			end++
		}
		page = matching[max(0, end-limit):end]
	default:
		start := 0
		for start < len(matching) && matching[start].seq <= after {
			start++
		}
		page = matching[start:min(len(matching), start+limit)]
	}
	resp := listResponse{Items: make([]wirePolicy, len(page)), Pagination: pagination{TotalResultSize: len(matching)}}
	for i, sp := range page {
		resp.Items[i] = toWire(sp.policy.clone(), !e.cfg.omitSecretOnRead && !e.cfg.omitSecretOnList)
	}
	if len(page) > 0 {
		if first := page[0]; first != matching[0] {
			resp.Pagination.Before = encodeCursor(first)
		}
		if last := page[len(page)-1]; last != matching[len(matching)-1] {
			resp.Pagination.After = encodeCursor(last)
		}
	}
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, resp)
}

func (e *Emulator) create(w http.ResponseWriter, r *http.Request) {
	obj, ok := readJSONObject(w, r, "name", "channel", "recipients", "notificationTypes", "webhookSecret")
	if !ok {
		return
	}
	var errs []fieldError
	name, hasName, nameOK := stringField(obj, "name", &errs)
	channel, _, channelOK := stringField(obj, "channel", &errs)
	recipients, _, recipientsOK := stringsField(obj, "recipients", &errs)
	types, hasTypes, _ := stringsField(obj, "notificationTypes", &errs)
	secret, hasSecret, _ := stringField(obj, "webhookSecret", &errs)

	if nameOK && (!hasName || isBlank(name)) {
		errs = append(errs, fieldError{Key: "name", Error: "must not be blank"})
	}
	channelValid := channel == channelWebhook || channel == channelEmail
	if channelOK && !channelValid {
		errs = append(errs, fieldError{Key: "channel", Error: "must be one of WEBHOOK, EMAIL"})
	}
	if recipientsOK && len(recipients) == 0 {
		errs = append(errs, fieldError{Key: "recipients", Error: "must contain at least one recipient"})
	}
	if channelValid {
		recipients = validRecipients(channel, "recipients", recipients, &errs)
	}
	if hasTypes && len(types) == 0 {
		errs = append(errs, fieldError{Key: "notificationTypes", Error: "must not be empty (omit it to match all types)"})
	}
	if hasSecret {
		switch {
		case channel == channelEmail:
			errs = append(errs, fieldError{Key: "webhookSecret", Error: "only allowed on WEBHOOK policies"})
		case isBlank(secret):
			errs = append(errs, fieldError{Key: "webhookSecret", Error: "must not be blank"})
		}
	}

	e.mu.Lock()
	if hasTypes {
		types = e.validTypesLocked("notificationTypes", types, &errs)
	} else {
		types = nil
	}
	if len(errs) > 0 {
		e.mu.Unlock()
		writeValidation(w, http.StatusBadRequest, errs...)
		return
	}
	p := Policy{
		ID:                newUUID(),
		CreatedAt:         now(),
		SequenceAccountID: e.cfg.accountID,
		Name:              name,
		Channel:           channel,
		Recipients:        recipients,
		NotificationTypes: types,
	}
	if channel == channelWebhook {
		p.WebhookSecret = secret
		if !hasSecret {
			p.WebhookSecret = newWebhookSecret()
		}
	}
	e.store.insert(p)
	e.mu.Unlock()
	e.changed()
	writeJSON(w, http.StatusCreated, toWire(p, true))
}

func isBlank(s string) bool {
	for _, r := range s {
		if r != ' ' && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
	}
	return true
}

func (e *Emulator) get(w http.ResponseWriter, id string) {
	e.mu.Lock()
	sp, ok := e.store.get(id)
	var wp wirePolicy
	if ok {
		wp = toWire(sp.policy.clone(), !e.cfg.omitSecretOnRead)
	}
	e.mu.Unlock()
	if !ok {
		writeNotFound(w)
		return
	}
	writeJSON(w, http.StatusOK, wp)
}

func (e *Emulator) delete(w http.ResponseWriter, id string) {
	e.mu.Lock()
	p, ok := e.store.delete(id)
	e.mu.Unlock()
	if !ok {
		writeNotFound(w)
		return
	}
	e.changed()
	writeJSON(w, http.StatusOK, toWire(p, true))
}

// update runs change on the stored policy under the lock and answers with the result: 404 for an
// unknown id, 400 when change reports errors (the policy is then left as it was).
func (e *Emulator) update(w http.ResponseWriter, id string, change func(p *Policy) []fieldError) {
	e.mu.Lock()
	sp, ok := e.store.get(id)
	if !ok {
		e.mu.Unlock()
		writeNotFound(w)
		return
	}
	p := sp.policy.clone()
	if errs := change(&p); len(errs) > 0 {
		e.mu.Unlock()
		writeValidation(w, http.StatusBadRequest, errs...)
		return
	}
	if len(sp.policy.NotificationTypes) > 0 && len(p.NotificationTypes) == 0 {
		e.typesEmptied++
	}
	sp.policy = p.clone()
	e.mu.Unlock()
	e.changed()
	writeJSON(w, http.StatusOK, toWire(p, true))
}

func (e *Emulator) addRecipients(w http.ResponseWriter, r *http.Request, id string) {
	e.addElements(w, r, id, "recipients", "must contain at least one recipient", func(p *Policy, values []string, errs *[]fieldError) {
		added := validRecipients(p.Channel, "recipients", values, errs)
		if len(*errs) > 0 {
			return
		}
		for _, rcpt := range added {
			p.Recipients = appendRecipient(p.Channel, p.Recipients, rcpt)
		}
	})
}

func (e *Emulator) removeRecipient(w http.ResponseWriter, id, recipient string) {
	e.update(w, id, func(p *Policy) []fieldError {
		i := slices.IndexFunc(p.Recipients, func(have string) bool { return sameRecipient(p.Channel, have, recipient) })
		switch {
		case i < 0:
			return []fieldError{{Key: "recipient", Error: "not a recipient of this policy"}}
		case len(p.Recipients) == 1:
			return []fieldError{{Key: "recipient", Error: "cannot remove the last recipient: a policy needs at least one"}}
		}
		p.Recipients = slices.Delete(p.Recipients, i, i+1)
		return nil
	})
}

func (e *Emulator) addNotificationTypes(w http.ResponseWriter, r *http.Request, id string) {
	e.addElements(w, r, id, "notificationTypes", "must contain at least one notification type", func(p *Policy, values []string, errs *[]fieldError) {
		added := e.validTypesLocked("notificationTypes", values, errs)
		if len(*errs) > 0 {
			return
		}
		// An all-types policy (nil) then matches exactly the added types.
		for _, t := range added {
			if !slices.Contains(p.NotificationTypes, t) {
				p.NotificationTypes = append(p.NotificationTypes, t)
			}
		}
	})
}

// addElements is both add endpoints: a body {member: [...]} with at least one value, which add
// checks against the policy (appending field errors, which leave the policy unchanged) and adds.
func (e *Emulator) addElements(w http.ResponseWriter, r *http.Request, id, member, emptyError string, add func(p *Policy, values []string, errs *[]fieldError)) {
	obj, ok := readJSONObject(w, r, member)
	if !ok {
		return
	}
	var errs []fieldError
	values, _, _ := stringsField(obj, member, &errs)
	if len(errs) == 0 && len(values) == 0 {
		errs = append(errs, fieldError{Key: member, Error: emptyError})
	}
	e.update(w, id, func(p *Policy) []fieldError {
		if len(errs) > 0 {
			return errs
		}
		add(p, values, &errs)
		if len(errs) > 0 {
			return errs
		}
		return nil
	})
}

func (e *Emulator) removeNotificationType(w http.ResponseWriter, id, typ string) {
	e.update(w, id, func(p *Policy) []fieldError {
		// On an all-types policy no single type is "on" it: "all but one" cannot be expressed.
		i := slices.Index(p.NotificationTypes, typ)
		if i < 0 {
			return []fieldError{{Key: "notificationType", Error: "not a notification type of this policy"}}
		}
		p.NotificationTypes = slices.Delete(p.NotificationTypes, i, i+1)
		if len(p.NotificationTypes) == 0 {
			p.NotificationTypes = nil // absent = all types
		}
		return nil
	})
}
