package socketio

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Handshake describes how a socket connected: the HTTP request that opened
// its connection and the auth payload of its CONNECT packet. It is the
// reference's socket.handshake, and is read-only.
type Handshake struct {
	Headers http.Header `json:"headers"`
	Time    string      `json:"time"`    // when the socket was created, as JavaScript's Date.toString
	Address string      `json:"address"` // the client's address
	XDomain bool        `json:"xdomain"` // the request had an Origin header
	Secure  bool        `json:"secure"`  // the connection is TLS
	Issued  int64       `json:"issued"`  // when the socket was created, in Unix milliseconds
	URL     string      `json:"url"`     // the request URL, path and query
	Query   url.Values  `json:"query"`
	// Auth is the CONNECT packet's payload as JSON: an object, "{}" when
	// the client sent none.
	Auth json.RawMessage `json:"auth"`
}

// jsDate renders t as JavaScript's Date.prototype.toString does.
func jsDate(t time.Time) string {
	return t.Format("Mon Jan 02 2006 15:04:05 GMT-0700") + " (" + t.Format("MST") + ")"
}

func newHandshake(r *http.Request, auth json.RawMessage, now time.Time) Handshake {
	if len(auth) == 0 {
		auth = json.RawMessage("{}")
	}
	addr := r.RemoteAddr
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	return Handshake{
		Headers: r.Header,
		Time:    jsDate(now),
		Address: addr,
		XDomain: r.Header.Get("Origin") != "",
		Secure:  r.TLS != nil,
		Issued:  now.UnixMilli(),
		URL:     r.URL.RequestURI(),
		Query:   r.URL.Query(),
		Auth:    auth,
	}
}

// BindAuth decodes the auth payload into v, as json.Unmarshal does.
func (h *Handshake) BindAuth(v any) error { return json.Unmarshal(h.Auth, v) }
