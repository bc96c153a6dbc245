package sequencetest

import (
	"fmt"
	"net"
	"net/http"
	"strings"
)

// FaultKind is a failure the emulator can inject in place of (or after) handling a request.
type FaultKind string

const (
	// Fault429 answers 429 Too Many Requests with a Retry-After header (see WithFaultRetryAfter).
	Fault429 FaultKind = "429"
	// Fault500 answers 500 with a JSON error body; the request is not processed.
	Fault500 FaultKind = "500"
	// Fault503 answers 503 with a non-JSON body, as a proxy in front of Sequence would; the
	// request is not processed.
	Fault503 FaultKind = "503"
	// FaultResetBeforeHandler reads the whole request and then resets the connection without
	// processing it: the client sees a transport error after its request was sent.
	FaultResetBeforeHandler FaultKind = "reset-before-handler"
	// FaultResetAfterCommit processes the request (the change is committed) and then resets the
	// connection instead of answering: the ambiguous failure that can duplicate a create.
	FaultResetAfterCommit FaultKind = "reset-after-commit"
)

// FaultKinds lists every kind, in a stable order; WithFaults with no kinds draws from it.
var FaultKinds = []FaultKind{Fault429, Fault500, Fault503, FaultResetBeforeHandler, FaultResetAfterCommit}

// ParseFaultKind accepts a kind's name as written in the constants above.
func ParseFaultKind(s string) (FaultKind, error) {
	for _, k := range FaultKinds {
		if strings.EqualFold(strings.TrimSpace(s), string(k)) {
			return k, nil
		}
	}
	names := make([]string, len(FaultKinds))
	for i, k := range FaultKinds {
		names[i] = string(k)
	}
	return "", fmt.Errorf("unknown fault kind %q (valid: %s)", s, strings.Join(names, ", "))
}

// resetConnection aborts the client's connection with a TCP RST (SO_LINGER 0), so the client sees
// "connection reset by peer" rather than a clean EOF. Without a hijackable connection (HTTP/2) it
// falls back to aborting the handler, which resets the stream.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
