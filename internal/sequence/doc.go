// Package sequence is a client for the notification-policy endpoints of the
// Sequence API (version 2024-07-30). It knows HTTP and Sequence, and nothing
// of Terraform apart from logging through tflog.
//
// Every request carries Basic auth, Sequence-Version, the configured
// User-Agent and JSON Accept (and Content-Type when it has a body). Path
// segments such as a webhook URL recipient are percent-encoded as exactly one
// segment.
//
// Failures: a non-2xx answer is an *APIError (see NotFound); anything else is
// an error prefixed with the operation. A 404 is an *APIError only when it is
// Sequence's (its JSON error body, from an endpoint whose policy list answers,
// checked once per Client); any other 404 is an error naming the URL and
// pointing at the endpoint. No error or log line holds the credentials, the
// Authorization header or a webhook secret.
//
// Retries happen in one loop (Client.do): on 429, 500, 502, 503, 504 and
// transport failures, with full-jitter exponential backoff, on top of
// Retry-After (seconds or HTTP date) when given, capped at Config.MaxBackoff, up to
// Config.MaxRetries times. Because the API has no idempotency keys, a create
// is repeated only when it cannot have been processed; after an ambiguous
// failure the client looks for the policy it may have created and adopts it
// (see Client.CreateNotificationPolicy). A removal that hears "not on the
// policy" (its earlier attempt's answer was lost, or someone removed the
// element meanwhile) reads the policy back and succeeds if the element is gone;
// an addition is safe to repeat, since the API accepts elements already there.
//
// A request that changes something is seen through once it was sent: when the
// caller's context is cancelled after that (Terraform cancels every call in
// flight on Ctrl-C), the client still waits a bounded time for the answer
// and, for a create whose answer is lost, looks for the policy it made.
//
// Logs go to the tflog subsystem "sequence": one DEBUG line per attempt
// (method, path, status, attempt, duration), bodies only at TRACE with
// webhookSecret masked.
package sequence
