package engineio_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
	"weak"

	gws "github.com/gorilla/websocket"

	"github.com/ab218a8d/socketio/engineio"
)

type ctxKey string

// A session opened through net/http keeps what it is asked about (the
// request's method, URL, header and addresses) but not net/http's contexts:
// the request's and the connection's, which hold the connection's state
// long after a WebSocket has taken the connection over. Over real TCP, as
// net/http hijacks it, not over the bubble's in-memory network.
func TestSessionReleasesRequestContext(t *testing.T) {
	rec := newRecorder(false)
	srv := engineio.NewServer(rec, nil)
	defer srv.Close()

	var connObj, reqObj weak.Pointer[[256]byte]
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := new([256]byte)
		reqObj = weak.Make(o)
		srv.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey("req"), o)))
	}))
	ts.Config.ConnContext = func(ctx context.Context, _ net.Conn) context.Context {
		o := new([256]byte)
		connObj = weak.Make(o)
		return context.WithValue(ctx, ctxKey("conn"), o)
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

	for deadline := time.Now().Add(5 * time.Second); connObj.Value() != nil || reqObj.Value() != nil; {
		if time.Now().After(deadline) {
			t.Fatalf("the session keeps net/http's contexts: connection's %v, request's %v",
				connObj.Value() != nil, reqObj.Value() != nil)
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
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
	ctx := r.Context()
	if a, _ := ctx.Value(http.LocalAddrContextKey).(net.Addr); a == nil || a.String() != ws.RemoteAddr().String() {
		t.Errorf("Request().Context() has local address %v, want %v", a, ws.RemoteAddr())
	}
	if ctx.Value(http.ServerContextKey) != ts.Config {
		t.Error("Request().Context() has not the server")
	}
	if ctx.Err() != nil {
		t.Errorf("Request().Context() ended (%v) with the session open", ctx.Err())
	}
	runtime.KeepAlive(s)
}
