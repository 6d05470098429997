package main

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestParseResponse(t *testing.T) {
	tests := []struct {
		name, in string
		status   int
		body     string
	}{
		{"length", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello", 200, "hello"},
		{"header case, spaces", "HTTP/1.1 200 OK\r\ncontent-length:   3 \r\n\r\nabc", 200, "abc"},
		{"empty body", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 200, ""},
		{"no reason", "HTTP/1.1 400\r\nContent-Length: 2\r\n\r\nno", 400, "no"},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;ext=1\r\n,\r\nB\r\n 0123456789\r\n0\r\n\r\n", 200, "hello, 0123456789"},
		{"chunked with trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nok\r\n0\r\nX-T: 1\r\n\r\n", 200, "ok"},
		{"switching", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", 101, ""},
		{"no content", "HTTP/1.1 204 No Content\r\n\r\n", 204, ""},
	}
	for _, tt := range tests {
		var chunked []byte
		// The response, then the start of the next one: only the first is
		// taken.
		in := tt.in + "HTTP/1.1 200"
		r, n, err := parseResponse([]byte(in), &chunked)
		if err != nil || n != len(tt.in) || r.status != tt.status || string(r.body) != tt.body {
			t.Errorf("%s: parseResponse = status %d, body %q, %d bytes, %v; want %d, %q, %d bytes",
				tt.name, r.status, r.body, n, err, tt.status, tt.body, len(tt.in))
		}
		// Any prefix is incomplete.
		for i := range len(tt.in) {
			if _, n, err := parseResponse([]byte(tt.in[:i]), &chunked); n != 0 || err != nil {
				t.Fatalf("%s: parseResponse of the first %d bytes = %d, %v; want 0, nil", tt.name, i, n, err)
			}
		}
	}
	for name, in := range map[string]string{
		"not HTTP":     "HTTX/1.1 200 OK\r\n\r\n",
		"bad status":   "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n",
		"bad header":   "HTTP/1.1 200 OK\r\nno colon\r\nContent-Length: 0\r\n\r\n",
		"bad length":   "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"no length":    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nbody",
		"bad chunk":    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"chunk no end": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX0\r\n\r\n",
	} {
		var chunked []byte
		if _, _, err := parseResponse([]byte(in), &chunked); err == nil {
			t.Errorf("%s: parseResponse succeeded", name)
		}
	}
}

func TestParseResponseUpgrade(t *testing.T) {
	in := "HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n" +
		"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\x81\x02ok"
	var chunked []byte
	r, n, err := parseResponse([]byte(in), &chunked)
	if err != nil || !r.upgradeWS || !r.connUpgrade || string(r.accept) != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" || in[n:] != "\x81\x02ok" {
		t.Errorf("parseResponse = %+v, %d, %v", r, n, err)
	}
}

// TestHTTPConn makes requests on one kept-alive connection to net/http's
// server, with bodies of every kind it sends.
func TestHTTPConn(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch r.URL.Query().Get("kind") {
		case "small": // Content-Length
			w.Write([]byte("small:" + string(body)))
		case "flushed": // chunked
			w.Write([]byte("part1,"))
			w.(http.Flusher).Flush()
			w.Write([]byte("part2"))
		case "big": // chunked, past the initial buffer
			w.Write([]byte(strings.Repeat("x", 10*httpBufferSize)))
		default:
			http.Error(w, "no such kind", http.StatusNotFound)
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	cfg := Config{URL: srv.URL, Path: "/"}
	e, err := parseEndpoints(cfg.URL, cfg.Path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := dialHTTP(t.Context(), e)
	if err != nil {
		t.Fatal(err)
	}
	defer h.conn.Close()
	for _, tt := range []struct{ req, want string }{
		{string(appendPost(nil, e.host, "/?kind=small", []byte("posted"))), "small:posted"},
		{string(appendGet(nil, e.host, "/?kind=flushed")), "part1,part2"},
		{string(appendGet(nil, e.host, "/?kind=big")), strings.Repeat("x", 10*httpBufferSize)},
		{string(appendGet(nil, e.host, "/?kind=small")), "small:"},
	} {
		body, err := h.roundTrip([]byte(tt.req))
		if err != nil || string(body) != tt.want {
			t.Fatalf("%q: roundTrip = %q, %v; want %q", abbrev([]byte(tt.req)), abbrev(body), err, abbrev([]byte(tt.want)))
		}
	}
	if _, err := h.roundTrip(appendGet(nil, e.host, "/?kind=none")); !errors.Is(err, errHTTPStatus) || !strings.Contains(err.Error(), "404") {
		t.Errorf("roundTrip of a 404 = %v", err)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
}
