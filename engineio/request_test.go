package engineio_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	gws "github.com/gorilla/websocket"

	"github.com/ab218a8d/socketio/engineio"
)

type ctxKey string

// A session opened through net/http keeps what it is asked about: the
// request's method, URL, header and addresses, and every value of the
// request's context, those that middleware and ConnContext put there
// included, which a connection handler reads after the HTTP handler has
// returned. The kept context is never done, though net/http cancels the
// request's as the handler returns, and the kept request has no body. Over
// real TCP, as net/http hijacks it, not over the bubble's in-memory network.
func TestSessionKeepsRequestContextValues(t *testing.T) {
	rec := newRecorder(false)
	srv := engineio.NewServer(rec, nil)
	defer srv.Close()

	connObj, reqObj := new([256]byte), new([256]byte)
	handled := make(chan context.Context, 1)
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), ctxKey("req"), reqObj)
		srv.ServeHTTP(w, r.WithContext(ctx))
		handled <- ctx
	}))
	ts.Config.ConnContext = func(ctx context.Context, _ net.Conn) context.Context {
		return context.WithValue(ctx, ctxKey("conn"), connObj)
	}
	ts.Start()
	defer ts.Close()

	url := "ws" + strings.TrimPrefix(ts.URL, "http") + "/engine.io/?EIO=4&transport=websocket&x=1"
	ws, _, err := gws.DefaultDialer.Dial(url, http.Header{"X-Test": {"yes"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, open, err := ws.ReadMessage(); err != nil || !strings.HasPrefix(string(open), "0{") {
		t.Fatalf("open packet: %q, %v", open, err)
	}
	sid := ""
	rec.mu.Lock()
	if len(rec.sessions) == 1 {
		sid = rec.sessions[0].ID()
	}
	rec.mu.Unlock()
	s := rec.session(t, sid)

	// Once the handler has returned, net/http cancels the request's
	// context: the kept one must outlive it.
	var handlerCtx context.Context
	select {
	case handlerCtx = <-handled:
	case <-time.After(5 * time.Second):
		t.Fatal("the HTTP handler did not return")
	}
	select {
	case <-handlerCtx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("net/http did not cancel the request's context")
	}

	r := s.Request()
	switch {
	case r.Method != http.MethodGet:
		t.Errorf("Request().Method = %q", r.Method)
	case r.URL.Query().Get("x") != "1" || r.URL.Query().Get("transport") != "websocket":
		t.Errorf("Request().URL = %v", r.URL)
	case r.Header.Get("X-Test") != "yes":
		t.Errorf("Request().Header = %v", r.Header)
	case r.RemoteAddr != ws.LocalAddr().String() || s.RemoteAddr() != r.RemoteAddr:
		t.Errorf("Request().RemoteAddr = %q, RemoteAddr() = %q, want %q", r.RemoteAddr, s.RemoteAddr(), ws.LocalAddr())
	case r.Host != strings.TrimPrefix(ts.URL, "http://"):
		t.Errorf("Request().Host = %q", r.Host)
	}
	if r.Body != http.NoBody || r.GetBody != nil {
		t.Errorf("Request() has a body: Body %T, GetBody set %v", r.Body, r.GetBody != nil)
	}
	ctx := r.Context()
	if got := ctx.Value(ctxKey("req")); got != reqObj {
		t.Errorf("Request().Context() lost the middleware's value: %v", got)
	}
	if got := ctx.Value(ctxKey("conn")); got != connObj {
		t.Errorf("Request().Context() lost ConnContext's value: %v", got)
	}
	if a, _ := ctx.Value(http.LocalAddrContextKey).(net.Addr); a == nil || a.String() != ws.RemoteAddr().String() {
		t.Errorf("Request().Context() has local address %v, want %v", a, ws.RemoteAddr())
	}
	if ctx.Value(http.ServerContextKey) != ts.Config {
		t.Error("Request().Context() has not the server")
	}
	if ctx.Err() != nil || ctx.Done() != nil {
		t.Errorf("Request().Context() can end: Err %v, Done %v", ctx.Err(), ctx.Done())
	}
	if _, ok := ctx.Deadline(); ok {
		t.Error("Request().Context() has a deadline")
	}
}
