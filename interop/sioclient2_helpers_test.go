package interop

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/engineio"
)

// The helpers of the tests of socket.io-client 2.x (sioclient2_test.go and
// the browser tests): a server with AllowEIO3 that logs the HTTP requests
// it gets, and js/socketio-client-v2.mjs.

// sio2Mode is a way for the 2.x client to reach the server: the modes of
// today's client, and polling then WebSocket with binary data as base64
// text on both (forceBase64: the query parameter b64=1).
//
// In Node.js the 2.x client's polling always asks for base64 text
// payloads: engine.io-client 3.x takes XHR without responseType, as
// xmlhttprequest-ssl is, for XHR1. Its binary payloads are tested in
// Chromium (browser_test.go).
type sio2Mode struct {
	mode
	base64 bool
}

var sio2Modes = []sio2Mode{
	{mode: modes[1]}, // websocket
	{mode: modes[0]}, // polling
	{mode: modes[2]}, // upgrade
	{mode: mode{name: "upgrade-b64", waitUpgrade: true, final: engineio.WebSocket}, base64: true},
}

func sio2ForModes(t *testing.T, f func(t *testing.T, m sio2Mode)) {
	for _, m := range sio2Modes {
		t.Run(m.name, func(t *testing.T) { f(t, m) })
	}
}

// sio2Options are the options of a server for 2.x clients: sioOptions
// with AllowEIO3.
func sio2Options() *socketio.Options {
	o := sioOptions()
	o.AllowEIO3 = true
	return o
}

// httpRecord is one HTTP request a server got, and its response's
// Content-Type.
type httpRecord struct {
	method      string
	query       url.Values
	contentType string // the request's
	body        []byte // a POST's
	respType    string // the response's Content-Type
	respBody    []byte // the response's body, decompressed
	upgrade     bool   // a WebSocket upgrade
	aborted     bool   // the client went away before the response
}

func (r httpRecord) String() string {
	body := ""
	if r.method == http.MethodPost {
		b := r.body
		if len(b) > 80 {
			b = b[:80]
		}
		body = fmt.Sprintf(" body %q (%d bytes)", b, len(r.body))
	}
	resp := fmt.Sprintf("[%s] %d bytes", r.respType, len(r.respBody))
	if r.aborted {
		resp = "aborted"
	}
	return fmt.Sprintf("%s ?%s [%s]%s -> %s", r.method, r.query.Encode(), r.contentType, body, resp)
}

// httpLog records the requests that reach a handler.
type httpLog struct {
	mu   sync.Mutex
	reqs []httpRecord // guarded by mu
}

// wrap returns h, logging each request to l.
func (l *httpLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httpRecord{
			method:      r.Method,
			query:       r.URL.Query(),
			contentType: r.Header.Get("Content-Type"),
			upgrade:     strings.EqualFold(r.Header.Get("Upgrade"), "websocket"),
		}
		if r.Method == http.MethodPost {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			rec.body = b
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		if rec.upgrade {
			// Logged first: the handler may serve the connection to its
			// end.
			l.add(rec)
			h.ServeHTTP(w, r)
			return
		}
		tw := &teeWriter{ResponseWriter: w}
		h.ServeHTTP(tw, r)
		rec.aborted = r.Context().Err() != nil
		// The handler has returned: nothing else writes the header.
		rec.respType = w.Header().Get("Content-Type")
		rec.respBody = tw.body.Bytes()
		var zr io.Reader
		var err error
		switch enc := w.Header().Get("Content-Encoding"); enc {
		case "gzip":
			zr, err = gzip.NewReader(&tw.body)
		case "deflate":
			zr, err = zlib.NewReader(&tw.body)
		}
		if zr != nil && err == nil {
			rec.respBody, err = io.ReadAll(zr)
		}
		if err != nil {
			rec.respBody = []byte("undecodable body: " + err.Error())
		}
		l.add(rec)
	})
}

