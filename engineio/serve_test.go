package engineio_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	gws "github.com/gorilla/websocket"

	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/internal/eiotest"
)

// served is a server listening on a loopback port with Serve.
type served struct {
	srv    *engineio.Server
	rec    *recorder
	base   string // http://addr
	client *http.Client
	done   chan error
}

func startServe(t *testing.T, opts *engineio.Options, next http.Handler) *served {
	t.Helper()
	rec := newRecorder(true)
	srv := engineio.NewServer(rec, opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{DisableCompression: true}
	s := &served{srv: srv, rec: rec, base: "http://" + ln.Addr().String(), client: &http.Client{Transport: tr, Timeout: 10 * time.Second}, done: make(chan error, 1)}
	go func() { s.done <- srv.Serve(ln, "/engine.io/", next) }()
	t.Cleanup(func() {
		srv.Close()
		tr.CloseIdleConnections()
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
			t.Error("Serve did not return after Close")
		}
	})
	return s
}

func (s *served) do(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

func TestServePolling(t *testing.T) {
	s := startServe(t, nil, nil)
	code, body := s.do(t, "GET", "/engine.io/?EIO=4&transport=polling", "")
	if code != 200 {
		t.Fatalf("handshake: %d %s", code, body)
	}
	sid := eiotest.ParseOpen(t, body).SID
	q := "/engine.io/?EIO=4&transport=polling&sid=" + sid
	for i, msg := range []string{"4hello", "4é\u2028", "4" + strings.Repeat("x", 100<<10)} {
		if code, body := s.do(t, "POST", q, msg); code != 200 || body != "ok" {
			t.Fatalf("post %d: %d %q", i, code, body)
		}
		if code, body := s.do(t, "GET", q, ""); code != 200 || body != msg {
			t.Fatalf("poll %d: %d %.40q, want the echo %.40q", i, code, body, msg)
		}
	}
	// Errors are the engine's, as through ServeHTTP.
	if code, body := s.do(t, "GET", "/engine.io/?EIO=4&transport=polling&sid=nope", ""); code != 400 || !strings.Contains(body, `"code":1`) {
		t.Fatalf("unknown sid: %d %s", code, body)
	}
	// Over the size limit: handed to net/http, which answers as the engine does.
	s2 := startServe(t, &engineio.Options{MaxHTTPBufferSize: 1000}, nil)
	_, body = s2.do(t, "GET", "/engine.io/?EIO=4&transport=polling", "")
	q2 := "/engine.io/?EIO=4&transport=polling&sid=" + eiotest.ParseOpen(t, body).SID
	if code, _ := s2.do(t, "POST", q2, "4"+strings.Repeat("x", 2000)); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("large post: %d, want 413", code)
	}
	if code, body := s2.do(t, "POST", q2, "4small"); code != 200 || body != "ok" {
		t.Fatalf("post after the large one: %d %q", code, body)
	}
}

func TestServeWebSocketAndUpgrade(t *testing.T) {
	s := startServe(t, nil, nil)
	wsURL := "ws" + strings.TrimPrefix(s.base, "http") + "/engine.io/?EIO=4&transport="
	ws, _, err := gws.DefaultDialer.Dial(wsURL+"websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	eiotest.ParseOpen(t, eiotest.WSRead(t, ws))
	eiotest.WSWrite(t, ws, "4hi")
	if got := eiotest.WSRead(t, ws); got != "4hi" {
		t.Fatalf("echo = %q", got)
	}

	// Polling, then the upgrade.
	_, body := s.do(t, "GET", "/engine.io/?EIO=4&transport=polling", "")
	sid := eiotest.ParseOpen(t, body).SID
	up, _, err := gws.DefaultDialer.Dial(wsURL+"websocket&sid="+sid, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	eiotest.WSWrite(t, up, "2probe")
	if got := eiotest.WSRead(t, up); got != "3probe" {
		t.Fatalf("probe answer = %q", got)
	}
	eiotest.WSWrite(t, up, "5")
	eiotest.WSWrite(t, up, "4after")
	if got := eiotest.WSRead(t, up); got != "4after" {
		t.Fatalf("echo after the upgrade = %q", got)
	}
}

func TestServeOtherPaths(t *testing.T) {
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "next:"+r.URL.Path)
	})
	s := startServe(t, nil, next)
	if code, body := s.do(t, "GET", "/app/page", ""); code != 200 || body != "next:/app/page" {
		t.Fatalf("other path: %d %q", code, body)
	}
	// The same connection (kept alive by the client) still serves Engine.IO.
	if code, body := s.do(t, "GET", "/engine.io/?EIO=4&transport=polling", ""); code != 200 {
		t.Fatalf("handshake after another path: %d %s", code, body)
	}
	s2 := startServe(t, nil, nil)
	if code, _ := s2.do(t, "GET", "/app/page", ""); code != 404 {
		t.Fatalf("other path without next: %d, want 404", code)
	}
}

// Shutdown answers a pending poll with the close, then Serve returns.
func TestServeShutdown(t *testing.T) {
	s := startServe(t, nil, nil)
	_, body := s.do(t, "GET", "/engine.io/?EIO=4&transport=polling", "")
	q := "/engine.io/?EIO=4&transport=polling&sid=" + eiotest.ParseOpen(t, body).SID
	polled := make(chan string, 1)
	go func() {
		res, err := s.client.Get(s.base + q)
		if err != nil {
			polled <- err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		polled <- string(b)
	}()
	time.Sleep(100 * time.Millisecond) // for the poll to be pending; if not, it is refused below
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if got := <-polled; got != "6\x1e1" && got != "1" {
		t.Fatalf("pending poll answered %q, want the close", got)
	}
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		if !errors.Is(err, http.ErrServerClosed) {
			t.Fatalf("Serve returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after Shutdown")
	}
	// Serving again on a closed server fails at once.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.srv.Serve(ln, "/engine.io/", nil); !errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("Serve after Shutdown: %v", err)
	}
}
