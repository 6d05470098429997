package engineio

import (
	"net/http"
	"time"
)

// detach returns the copy of r that a session keeps: r's method, URL,
// header, host, addresses and TLS state, without its context and body.
// net/http's request context chains to the connection's, and both stay
// reachable from a request kept after its handler returns: 320 bytes of
// every idle WebSocket, measured, for contexts that have ended (net/http
// cancels them when the handler returns).
func detach(r *http.Request) *http.Request {
	ctx := r.Context()
	d := r.WithContext(&connValues{
		srv:   ctx.Value(http.ServerContextKey),
		laddr: ctx.Value(http.LocalAddrContextKey),
	})
	d.Body, d.GetBody = http.NoBody, nil
	return d
}

// connValues is a kept request's context: never done, with the values
// net/http puts in every request's context; others are not kept.
type connValues struct{ srv, laddr any }

func (*connValues) Deadline() (time.Time, bool) { return time.Time{}, false }
func (*connValues) Done() <-chan struct{}       { return nil }
func (*connValues) Err() error                  { return nil }

func (c *connValues) Value(key any) any {
	switch key {
	case http.ServerContextKey:
		return c.srv
	case http.LocalAddrContextKey:
		return c.laddr
	}
	return nil
}

func (*connValues) String() string { return "engineio.connValues" }
