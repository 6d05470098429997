package socketio

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
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

// MarshalJSON writes h as the reference's handshake object, as Node.js
// servers of a cluster read it: each header and query parameter a string,
// an array only when it was repeated, header names in lower case.
func (h Handshake) MarshalJSON() ([]byte, error) {
	type plain Handshake // without the methods
	return json.Marshal(struct {
		plain
		Headers map[string]any `json:"headers"`
		Query   map[string]any `json:"query"`
	}{plain(h), jsValues(h.Headers, true), jsValues(h.Query, false)})
}

// UnmarshalJSON reads the reference's handshake object, from a server of
// the cluster written in Go or in Node.js.
func (h *Handshake) UnmarshalJSON(b []byte) error {
	type plain Handshake
	var v struct {
		plain
		Headers map[string]stringOrStrings `json:"headers"`
		Query   map[string]stringOrStrings `json:"query"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*h = Handshake(v.plain)
	h.Headers = make(http.Header, len(v.Headers))
	for k, vs := range v.Headers {
		h.Headers[http.CanonicalHeaderKey(k)] = vs
	}
	h.Query = make(url.Values, len(v.Query))
	for k, vs := range v.Query {
		h.Query[k] = vs
	}
	return nil
}

// jsValues turns a multi-valued map into Node.js's shape: one value a
// string, several an array; lower-case names for headers.
func jsValues(m map[string][]string, lower bool) map[string]any {
	out := make(map[string]any, len(m))
	for k, vs := range m {
		if lower {
			k = strings.ToLower(k)
		}
		switch len(vs) {
		case 0:
		case 1:
			out[k] = vs[0]
		default:
			out[k] = vs
		}
	}
	return out
}

// stringOrStrings is a JSON string or array of strings.
type stringOrStrings []string

func (s *stringOrStrings) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = []string{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(s))
}
