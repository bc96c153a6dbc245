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
// It also delivers webhooks, which the API cannot trigger: POST <root>/_emulator/events (root is
// the base URL without /api; see EventsPath, SendEvent) with the API's Basic credentials sends an
// event to every recipient of every WEBHOOK policy taking its type, or all types, in Sequence's
// documented envelope and signed as Sequence signs (Sign). The endpoint is outside /api, so the
// API stays what Sequence serves, and none of the API's latency, rate limit or faults apply to it.
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
//   - Webhook retries: a non-2xx answer (a redirect included: none is followed) or a transport
//     error is retried, at most 3 attempts in all, after 250ms then 750ms; each attempt has 2s
//     from dialling to the end of the answer and is signed afresh (a new timestamp), so a
//     failed delivery is known within about 7s. The trigger answers once every delivery has
//     finished, and the status it reports is the last attempt's (0 when no answer came).
//   - Webhook ordering: deliveries to one recipient URL go one at a time, across events and
//     policies; different recipients are delivered to concurrently. An event's body is the
//     same for every recipient of a policy; sequenceAccountId is the policy's account.
//   - Webhook hosts: only loopback hosts (localhost and its subdomains, 127.0.0.0/8, ::1) are
//     delivered to, checked on the URL and again on the address dialled, unless
//     WithDeliverToAnyHost; a refused delivery makes no attempt and no DNS lookup. TLS is
//     verified against the system's roots plus WithWebhookCA, with no proxy.
//   - A notificationType Sequence does not publish is delivered anyway, with a warning in the
//     trigger's answer: it still reaches all-types policies.
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
