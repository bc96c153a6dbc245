package sequencetest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// EventsPath is the emulator's trigger endpoint, relative to its root (the base URL without
// /api): outside the API's base path, so that /api stays what Sequence serves.
const EventsPath = "/_emulator/events"

// EventsRequest is the body of POST <root>/_emulator/events.
type EventsRequest struct {
	NotificationType string          `json:"notificationType"`
	ResourceType     string          `json:"resourceType,omitempty"`
	ResourceID       string          `json:"resourceId,omitempty"`
	Resource         json.RawMessage `json:"resource,omitempty"`
}

// EventsResponse is the trigger endpoint's answer once every delivery has finished. Warnings
// holds a line for what was accepted but would not happen at Sequence (a type it does not
// publish).
type EventsResponse struct {
	Deliveries []Delivery `json:"deliveries"`
	Warnings   []string   `json:"warnings,omitempty"`
}

// serveEvents is POST <root>/_emulator/events: deliver an event now. It takes the API's Basic
// credentials but none of the API's latency, rate limit or faults, which are about /api.
func (e *Emulator) serveEvents(w http.ResponseWriter, r *http.Request) {
	if !e.authenticated(w, r) {
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", r.Method+" is not allowed here")
		return
	}
	obj, ok := readJSONObject(w, r, "notificationType", "resourceType", "resourceId", "resource")
	if !ok {
		return
	}
	var errs []fieldError
	typ, hasType, typeOK := stringField(obj, "notificationType", &errs)
	if typeOK && (!hasType || isBlank(typ)) {
		errs = append(errs, fieldError{Key: "notificationType", Error: "must not be blank"})
	}
	resourceType, _, _ := stringField(obj, "resourceType", &errs)
	resourceID, _, _ := stringField(obj, "resourceId", &errs)
	resource := obj["resource"]
	if string(resource) == "null" {
		resource = nil
	}
	if resource != nil && !bytes.HasPrefix(bytes.TrimSpace(resource), []byte("{")) {
		errs = append(errs, fieldError{Key: "resource", Error: "must be a JSON object"})
	}
	if len(errs) > 0 {
		writeValidation(w, http.StatusBadRequest, errs...)
		return
	}

	var resp EventsResponse
	e.mu.Lock()
	published := e.validTypes[typ]
	e.mu.Unlock()
	if !published {
		resp.Warnings = append(resp.Warnings, "notification type "+strconv.Quote(typ)+
			" is not one Sequence publishes; delivered anyway, to WEBHOOK policies receiving all types or listing it")
	}
	resp.Deliveries = e.SendEvent(r.Context(), Event{
		NotificationType: typ, ResourceType: resourceType, ResourceID: resourceID, Resource: resource,
	})
	if resp.Deliveries == nil {
		resp.Deliveries = []Delivery{}
	}
	writeJSON(w, http.StatusOK, resp)
}
