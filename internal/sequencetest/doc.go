// Package sequencetest is an in-memory emulator of the Sequence notification-policy API
// (version 2024-07-30), in the spirit of net/http/httptest.
//
// It implements the contract in sequence-api.md, including the behaviour that contract leaves
// open, and is deliberately strict: it rejects what Sequence would reject. It powers the unit and
// acceptance tests, `make demo` and local development (see cmd/sequence-emulator), so it is an
// independent implementation of the server and imports nothing from the client package.
//
// Knobs for tests: per-request latency, fault injection (random by rate and kind, or queued with
// QueueFaults), a requests-per-minute limit, a switch that omits webhookSecret on reads, a request
// log, and direct access to the stored policies for out-of-band (drift) changes.
package sequencetest
