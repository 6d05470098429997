package main

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/internal/leakcheck"
	"github.com/ab218a8d/socketio/internal/wsclient"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// clientIP is the address the test clients connect from, to tell them
// from the proxy (127.0.0.1) in what the server sees.
var clientIP = net.IPv4(127, 0, 0, 2)

// startProxy runs main's setup on loopback ports: the Socket.IO server,
// and the proxy in front of it, whose host:port it returns.
func startProxy(t *testing.T) string {
	backend := wsclient.Start(t, newServer())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := engineio.NewHTTPServer(newProxy(backend))
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	t.Cleanup(func() {
		hs.Close()
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("proxy: %v", err)
		}
	})
	return ln.Addr().String()
}

func TestWebSocketThroughProxy(t *testing.T) {
	proxy := startProxy(t)
	// The address the client claims is replaced by the one it has.
	forged := http.Header{"X-Forwarded-For": {"203.0.113.7"}}
	c := wsclient.DialFrom(t, clientIP, wsclient.URL(proxy), forged)
	c.Connect("/", "")
	c.Send(`421["whoami"]`)
	c.Expect(`431["127.0.0.2"]`)
}

func TestPollingThroughProxy(t *testing.T) {
	proxy := startProxy(t)
	tr := &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: clientIP}}).DialContext}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: wsclient.Timeout}
	base := "http://" + proxy + "/socket.io/?EIO=4&transport=polling"
	do := func(method, query, body string) string {
		t.Helper()
		req, err := http.NewRequest(method, base+query, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d %q %v", method, query, res.StatusCode, b, err)
		}
		return string(b)
	}

	open := do("GET", "", "")
	sid, _, _ := strings.Cut(strings.TrimPrefix(open, `0{"sid":"`), `"`)
	if !strings.HasPrefix(open, `0{"sid":"`) || sid == "" {
		t.Fatalf("handshake: %q", open)
	}
	session := "&sid=" + sid
	do("POST", session, "40")
	if got := do("GET", session, ""); !strings.HasPrefix(got, `40{"sid":"`) {
		t.Fatalf("CONNECT reply: %q", got)
	}
	do("POST", session, `421["whoami"]`)
	if got := do("GET", session, ""); got != `431["127.0.0.2"]` {
		t.Fatalf("whoami: %q, want 431[\"127.0.0.2\"]", got)
	}
}

// Reached directly, the server uses the last address of the header: the
// one its proxy added.
func TestClientAddr(t *testing.T) {
	backend := wsclient.Start(t, newServer())
	h := http.Header{"X-Forwarded-For": {"198.51.100.1, 203.0.113.7"}}
	c := wsclient.Dial(t, wsclient.URL(backend), h)
	c.Connect("/", "")
	c.Send(`421["whoami"]`)
	c.Expect(`431["203.0.113.7"]`)
}
