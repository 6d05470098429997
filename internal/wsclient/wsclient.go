// Package wsclient is what the tests of the examples and of the adapters
// need to check them end to end: a Socket.IO server on a loopback port,
// and a client that speaks the protocol by hand over one WebSocket
// (gorilla/websocket), every read
// bounded by a deadline.
//
// The client writes and reads the packets' text as the official client
// would put them on the wire:
//
//	0{"sid":...}                              Engine.IO open (read by Dial)
//	40 / 40/admin,{"token":"x"}                CONNECT to "/" / to "/admin"
//	40{"sid":"..."} / 44{"message":"..."}      CONNECT accepted / refused
//	42["name",1,"a"]                           EVENT
//	421["name"] -> 431[...]                    EVENT asking for ACK 1, its ACK
//	451-["name",{"_placeholder":true,"num":0}] BINARY_EVENT, then one binary frame
//	2 -> 3                                     Engine.IO ping, pong
package wsclient

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	gws "github.com/gorilla/websocket"

	socketio "github.com/ab218a8d/socketio"
)

// Timeout bounds every read, write and dial.
const Timeout = 5 * time.Second

// Start serves srv with Serve (the http.Server settings of ListenAndServe)
// on a loopback port until the test ends, and returns its host:port. The
// server is closed when the test ends, after the clients dialled later.
func Start(t testing.TB, srv *socketio.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln, "", nil) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// URL is the WebSocket address of the Socket.IO server at host:port.
func URL(hostport string) string {
	return "ws://" + hostport + "/socket.io/?EIO=4&transport=websocket"
}

// Client is one Engine.IO session over WebSocket.
type Client struct {
	t  testing.TB
	ws *gws.Conn
}

// Dial opens a session at url with the request header h (may be nil),
// reads its open packet, and closes the session when the test ends.
func Dial(t testing.TB, url string, h http.Header) *Client {
	t.Helper()
	return DialFrom(t, nil, url, h)
}

// DialFrom is Dial from the local address ip (nil: any), such as
// 127.0.0.2 on Linux, whose loopback is all of 127.0.0.0/8.
func DialFrom(t testing.TB, ip net.IP, url string, h http.Header) *Client {
	t.Helper()
	nd := &net.Dialer{Timeout: Timeout}
	if ip != nil {
		nd.LocalAddr = &net.TCPAddr{IP: ip}
	}
	d := gws.Dialer{NetDialContext: nd.DialContext, HandshakeTimeout: Timeout}
	ws, _, err := d.Dial(url, h)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { ws.Close() })
	c := &Client{t: t, ws: ws}
	if open := c.Read(); !strings.HasPrefix(open, `0{"sid":`) {
		t.Fatalf("open packet = %q", open)
	}
	return c
}

// Send writes a text frame: an Engine.IO packet.
func (c *Client) Send(s string) {
	c.t.Helper()
	c.write(gws.TextMessage, []byte(s))
}

// SendBinary writes a binary frame: an attachment of a binary packet.
func (c *Client) SendBinary(b []byte) {
	c.t.Helper()
	c.write(gws.BinaryMessage, b)
}

func (c *Client) write(typ int, b []byte) {
	c.t.Helper()
	c.ws.SetWriteDeadline(time.Now().Add(Timeout))
	if err := c.ws.WriteMessage(typ, b); err != nil {
		c.t.Fatalf("write %q: %v", b, err)
	}
}

// next reads the next frame, answering Engine.IO pings on the way.
func (c *Client) next() (int, []byte) {
	c.t.Helper()
	for {
		c.ws.SetReadDeadline(time.Now().Add(Timeout))
		typ, b, err := c.ws.ReadMessage()
		if err != nil {
			c.t.Fatalf("read: %v", err)
		}
		if typ == gws.TextMessage && string(b) == "2" {
			c.Send("3")
			continue
		}
		return typ, b
	}
}

// Read returns the next text frame.
func (c *Client) Read() string {
	c.t.Helper()
	typ, b := c.next()
	if typ != gws.TextMessage {
		c.t.Fatalf("got binary frame %q, want text", b)
	}
	return string(b)
}

// ReadBinary returns the next frame, which must be binary.
func (c *Client) ReadBinary() []byte {
	c.t.Helper()
	typ, b := c.next()
	if typ != gws.BinaryMessage {
		c.t.Fatalf("got text frame %q, want binary", b)
	}
	return b
}

// Expect reads the next text frame and fails unless it is want.
func (c *Client) Expect(want string) {
	c.t.Helper()
	if got := c.Read(); got != want {
		c.t.Fatalf("got %s, want %s", got, want)
	}
}

// Connect joins the namespace nsp ("/", "/admin") with auth (a JSON
// object, or "" for none), and returns the socket's id.
func (c *Client) Connect(nsp, auth string) string {
	c.t.Helper()
	prefix := "40"
	if nsp != "/" {
		prefix += nsp + ","
	}
	c.Send(prefix + auth)
	reply := c.Read()
	var ok struct{ SID string }
	if !strings.HasPrefix(reply, prefix) || json.Unmarshal([]byte(reply[len(prefix):]), &ok) != nil || ok.SID == "" {
		c.t.Fatalf("CONNECT to %s: got %s", nsp, reply)
	}
	return ok.SID
}

// WantClosed reads until the server closes the connection, and fails if
// a frame comes first (pings excepted) or nothing happens within Timeout.
func (c *Client) WantClosed() {
	c.t.Helper()
	for {
		c.ws.SetReadDeadline(time.Now().Add(Timeout))
		typ, b, err := c.ws.ReadMessage()
		var ne net.Error
		switch {
		case errors.As(err, &ne) && ne.Timeout():
			c.t.Fatalf("the connection is still open after %v", Timeout)
		case err != nil:
			return
		case typ == gws.TextMessage && string(b) == "2":
			continue
		}
		c.t.Fatalf("got %q, want the connection closed", b)
	}
}
