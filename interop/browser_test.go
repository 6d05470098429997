package interop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	socketio "github.com/ab218a8d/socketio"
)

// These tests run Socket.IO client bundles in headless Chromium (the
// system's, driven by playwright-core with js/browser.mjs) against the
// server: socket.io-client 2.5.0 with JSONP polling, as old browsers used
// it, and with XHR polling, whose binary payloads Node.js never sends; and
// socket.io-client 4.8.3 with socket.io-msgpack-parser.

// chromium is the browser the tests drive (Debian's package "chromium").
const chromium = "/usr/bin/chromium"

// requireBrowser fails the test when Chromium, Node.js or the npm
// packages the browser tests need are missing: it never skips, so that a
// CI run without them cannot pass silently.
func requireBrowser(t *testing.T, bundles ...string) {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("%s is missing (%v): install Debian's package: apt-get install -y chromium", chromium, err)
	}
	requireClient(t, "playwright-core")
	for _, pkg := range bundles {
		requireClient(t, pkg)
	}
}

// pageServer serves the test pages and the client bundles, at an origin
// of its own; pageMux mounts them.
type pageServer struct {
	hs  *httptest.Server
	URL string
}

// pages maps the paths of the pages and scripts the tests load to their
// files.
var pages = map[string]string{
	"/socket.io-v2.js":          "node_modules/socket.io-client-v2/dist/socket.io.js",
	"/socket.io.msgpack.min.js": "node_modules/socket.io-client/dist/socket.io.msgpack.min.js",
	"/page.js":                  "js/browser-page.js",
}

// pageHTML are the pages: each loads a bundle, then the scenarios.
var pageHTML = map[string]string{
	"/legacy.html":  "/socket.io-v2.js",
	"/msgpack.html": "/socket.io.msgpack.min.js",
}

// pageMux mounts the pages and their scripts on mux.
func pageMux(mux *http.ServeMux) {
	for path, file := range pages {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			http.ServeFile(w, r, file)
		})
	}
	for path, bundle := range pageHTML {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, "<!doctype html>\n<meta charset=\"utf-8\">\n<link rel=\"icon\" href=\"data:,\">\n<title>%s</title>\n<script src=\"%s\"></script>\n<script src=\"/page.js\"></script>\n", path, bundle)
		})
	}
}

