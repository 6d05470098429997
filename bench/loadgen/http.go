package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
)

// A minimal HTTP/1.1 client, enough for the WebSocket upgrade and for
// long-polling on keep-alive connections: requests are built into reused
// buffers, and responses are parsed in place from the stream's buffer,
// with their body delimited by Content-Length or chunked, so that a
// polling round trip costs no allocation, no goroutine handoff and no
// header map. There is no reconnecting: the servers under test keep the
// polling connections alive, and a connection's end ends its session.

// response is an HTTP response as parseResponse reads it. Its slices are
// valid as long as the bytes it was parsed from.
type response struct {
	status     int
	statusLine []byte
	body       []byte

	// For the WebSocket upgrade.
	upgradeWS   bool   // Upgrade: websocket
	connUpgrade bool   // Connection: upgrade
	accept      []byte // Sec-WebSocket-Accept
}

// errHTTPStatus is wrapped by the error of a request answered with a
// status other than the one expected.
var errHTTPStatus = errors.New("unexpected HTTP status")

func (r *response) statusError() error {
	return fmt.Errorf("%w: %s: %s", errHTTPStatus, r.statusLine, abbrev(r.body))
}

// maxHeader bounds a response's header.
const maxHeader = 64 << 10

var crlf = []byte("\r\n")

// parseResponse parses the response at the start of b and returns the
// number of bytes it takes, or 0 if b does not hold all of it yet. A
// chunked body is decoded into *chunked, whose storage is reused.
func parseResponse(b []byte, chunked *[]byte) (response, int, error) {
	var r response
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if end < 0 {
		if len(b) > maxHeader {
			return r, 0, fmt.Errorf("an HTTP response header of more than %d bytes", maxHeader)
		}
		return r, 0, nil
	}
	head := b[:end]
	line, head, _ := bytes.Cut(head, crlf)
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' ||
		(len(line) > 12 && line[12] != ' ') {
		return r, 0, fmt.Errorf("a malformed HTTP status line %q", abbrev(line))
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return r, 0, fmt.Errorf("a malformed HTTP status line %q", abbrev(line))
	}
	r.status, r.statusLine = status, line
	length, isChunked := -1, false
	for len(head) > 0 {
		line, head, _ = bytes.Cut(head, crlf)
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return r, 0, fmt.Errorf("a malformed HTTP header line %q", abbrev(line))
		}
		value = bytes.Trim(value, " \t")
		switch {
		case headerIs(name, "Content-Length"):
			n, err := strconv.ParseUint(string(value), 10, 31)
			if err != nil {
				return r, 0, fmt.Errorf("a malformed Content-Length %q", abbrev(value))
			}
			length = int(n)
		case headerIs(name, "Transfer-Encoding"):
			isChunked = hasToken(value, "chunked")
		case headerIs(name, "Connection"):
			r.connUpgrade = hasToken(value, "upgrade")
		case headerIs(name, "Upgrade"):
			r.upgradeWS = bytes.EqualFold(value, []byte("websocket"))
		case headerIs(name, "Sec-WebSocket-Accept"):
			r.accept = value
		}
	}
	n := end + 4
	switch {
	case status < 200 || status == 204 || status == 304: // no body
		return r, n, nil
	case isChunked:
		body, used, err := decodeChunked(b[n:], (*chunked)[:0])
		*chunked = body
		if used == 0 || err != nil {
			return r, 0, err
		}
		r.body = body
		return r, n + used, nil
	case length >= 0:
		if len(b)-n < length {
			return r, 0, nil
		}
		r.body = b[n : n+length]
		return r, n + length, nil
	}
	return r, 0, errors.New("an HTTP response without Content-Length or chunked body, which a kept-alive connection cannot delimit")
}

// headerIs reports whether a header's name is want, in any case.
func headerIs(name []byte, want string) bool {
	return len(name) == len(want) && bytes.EqualFold(name, []byte(want))
}

// hasToken reports whether a comma-separated header value holds token, in
// any case.
func hasToken(value []byte, token string) bool {
	for len(value) > 0 {
		var t []byte
		t, value, _ = bytes.Cut(value, []byte(","))
		if bytes.EqualFold(bytes.Trim(t, " \t"), []byte(token)) {
			return true
		}
	}
	return false
}

