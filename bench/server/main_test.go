package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ab218a8d/socketio"
	"github.com/gorilla/websocket"
)

// benchServer serves the bench handlers and the debug endpoints, as main
// does.
func benchServer(t *testing.T) (*bench, *httptest.Server) {
	t.Helper()
	var opts socketio.Options
	opts.DisableHTTPCompression = true
	b := newBench(&opts)
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", b.io)
	mux.HandleFunc("GET /gc", b.serveGC)
	mux.HandleFunc("GET /stats", b.serveStats)
	hs := httptest.NewServer(mux)
	t.Cleanup(func() {
		b.io.Close()
		hs.Close()
	})
	return b, hs
}

// client is a raw Socket.IO client over WebSocket, connected to "/".
type client struct {
	t *testing.T
	c *websocket.Conn
}

func dial(t *testing.T, hs *httptest.Server) *client {
	t.Helper()
	url := "ws" + strings.TrimPrefix(hs.URL, "http") + "/socket.io/?EIO=4&transport=websocket"
	c, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	cl := &client{t: t, c: c}
	if open := cl.read(); !strings.HasPrefix(open, "0{") {
		t.Fatalf("open packet %q", open)
	}
	cl.write("40")
	if ok := cl.read(); !strings.HasPrefix(ok, `40{"sid":`) {
		t.Fatalf("CONNECT reply %q", ok)
	}
	return cl
}

func (cl *client) write(p string) {
	cl.t.Helper()
	if err := cl.c.WriteMessage(websocket.TextMessage, []byte(p)); err != nil {
		cl.t.Fatal(err)
	}
}

// read returns the next packet that is not a ping.
func (cl *client) read() string {
	cl.t.Helper()
	cl.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, p, err := cl.c.ReadMessage()
		if err != nil {
			cl.t.Fatal(err)
		}
		if string(p) != "2" {
			return string(p)
		}
	}
}

func TestHandlers(t *testing.T) {
	t.Parallel()
	_, hs := benchServer(t)
	a, b := dial(t, hs), dial(t, hs)

	a.write(`42["echo","xx",{"n":1}]`)
	if got, want := a.read(), `42["echo","xx",{"n":1}]`; got != want {
		t.Errorf("echo: got %q, want %q", got, want)
	}
	a.write(`427["echo-ack","xx",2]`)
	if got, want := a.read(), `437["xx",2]`; got != want {
		t.Errorf("echo-ack: got %q, want %q", got, want)
	}
	// The loadgen's broadcast: a sequence number and a payload, no ack.
	a.write(`42["broadcast",5,"xx"]`)
	for _, cl := range []*client{a, b} {
		if got, want := cl.read(), `42["broadcast",5,"xx"]`; got != want {
			t.Errorf("broadcast: got %q, want %q", got, want)
		}
	}
	// Asked for one, the broadcast is acknowledged without arguments.
	b.write(`423["broadcast","y"]`)
	if got, want := b.read(), `42["broadcast","y"]`; got != want {
		t.Errorf("broadcast: got %q, want %q", got, want)
	}
	if got, want := b.read(), `433[]`; got != want {
		t.Errorf("broadcast ack: got %q, want %q", got, want)
	}
	if got, want := a.read(), `42["broadcast","y"]`; got != want {
		t.Errorf("broadcast: got %q, want %q", got, want)
	}
}

func TestDebugEndpoints(t *testing.T) {
	t.Parallel()
	_, hs := benchServer(t)
	dial(t, hs)
	get := func(path string) []byte {
		t.Helper()
		resp, err := http.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s %q %v", path, resp.Status, body, err)
		}
		return body
	}
	if rss := strings.TrimSpace(string(get("/gc"))); rss == "" || rss == "0" {
		t.Errorf("GET /gc: RSS %q", rss)
	}
	var st stats
	if err := json.Unmarshal(get("/stats"), &st); err != nil {
		t.Fatal(err)
	}
	if st.Sockets != 1 || st.Connects != 1 || st.Sessions != 1 || st.Goroutines == 0 || st.HeapInuse == 0 || st.Mallocs == 0 || st.TotalAlloc == 0 {
		t.Errorf("GET /stats: %+v", st)
	}
}