// startPageServer serves h, with the pages, on a free loopback port until
// the test ends.
func startPageServer(t *testing.T, h http.Handler) *pageServer {
	t.Helper()
	mux := http.NewServeMux()
	pageMux(mux)
	if h != nil {
		mux.Handle("/socket.io/", h)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ps := &pageServer{hs: httptest.NewUnstartedServer(mux), URL: "http://" + ln.Addr().String()}
	ps.hs.Listener.Close()
	ps.hs.Listener = ln
	ps.hs.Start()
	t.Cleanup(ps.hs.Close)
	return ps
}

// browserConfig is the JSON config of js/browser.mjs.
type browserConfig struct {
	Page      string `json:"page"`
	Scenario  string `json:"scenario"`
	Params    any    `json:"params,omitempty"`
	TimeoutMs int    `json:"timeoutMs,omitempty"`
}

// runBrowser runs js/browser.mjs to its end and returns its events; it
// fails the test unless the run ended with "done", and if any browser
// process outlives it.
func runBrowser(t *testing.T, cfg browserConfig) *sioClient {
	t.Helper()
	if cfg.TimeoutMs == 0 {
		cfg.TimeoutMs = 30000
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Playwright makes the browser's profile under TMPDIR: a directory of
	// the test's own, which tells the browser's processes.
	tmp := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(cfg.TimeoutMs)*time.Millisecond+15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "js/browser.mjs", string(raw))
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	// On SIGTERM the script closes the browser.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	c := &sioClient{limit: time.Duration(cfg.TimeoutMs) * time.Millisecond, changed: make(chan struct{}), exited: make(chan struct{})}
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &c.stderr
	c.start = time.Now()
	c.waitErr = cmd.Run()
	if ctx.Err() != nil {
		c.waitErr = fmt.Errorf("timed out after %v: %w", time.Since(c.start).Round(time.Second), c.waitErr)
	}
	if left := browserProcesses(tmp, 5*time.Second); len(left) > 0 {
		for _, pid := range left {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		t.Errorf("browser processes left running after the script (killed): %v", left)
	}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		ev := sioEvent{line: sc.Text()}
		err := json.Unmarshal([]byte(ev.line), &ev.fields)
		if err == nil {
			err = json.Unmarshal(ev.fields["event"], &ev.Event)
		}
		if err != nil && c.badLine == "" {
			c.badLine = ev.line
		}
		c.events = append(c.events, ev)
	}
	close(c.exited)
	c.finish(t)
	for _, e := range append(c.all("pageerror"), c.all("console")...) {
		t.Errorf("page: %s", e)
	}
	return c
}

// browserProcesses waits up to d for the processes whose command line
// mentions dir to end, and returns those still running.
func browserProcesses(dir string, d time.Duration) []int {
	deadline := time.Now().Add(d)
	for {
		var left []int
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			var pid int
			if _, err := fmt.Sscan(e.Name(), &pid); err != nil {
				continue
			}
			cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
			if err == nil && bytes.Contains(cmdline, []byte(dir)) {
				left = append(left, pid)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// browserText is text that JSONP must carry intact: newlines, quotes,
// backslashes (one before an n, which the JSONP form escapes as it
// escapes newlines), U+2028 and U+2029 (line terminators to JavaScript
// before ES2019), characters outside the BMP, and what a form or a
// script would take for syntax.
const browserText = "line 1\nline 2\r\n\"double\" 'single' `back` \\ \\n \\\\n \u2028 \u2029 \U0001F600 € naïve </script> a+b=c&d%20 \x00 \t end"

// browserEmits is what the emits of browser-page.js send and expect.
type browserEmits struct {
	echoArgs  func(send bool) []any
	sbinArgs  []any
	sbinWant  []any
	sbinReply []any
	tellArgs  []any
}

// newBrowserEmits returns the emits; views says whether the page may send
// Uint8Arrays besides ArrayBuffers. (socket.io-msgpack-parser's notepack.io
// encodes only ArrayBuffers as binary data in browsers; a Uint8Array
// becomes a map of its indexes.)
func newBrowserEmits(views bool) browserEmits {
	return browserEmits{
		echoArgs: func(send bool) []any {
			as := func(b []byte, typ string) map[string]any {
				if !views {
					typ = "ArrayBuffer"
				}
				if send {
					return sioBinAs(b, typ)
				}
				return sioBin(b)
			}
			return []any{
				browserText,
				map[string]any{
					"text":  browserText,
					"file":  as(genBinary(3000), "Uint8Array"),
					"parts": []any{as([]byte{}, "ArrayBuffer"), 1, as([]byte{0, 1, 2, 255}, "ArrayBuffer"), map[string]any{"deep": []any{as([]byte("deep"), "Uint8Array")}}},
				},
				nil,
				1.5,
			}
		},
		sbinArgs: []any{
			map[string]any{"a": []byte{1, 2, 3}, "list": []any{[]byte{}, browserText, []byte{255}}},
			genBinary(50_000),
		},
		sbinWant: []any{
			map[string]any{"a": sioBin([]byte{1, 2, 3}), "list": []any{sioBin([]byte{}), browserText, sioBin([]byte{255})}},
			sioBin(genBinary(50_000)),
		},
		sbinReply: []any{map[string]any{"got": browserText, "back": []any{sioBin([]byte{5, 6}), map[string]any{"k": sioBin([]byte{})}}}, sioBin([]byte("tail"))},
		tellArgs:  []any{browserText, map[string]any{"n": 1, "bin": []byte{1, 2}}},
	}
}

// params are the scenario's parameters of the emits.
func (be browserEmits) params() map[string]any {
	return map[string]any{"echoArgs": be.echoArgs(true), "sbinReply": be.sbinReply}
}

// browserServer is what the server side of the browser tests records.
type browserServer struct {
	received chan any // echo's arguments
	acked    chan any // sbin's acknowledgement
	errs     chan error
}

// setup registers the handlers of the browser scenarios on srv: whoami and
// the emits on "/" and "/admin" (whose middleware wants the auth token
// abc), join and broadcast on "/".
func (bs *browserServer) setup(srv *socketio.Server, be browserEmits) {
	bs.received = make(chan any, 1)
	bs.acked = make(chan any, 1)
	bs.errs = make(chan error, 16)
	onConnection := func(s *socketio.Socket) {
		s.On("whoami", func(e *socketio.Event) {
			e.Ack(map[string]any{"nsp": s.Namespace().Name(), "id": s.ID(), "engineId": s.Conn().ID(), "auth": s.Handshake().Auth})
		})
		s.On("echo", func(e *socketio.Event) {
			vals, err := e.Values()
			if err != nil {
				bs.errs <- err
			}
			bs.received <- sioNorm(vals)
			if err := e.Ack(map[string]any{"echo": vals, "extra": []byte{9, 8, 7}}, []byte{}); err != nil {
				bs.errs <- err
			}
		})
		s.On("serve-me", func(e *socketio.Event) {
			go func() {
				if err := s.Emit("tell", be.tellArgs...); err != nil {
					bs.errs <- err
				}
				ch := make(chan socketio.Args, 1)
				err := s.Timeout(5*time.Second).Emit("sbin", append(be.sbinArgs, socketio.AckHandler(func(a socketio.Args, err error) {
					if err != nil {
						bs.errs <- err
					}
					ch <- a
				}))...)
				if err != nil {
					bs.errs <- err
				}
				select {
				case a := <-ch:
					bs.acked <- sioNorm(a)
				case <-time.After(10 * time.Second):
					bs.errs <- errors.New("no acknowledgement of sbin")
				}
				e.Ack("served")
			}()
		})
		s.On("join", func(e *socketio.Event) {
			var room string
			if err := e.Decode(0, &room); err != nil {
				bs.errs <- err
			}
			s.Join(room)
			e.Ack("joined")
		})
		s.On("broadcast", func(e *socketio.Event) {
			if err := srv.To("room").Emit("bc", "to the room", map[string]any{"deep": []any{[]byte{1, 2}, map[string]any{"b": []byte{}}}}); err != nil {
				bs.errs <- err
			}
			e.Ack("broadcast")
		})
	}
	srv.OnConnection(onConnection)
	admin := srv.Of("/admin")
	admin.Use(func(s *socketio.Socket) error {
		var a struct{ Token string }
		if err := s.Handshake().BindAuth(&a); err != nil || a.Token != "abc" {
			return &socketio.ConnectError{Message: "not authorized", Data: map[string]any{"code": 4001, "token": a.Token}}
		}
		return nil
	})
	admin.OnConnection(onConnection)
}

// checkEmits checks both sides of the emits of browser-page.js.
func (bs *browserServer) checkEmits(t *testing.T, c *sioClient, be browserEmits, binType string) {
	t.Helper()
	sioCheck(t, "server: echo arguments", sioRecv(t, bs.received, "echo event"), be.echoArgs(false))
	sioCheck(t, "server: sbin acknowledgement", sioRecv(t, bs.acked, "sbin acknowledgement"), be.sbinReply)
	sioCheck(t, "page: echo acknowledgement", c.one(t, "echo-ack").value("args"),
		[]any{map[string]any{"echo": be.echoArgs(false), "extra": sioBin([]byte{9, 8, 7})}, sioBin([]byte{})})
	sioCheck(t, "page: tell arguments", c.one(t, "tell").value("args"), be.tellArgs)
	sbin := c.one(t, "sbin")
	sioCheck(t, "page: sbin arguments", sbin.value("args"), be.sbinWant)
	if !sbin.flag("callback") {
		t.Errorf("page: sbin came without an acknowledgement callback")
	}
	sioCheck(t, "page: serve-me acknowledgement", c.one(t, "served").value("value"), "served")
	for _, ev := range []sioEvent{c.one(t, "echo-ack"), c.one(t, "tell"), sbin} {
		checkBinaryTypes(t, ev, binType)
	}
	sioDrainErrors(t, bs.errs)
}

// checkBinaryTypes checks that the binary values of a page's event are all
// of type want, and that there are some.
func checkBinaryTypes(t *testing.T, ev sioEvent, want string) {
	t.Helper()
	types, _ := ev.value("types").([]any)
	if len(types) == 0 {
		t.Errorf("page: no binary in %s", ev)
	}
	for _, ty := range types {
		if ty != want {
			t.Errorf("page: %s: binary types %v, want %ss", ev.Event, types, want)
			break
		}
	}
}

// TestSIOClientV2InChromium: socket.io-client 2.5.0's browser bundle, from
// a page of another origin, on JSONP polling (forceJSONP: a <script> per
// poll, a form POSTed into a hidden iframe per send), and on XHR polling
// (binary payloads both ways). The server must see the JSONP requests as
// such and answer them with scripts; text with newlines, quotes, line
// separators and emoji, and binary data (base64 under JSONP), must cross
// both ways intact, in events and acknowledgements; a namespace with query
// auth, and a refusal.
func TestSIOClientV2InChromium(t *testing.T) {
	requireBrowser(t, "socket.io-client-v2")
	for _, name := range []string{"jsonp", "xhr"} {
		t.Run(name, func(t *testing.T) {
			be := newBrowserEmits(true)
			var bs browserServer
			ts, log := startLoggedServer(t, sio2Options(), func(srv *socketio.Server) { bs.setup(srv, be) })
			opts := map[string]any{"transports": []string{"polling"}}
			// JSONP, made for pages of other origins, from one; XHR from
			// the server's own, so that CORS stays out of the test.
			ps := startPageServer(t, log.wrap(ts.srv))
			url := ps.URL
			if name == "jsonp" {
				opts["jsonp"] = true
				opts["forceJSONP"] = true
				url = ts.http.URL
			}
			params := be.params()
			params["url"] = url
			params["opts"] = opts
			c := runBrowser(t, browserConfig{Page: ps.URL + "/legacy.html", Scenario: "legacy", Params: params})

			open := c.oneWhere(t, "open", "client", "c")
			sid := open.str("engineId")
			if open.str("transport") != "polling" {
				t.Errorf("page: opened on %s, want polling", open)
			}
			for nsp, id := range map[string]string{"/": sid, "/admin": "/admin#" + sid} {
				if ev := c.oneWhere(t, "connect", "nsp", nsp); ev.str("id") != id || ev.str("engineId") != sid {
					t.Errorf("page: %s connected as %s, want %s on %s", nsp, ev, id, sid)
				}
				auth := map[string]any{}
				if nsp == "/admin" {
					auth["token"] = "abc"
				}
				sioCheck(t, "page: whoami answer on "+nsp, c.oneWhere(t, "whoami", "nsp", nsp).value("info"),
					map[string]any{"nsp": nsp, "id": id, "engineId": sid, "auth": auth})
			}
			sioCheck(t, "page: refusal", c.oneWhere(t, "error", "client", "refused").value("data"), map[string]any{"code": 4001, "token": "bad"})
			var reasons []string
			for _, d := range c.where("disconnect", "client", "c") {
				reasons = append(reasons, d.str("nsp")+": "+d.str("reason"))
			}
			sioCheck(t, "page: disconnections", reasons, []string{"/admin: io client disconnect", "/: io client disconnect"})
			bs.checkEmits(t, c, be, "ArrayBuffer")
			if name == "jsonp" {
				checkJSONP(t, c, log)
			} else {
				checkXHR2(t, c, log)
			}
		})
	}
}

// checkJSONP checks that every request of the page was JSONP: the
// browser's view (scripts and form submissions) and the server's (the j
// parameter, scripts as answers, forms as bodies), with binary data as
// base64 both ways.
func checkJSONP(t *testing.T, c *sioClient, log *httpLog) {
	t.Helper()
	reqs := c.all("request")
	if len(reqs) == 0 {
		t.Errorf("page: no request to the server")
	}
	for _, r := range reqs {
		want := map[string]string{"GET": "script", "POST": "document"}[r.str("method")]
		if r.str("resourceType") != want {
			t.Errorf("page: a request of type %s, want %s: %s", r.str("resourceType"), want, r)
		}
	}
	var gets, posts, binIn, binOut int
	js := map[string]bool{} // the callback indexes
	for _, r := range log.list() {
		j := r.query.Get("j")
		js[j] = true
		if r.query.Get("EIO") != "3" || r.query.Get("transport") != "polling" || j == "" {
			t.Errorf("server: not a JSONP request of Engine.IO v3: %s", r)
			continue
		}
		if !r.query.Has("sid") && !r.query.Has("b64") {
			t.Errorf("server: a JSONP handshake without b64: %s", r)
		}
		switch r.method {
		case http.MethodGet:
			if r.aborted && len(r.respBody) == 0 {
				// The client removed the poll's script as it closed.
				continue
			}
			gets++
			prefix := "___eio[" + j + `]("`
			body := string(r.respBody)
			if r.respType != "text/javascript; charset=UTF-8" || !strings.HasPrefix(body, prefix) || !strings.HasSuffix(body, `");`) {
				t.Errorf("server: answered a JSONP poll with [%s] %.100q", r.respType, body)
			}
			if strings.Contains(body, "\u2028") || strings.Contains(body, "\u2029") {
				t.Errorf("server: a JSONP script with an unescaped line separator: %.100q", body)
			}
			if strings.Contains(body, ":b4") {
				binOut++
			}
		case http.MethodPost:
			posts++
			if r.contentType != "application/x-www-form-urlencoded" || !bytes.HasPrefix(r.body, []byte("d=")) {
				t.Errorf("server: a JSONP POST that is not a form: %s", r)
			}
			if bytes.Contains(r.body, []byte("%3Ab4")) {
				binIn++
			}
		default:
			t.Errorf("server: a %s request", r.method)
		}
	}
	if gets == 0 || posts == 0 || binIn == 0 || binOut == 0 {
		t.Errorf("server: %d polls, %d POSTs, with binary packets in %d POSTs and %d polls; want some of each", gets, posts, binIn, binOut)
	}
	if len(js) != 2 {
		t.Errorf("server: JSONP indexes %v, want one per client of the page, 2", js)
	}
	if t.Failed() {
		t.Logf("server: requests:\n%s", log)
	}
}

// checkXHR2 checks that the page polled with XHR, with binary payloads
// both ways.
func checkXHR2(t *testing.T, c *sioClient, log *httpLog) {
	t.Helper()
	for _, r := range c.all("request") {
		if r.str("resourceType") != "xhr" {
			t.Errorf("page: a request of type %s, want xhr: %s", r.str("resourceType"), r)
		}
	}
	var binIn, binOut int
	for _, r := range log.list() {
		if r.query.Get("EIO") != "3" || r.query.Get("transport") != "polling" || r.query.Has("j") || r.query.Has("b64") {
			t.Errorf("server: not an XHR2 poll of Engine.IO v3: %s", r)
		}
		if r.method == http.MethodPost && r.contentType == "application/octet-stream" {
			binIn++
		}
		if r.method == http.MethodGet && r.respType == "application/octet-stream" {
			binOut++
		}
	}
	if binIn == 0 || binOut == 0 {
		t.Errorf("server: %d binary POSTs and %d binary responses, want some of each", binIn, binOut)
		t.Logf("server: requests:\n%s", log)
	}
}

// TestMsgpackInChromium: socket.io-client 4.8.3's browser bundle with
// socket.io-msgpack-parser (dist/socket.io.msgpack.min.js, the package's
// own build of both; checkMsgpackBundle makes sure it holds 3.0.2) against
// the server with parser/msgpack, on WebSocket and on polling: events and
// acknowledgements both ways with binary data at depth, a broadcast to a
// room, a custom namespace with auth, and a refusal with data.
func TestMsgpackInChromium(t *testing.T) {
	requireBrowser(t, "socket.io-client", "socket.io-msgpack-parser")
	checkMsgpackBundle(t)
	for _, m := range sioModesPair {
		t.Run(m.name, func(t *testing.T) {
			be := newBrowserEmits(false)
			var bs browserServer
			opts := sioMsgpack.options()
			srv := socketio.NewServer(opts)
			bs.setup(srv, be)
			t.Cleanup(func() { srv.Close() })
			log := &httpLog{}
			ps := startPageServer(t, log.wrap(srv))
			params := be.params()
			params["url"] = ps.URL
			params["transports"] = m.transports
			c := runBrowser(t, browserConfig{Page: ps.URL + "/msgpack.html", Scenario: "msgpack", Params: params})

			for _, name := range []string{"c", "d"} {
				if tr := c.oneWhere(t, "open", "client", name).str("transport"); tr != m.transports[0] {
					t.Errorf("page: client %s on %s, want %s", name, tr, m.transports[0])
				}
			}
			sid := c.oneWhere(t, "open", "client", "c").str("engineId")
			ids := map[string]string{}
			for _, nsp := range []string{"/", "/admin"} {
				ev := c.oneWhere(t, "whoami", "nsp", nsp)
				ids[nsp] = ev.str("id")
				auth := map[string]any{}
				if nsp == "/admin" {
					auth["token"] = "abc"
				}
				sioCheck(t, "page: whoami answer on "+nsp, ev.value("info"),
					map[string]any{"nsp": nsp, "id": ev.str("id"), "engineId": sid, "auth": auth})
			}
			if ids["/"] == ids["/admin"] || ids["/"] == sid {
				t.Errorf("page: socket ids %v on session %s, want distinct ones (protocol v5)", ids, sid)
			}
			bs.checkEmits(t, c, be, "ArrayBuffer")
			for _, name := range []string{"c", "d"} {
				bc := c.oneWhere(t, "bc", "client", name)
				sioCheck(t, "page: broadcast to "+name, bc.value("args"),
					[]any{"to the room", map[string]any{"deep": []any{sioBin([]byte{1, 2}), map[string]any{"b": sioBin([]byte{})}}}})
				checkBinaryTypes(t, bc, "ArrayBuffer")
			}
			sioCheck(t, "page: broadcast acknowledgement", c.one(t, "broadcast-ack").value("value"), "broadcast")
			refusal := c.oneWhere(t, "connect_error", "client", "refused")
			sioCheck(t, "page: refusal", []any{refusal.value("message"), refusal.value("data")},
				[]any{"not authorized", map[string]any{"code": 4001, "token": "bad"}})

			// Each request of the transport, and over polling every
			// message the page POSTs a binary one (base64 after a "b" in
			// Engine.IO v4), as msgpack makes them, none a text one ("4").
			var binary int
			for _, r := range log.list() {
				if r.query.Get("EIO") != "4" || r.query.Get("transport") != m.transports[0] {
					t.Errorf("server: request %s, want EIO=4 on %s", r, m.transports[0])
				}
				if r.method != http.MethodPost {
					continue
				}
				for _, p := range bytes.Split(r.body, []byte{0x1e}) {
					switch {
					case bytes.HasPrefix(p, []byte("b")):
						binary++
					case bytes.HasPrefix(p, []byte("4")):
						t.Errorf("server: a text message from the page: %.100q", p)
					}
				}
			}
			if m.name == "polling" && binary == 0 {
				t.Errorf("server: no binary message POSTed")
			}
		})
	}
}

// checkMsgpackBundle checks that socket.io-client's msgpack bundle was
// built from the files of socket.io-msgpack-parser, and of notepack.io,
// that npm installed: its source map holds their text.
func checkMsgpackBundle(t *testing.T) {
	t.Helper()
	raw, err := os.ReadFile(pages["/socket.io.msgpack.min.js"] + ".map")
	if err != nil {
		t.Fatal(err)
	}
	var sm struct {
		Sources        []string `json:"sources"`
		SourcesContent []string `json:"sourcesContent"`
	}
	if err := json.Unmarshal(raw, &sm); err != nil {
		t.Fatalf("the msgpack bundle's source map: %v", err)
	}
	checked := map[string]bool{}
	for i, src := range sm.Sources {
		_, rel, ok := strings.Cut(src, "node_modules/")
		if !ok || !(strings.HasPrefix(rel, "socket.io-msgpack-parser/") || strings.HasPrefix(rel, "notepack.io/")) {
			continue
		}
		local, err := os.ReadFile(filepath.Join(nodeModules, rel))
		if err != nil {
			t.Errorf("the msgpack bundle has %s, which npm did not install: %v", rel, err)
			continue
		}
		if i >= len(sm.SourcesContent) || sm.SourcesContent[i] != string(local) {
			t.Errorf("the msgpack bundle's %s differs from the installed one", rel)
		}
		checked[rel] = true
	}
	if !checked["socket.io-msgpack-parser/index.js"] || len(checked) < 2 {
		t.Errorf("the msgpack bundle's sources %v lack socket.io-msgpack-parser and notepack.io", checked)
	}
}