// decodeChunked decodes the chunked body at the start of b into dst and
// returns the number of bytes it takes, or 0 if b does not hold all of it.
func decodeChunked(b, dst []byte) ([]byte, int, error) {
	n := 0
	for {
		i := bytes.Index(b[n:], crlf)
		if i < 0 {
			return dst, 0, nil
		}
		sizeField, _, _ := bytes.Cut(b[n:n+i], []byte(";")) // chunk extensions are ignored
		size, err := strconv.ParseUint(string(bytes.Trim(sizeField, " \t")), 16, 31)
		if err != nil || size > maxUnit {
			return dst, 0, fmt.Errorf("a malformed chunk size %q", abbrev(b[n:n+i]))
		}
		n += i + 2
		if size == 0 {
			break
		}
		if len(b)-n < int(size)+2 {
			return dst, 0, nil
		}
		if !bytes.Equal(b[n+int(size):n+int(size)+2], crlf) {
			return dst, 0, errors.New("a chunk without its CRLF")
		}
		dst = append(dst, b[n:n+int(size)]...)
		n += int(size) + 2
	}
	for { // the trailer, up to an empty line
		i := bytes.Index(b[n:], crlf)
		if i < 0 {
			return dst, 0, nil
		}
		n += i + 2
		if i == 0 {
			return dst, n, nil
		}
	}
}

// appendGet appends a GET request for uri.
func appendGet(dst []byte, host, uri string) []byte {
	dst = append(dst, "GET "...)
	dst = append(dst, uri...)
	dst = append(dst, " HTTP/1.1\r\nHost: "...)
	dst = append(dst, host...)
	return append(dst, "\r\n\r\n"...)
}

// appendPost appends a POST request for uri carrying body, as text like
// the JavaScript client's.
func appendPost(dst []byte, host, uri string, body []byte) []byte {
	dst = append(dst, "POST "...)
	dst = append(dst, uri...)
	dst = append(dst, " HTTP/1.1\r\nHost: "...)
	dst = append(dst, host...)
	dst = append(dst, "\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: "...)
	dst = strconv.AppendInt(dst, int64(len(body)), 10)
	dst = append(dst, "\r\n\r\n"...)
	return append(dst, body...)
}

// httpConn is one keep-alive HTTP/1.1 connection to the server. One
// goroutine at a time reads it. Requests are written whole (with
// conn.Write, or a writer per goroutine), so writes from several
// goroutines do not interleave.
type httpConn struct {
	conn    net.Conn
	in      *stream
	chunked []byte // a chunked body, decoded
}

// httpBufferSize is a connection's initial read buffer, enough for a
// polling response's header and a few packets.
const httpBufferSize = 2048

func dialHTTP(ctx context.Context, e *endpoints) (*httpConn, error) {
	conn, err := e.dialer.DialContext(ctx, "tcp", e.addr)
	if err != nil {
		return nil, err
	}
	in, err := newStream(conn, httpBufferSize)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return &httpConn{conn: conn, in: in}, nil
}

// receive calls handle with each response until handle or the connection
// fails. A response is valid until handle returns.
func (h *httpConn) receive(handle func(r response) error) error {
	return h.in.receive(func(b []byte) (int, error) {
		used := 0
		for {
			r, n, err := parseResponse(b[used:], &h.chunked)
			if n == 0 || err != nil {
				return used, err
			}
			used += n
			if err := handle(r); err != nil {
				return used, err
			}
		}
	})
}

// roundTrip writes req and returns the body of the response, which must
// have status 200. The body is valid until the next read.
func (h *httpConn) roundTrip(req []byte) ([]byte, error) {
	if _, err := h.conn.Write(req); err != nil {
		return nil, err
	}
	var body []byte
	err := h.receive(func(r response) error {
		if r.status != 200 {
			return r.statusError()
		}
		body = r.body
		return errDone
	})
	if err != errDone {
		return nil, err
	}
	return body, nil
}