// teeWriter keeps a copy of a response's body. Unwrap lets
// http.ResponseController reach the connection, as the polling handler
// needs.
type teeWriter struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (w *teeWriter) Write(p []byte) (int, error) {
	w.body.Write(p)
	return w.ResponseWriter.Write(p)
}

func (w *teeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (l *httpLog) add(r httpRecord) {
	l.mu.Lock()
	l.reqs = append(l.reqs, r)
	l.mu.Unlock()
}

// list returns the requests logged so far.
func (l *httpLog) list() []httpRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]httpRecord(nil), l.reqs...)
}

func (l *httpLog) String() string {
	var b strings.Builder
	for _, r := range l.list() {
		b.WriteString(r.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// startLoggedServer is startSIOServer with the requests logged.
func startLoggedServer(t *testing.T, opts *socketio.Options, setup func(srv *socketio.Server)) (*sioServer, *httpLog) {
	t.Helper()
	srv := socketio.NewServer(opts)
	if setup != nil {
		setup(srv)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		srv.Close()
		t.Fatal(err)
	}
	log := &httpLog{}
	ts := &sioServer{srv: srv, http: serve(ln, log.wrap(srv), "/socket.io/")}
	t.Cleanup(ts.stop)
	return ts, log
}

// sio2Config is the JSON config of js/socketio-client-v2.mjs.
type sio2Config struct {
	URL         string   `json:"url"`
	Transports  []string `json:"transports,omitempty"`
	ForceBase64 bool     `json:"forceBase64,omitempty"`
	WaitUpgrade bool     `json:"waitUpgrade,omitempty"`
	Scenario    string   `json:"scenario"`
	Params      any      `json:"params,omitempty"`
	TimeoutMs   int      `json:"timeoutMs,omitempty"`
}

// startSIO2Client starts js/socketio-client-v2.mjs against ts in mode m.
func startSIO2Client(t *testing.T, ts *sioServer, m sio2Mode, scenario string, params any) *sioClient {
	t.Helper()
	requireClient(t, "socket.io-client-v2")
	cfg := sio2Config{
		URL:         ts.http.URL,
		Transports:  m.transports,
		ForceBase64: m.base64,
		WaitUpgrade: m.waitUpgrade,
		Scenario:    scenario,
		Params:      params,
		TimeoutMs:   10000,
	}
	return startScript(t, "js/socketio-client-v2.mjs", cfg, cfg.TimeoutMs)
}

// checkSIO2Requests checks the requests of 2.x clients in Node.js in mode
// m: every one of Engine.IO v3 and of the mode's transports; polling asks
// for base64 text payloads (b64=1), and WebSocket only in a base64 mode;
// no JSONP, no binary payloads.
func checkSIO2Requests(t *testing.T, log *httpLog, m sio2Mode) {
	t.Helper()
	var polls int
	for _, r := range log.list() {
		if eio := r.query.Get("EIO"); eio != "3" {
			t.Errorf("server: request with EIO=%q, want 3: %s", eio, r)
		}
		tr := r.query.Get("transport")
		switch {
		case tr != "polling" && tr != "websocket",
			m.final == engineio.Polling && tr != "polling",
			m.name == "websocket" && tr != "websocket":
			t.Errorf("server: request of transport %q in mode %s: %s", tr, m.name, r)
		}
		if r.query.Has("j") {
			t.Errorf("server: a JSONP request from Node.js: %s", r)
		}
		if b64 := tr == "polling" || m.base64; r.query.Has("b64") != b64 {
			t.Errorf("server: request with b64 %v, want %v: %s", r.query.Has("b64"), b64, r)
		}
		if tr == "polling" {
			polls++
			if r.contentType == "application/octet-stream" || r.respType == "application/octet-stream" {
				t.Errorf("server: a binary payload with b64=1: %s", r)
			}
		}
	}
	if m.name != "websocket" && polls == 0 {
		t.Errorf("server: no polling request in mode %s", m.name)
	}
	if t.Failed() {
		t.Logf("server: requests:\n%s", log)
	}
}
