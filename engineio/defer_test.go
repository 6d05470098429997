package engineio_test

import (
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

// Session.Defer runs work on the goroutine that read a WebSocket once it
// handed the connection back: the next messages are read meanwhile. Over
// long-polling it refuses.
func TestDeferRunsOnceTheReadIsDone(t *testing.T) {
	release := make(chan struct{})
	got := make(chan string, 8)
	h := engineio.HandlerFunc(func(s *engineio.Session) engineio.SessionHandler {
		return engineio.SessionFuncs{Message: func(m engineio.Message) {
			got <- string(m.Data)
			if string(m.Data) == "block" {
				ok := s.Defer(func() {
					<-release
					got <- "deferred ran"
				})
				got <- string(s.Transport()) + " deferred: " + map[bool]string{true: "yes", false: "no"}[ok]
			}
		}}
	})
	srv := engineio.NewServer(h, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln, "/engine.io/", nil) }()
	defer func() {
		srv.Close()
		<-done
	}()
	want := func(w string) {
		t.Helper()
		select {
		case g := <-got:
			if g != w {
				t.Fatalf("got %q, want %q", g, w)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("waiting for %q", w)
		}
	}

	base := "http://" + ln.Addr().String() + "/engine.io/?EIO=4&transport="
	ws, _, err := gws.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	eiotest.ParseOpen(t, eiotest.WSRead(t, ws))
	eiotest.WSWrite(t, ws, "4block")
	want("block")
	want("websocket deferred: yes")
	eiotest.WSWrite(t, ws, "4next") // read while the deferred work blocks
	want("next")
	close(release)
	want("deferred ran")

	res, err := http.Get(base + "polling")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	sid := eiotest.ParseOpen(t, strings.Split(string(body), "\x1e")[0]).SID
	post, err := http.Post(base+"polling&sid="+sid, "text/plain", strings.NewReader("4block"))
	if err != nil {
		t.Fatal(err)
	}
	post.Body.Close()
	want("block")
	want("polling deferred: no")
}
