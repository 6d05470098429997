package engineio

import (
	"context"
	"net/http"
)

// detach returns the copy of r that a session keeps, without its body and
// with a context that keeps every value of r's (net/http's, ConnContext's,
// middleware's: an application reads the user an auth middleware put
// there from a connection handler that runs after the HTTP handler has
// returned) but is never done. net/http cancels r's context when the
// handler returns, which a hijacked WebSocket's handler does at once: a
// context already done would be a trap to pass to anything.
//
// The values cost what net/http's context chain costs, since they can only
// be reached through it: 320 bytes of every idle WebSocket, measured (the
// connection's and the request's cancelCtx, a Done channel, the local
// address's valueCtx), plus 16 for WithoutCancel's wrapper.
func detach(r *http.Request) *http.Request {
	d := r.WithContext(context.WithoutCancel(r.Context()))
	d.Body, d.GetBody = http.NoBody, nil
	return d
}
