// Package sequencetest is an in-memory emulator of the Sequence notification-policy API
// (version 2024-07-30), in the spirit of net/http/httptest.
//
// It implements the notification-policy endpoints as Sequence documents them, including the
// behaviour the documentation leaves open (listed below), and is deliberately strict: it rejects
// what Sequence would reject. It powers the unit and
// acceptance tests, `make demo` and local development (see cmd/sequence-emulator), so it is an
// independent implementation of the server and imports nothing from the client package.
//
// Each request under /api goes through, in order: latency; the requests-per-minute limit (429
// with the real wait in Retry-After); fault injection (a queued fault from QueueFaults, else a
// random draw by rate and kind); Basic authentication (401); the Sequence-Version check (400
// UnrecognisedApiVersion); then the endpoint. Faults and the limit therefore apply to every /api
// request, authenticated or not. Every response carries a Sequence-Version header.
//
// Choices the documentation leaves to the emulator:
//   - An injected 429 sends "Retry-After: 0" unless WithFaultRetryAfter says otherwise, so tests
//     of retries stay fast; the header is still present to be parsed.
//   - An injected 503 has an HTML body, as a load balancer would send: clients must cope with
//     error bodies that are not JSON. 500 uses the {"error":{"type","message"}} shape.
//   - The list's notificationType filter includes all-types policies (they receive every type);
//     an empty value means no filter; an unknown type is a 400.
//   - List order is creation order; cursors are standard base64 (they can hold '+', '/', '='),
//     and stay valid when the policy they point at is deleted.
//   - Request bodies must be application/json (else 415), one object, with exactly the documented
//     keys (case-sensitive); validation reports every invalid field at once, keyed like
//     "recipients[1]".
//   - A webhook recipient must parse with net/url as an absolute https URL with a host: raw
//     spaces and non-ASCII are accepted, but a '%' in the path must start a valid escape.
//
// What the provider assumes of Sequence where its contract is silent (the emulator behaves this
// way, and the tests hold the provider to it):
//   - Each add or remove request is atomic. Recipient resources of one policy apply in parallel,
//     one request each, and several configurations may change one policy at once, so every
//     POST .../recipients and DELETE .../recipients/{recipient} is one atomic change to the stored
//     policy and concurrent requests never lose each other's updates. The provider never reads,
//     modifies and writes back a policy.
//   - Adding a recipient or type already on the policy is accepted without a duplicate; removing
//     one that is not there is refused with a 400 (the provider then reads the policy to tell
//     "already gone" from a real refusal).
//   - E-mail recipients are compared ignoring letter case.
package sequencetest
