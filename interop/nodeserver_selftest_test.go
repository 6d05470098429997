package interop

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The tests in this file check the node server harness itself, with
// Engine.IO long-polling requests made by hand.

// pollingSession is a hand-made Engine.IO v4 long-polling session.
type pollingSession struct {
	t      *testing.T
	client *http.Client
	sid    string
	url    string // the session's polling URL
}

// newPollingClient is an HTTP client that keeps no idle connections (and
// so no goroutines) between requests.
func newPollingClient() *http.Client {
	return &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
}

// openPolling opens a session and returns it with its handshake.
func openPolling(t *testing.T, client *http.Client, base string) (*pollingSession, map[string]any) {
	t.Helper()
	body := httpDo(t, client, http.MethodGet, base+"/socket.io/?EIO=4&transport=polling", "", http.StatusOK)
	var hs map[string]any
	if !strings.HasPrefix(body, "0") || json.Unmarshal([]byte(body[1:]), &hs) != nil {
		t.Fatalf("polling handshake: got %q, want an open packet", body)
	}
	sid, _ := hs["sid"].(string)
	if sid == "" {
		t.Fatalf("polling handshake %q has no sid", body)
	}
	return &pollingSession{t: t, client: client, sid: sid, url: base + "/socket.io/?EIO=4&transport=polling&sid=" + sid}, hs
}

// httpDo makes a request and returns the body of its answer, which must
// have the status want.
func httpDo(t *testing.T, client *http.Client, method, url, body string, want int) string {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, url, err)
	}
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d (%q), want %d", method, url, resp.StatusCode, b, want)
	}
	return string(b)
}

// post sends packets in one payload.
func (ps *pollingSession) post(packets ...string) {
	ps.t.Helper()
	if got := httpDo(ps.t, ps.client, http.MethodPost, ps.url, strings.Join(packets, "\x1e"), http.StatusOK); got != "ok" {
		ps.t.Fatalf("POST %q: got %q, want ok", packets, got)
	}
}

// read polls until it has n packets, answering pings on the way.
func (ps *pollingSession) read(n int) []string {
	ps.t.Helper()
	var out []string
	for len(out) < n {
		for _, p := range strings.Split(httpDo(ps.t, ps.client, http.MethodGet, ps.url, "", http.StatusOK), "\x1e") {
			if p == "2" {
				ps.post("3")
				continue
			}
			out = append(out, p)
		}
	}
	if len(out) != n {
		ps.t.Fatalf("polling: got packets %q, want %d", out, n)
	}
	return out
}

// sameJSON tells whether two JSON texts hold the same value.
func sameJSON(t *testing.T, a json.RawMessage, b string) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("bad JSON %q: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		t.Fatalf("bad JSON %q: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}

func TestNodeServerPolling(t *testing.T) {
	s := startNodeServer(t, nodeServerConfig{PingInterval: 20 * time.Second, PingTimeout: 15 * time.Second, MaxHTTPBufferSize: 123456})
	ps, hs := openPolling(t, newPollingClient(), s.URL())
	if hs["pingInterval"] != 20000.0 || hs["pingTimeout"] != 15000.0 || hs["maxPayload"] != 123456.0 {
		t.Errorf("handshake %v: the config did not reach the server", hs)
	}
	const wait = 10 * time.Second

	// The /private middleware refuses a bad token.
	ps.post(`40/private,{"token":"nope"}`)
	if got, want := ps.read(1)[0], `44/private,{"message":"not authorized","data":{"reason":"bad token","token":"nope"}}`; got != want {
		t.Errorf("CONNECT with a bad token: got %q, want %q", got, want)
	}
	ev := s.WaitEvent(t, wait, func(ev nodeEvent) bool { return ev.Event == "rejected" })
	if ev.Nsp != "/private" || ev.EngineID != ps.sid || !sameJSON(t, ev.Auth, `{"token":"nope"}`) {
		t.Errorf("rejected event %s", ev)
	}

	ps.post("40")
	ps.post(`40/private,{"token":"secret"}`)
	ids := map[string]string{}
	for _, p := range ps.read(2) {
		nsp, payload := "/", strings.TrimPrefix(p, "40")
		if rest, ok := strings.CutPrefix(p, "40/private,"); ok {
			nsp, payload = "/private", rest
		}
		var ans struct{ SID string }
		if !strings.HasPrefix(p, "40") || json.Unmarshal([]byte(payload), &ans) != nil || ans.SID == "" {
			t.Fatalf("got %q, want a CONNECT answer", p)
		}
		ids[nsp] = ans.SID
	}
	for nsp, auth := range map[string]string{"/": `{}`, "/private": `{"token":"secret"}`} {
		ev := s.WaitEvent(t, wait, func(ev nodeEvent) bool { return ev.Event == "connection" && ev.Nsp == nsp })
		var query map[string]string
		json.Unmarshal(ev.Query, &query)
		if ev.ID != ids[nsp] || ev.EngineID != ps.sid || ev.Transport != "polling" || !sameJSON(t, ev.Auth, auth) || query["EIO"] != "4" {
			t.Errorf("connection event %s, want socket %s of session %s with auth %s", ev, ids[nsp], ps.sid, auth)
		}
	}

	// echo without an ack is emitted back.
	ps.post(`42["echo",1,"a"]`)
	if got, want := ps.read(1)[0], `42["echo",1,"a"]`; got != want {
		t.Errorf("echo: got %q, want %q", got, want)
	}
	ev = s.WaitEvent(t, wait, func(ev nodeEvent) bool { return ev.Event == "received" && ev.Name == "echo" })
	if ev.Nsp != "/" || ev.ID != ids["/"] || ev.Ack || !sameJSON(t, ev.Args, `[1,"a"]`) {
		t.Errorf("received event %s", ev)
	}

	// echo with an ack and binary is acked with the same arguments.
	ps.post(`451-/private,7["echo",{"_placeholder":true,"num":0},"x"]`, "bAQID")
	if got, want := ps.read(2), []string{`461-/private,7[{"_placeholder":true,"num":0},"x"]`, "bAQID"}; !reflect.DeepEqual(got, want) {
		t.Errorf("echo with an ack: got %q, want %q", got, want)
	}
	ev = s.WaitEvent(t, wait, func(ev nodeEvent) bool { return ev.Event == "received" && ev.Nsp == "/private" })
	if ev.Name != "echo" || ev.ID != ids["/private"] || !ev.Ack || !sameJSON(t, ev.Args, `[{"$binary":"AQID"},"x"]`) {
		t.Errorf("received event %s", ev)
	}

	// A command's emit, with binary, reaches the client.
	done := s.Command(t, map[string]any{"cmd": "emit", "nsp": "/", "event": "news", "args": []any{nodeBinary([]byte{0, 255}), "hi"}})
	if done.Cmd != "emit" {
		t.Errorf("done event %s", done)
	}
	if got, want := ps.read(2), []string{`451-["news",{"_placeholder":true,"num":0},"hi"]`, "bAP8="}; !reflect.DeepEqual(got, want) {
		t.Errorf("emit command: got %q, want %q", got, want)
	}

	s.Command(t, map[string]any{"cmd": "disconnectAll", "nsp": "/"})
	if got := ps.read(1)[0]; got != "41" {
		t.Errorf("disconnectAll: got %q, want 41", got)
	}
	ev = s.WaitEvent(t, wait, func(ev nodeEvent) bool { return ev.Event == "disconnect" })
	if ev.Nsp != "/" || ev.ID != ids["/"] || ev.Reason != "server namespace disconnect" {
		t.Errorf("disconnect event %s", ev)
	}
}

func TestNodeServerRestart(t *testing.T) {
	s := startNodeServer(t, nodeServerConfig{})
	client := newPollingClient()
	old, _ := openPolling(t, client, s.URL())
	url := s.URL()
	handshake := url + "/socket.io/?EIO=4&transport=polling"

	s.Kill()
	if resp, err := client.Get(handshake); err == nil {
		resp.Body.Close()
		t.Fatalf("the server answers after Kill: %s", resp.Status)
	}

	s.Restart()
	if s.URL() != url {
		t.Fatalf("restarted on %s, want %s", s.URL(), url)
	}
	const wait = 10 * time.Second
	ev := s.WaitEvent(t, wait, func(ev nodeEvent) bool { return ev.Event == "listening" && ev.Run == 1 })
	if url != "http://127.0.0.1:"+strconv.Itoa(ev.Port) {
		t.Errorf("listening event %s, want the port of %s", ev, url)
	}

	// The new process does not know the old session.
	if got := httpDo(t, client, http.MethodGet, old.url, "", http.StatusBadRequest); got != `{"code":1,"message":"Session ID unknown"}` {
		t.Errorf("old session: got %q", got)
	}
	ev = s.WaitEvent(t, wait, func(ev nodeEvent) bool { return ev.Event == "connectionError" })
	if ev.Run != 1 || ev.Code != "1" || ev.Message != "Session ID unknown" {
		t.Errorf("connectionError event %s", ev)
	}

	ps, _ := openPolling(t, client, url)
	ps.post("40")
	if got := ps.read(1)[0]; !strings.HasPrefix(got, `40{"sid":`) {
		t.Errorf("CONNECT after Restart: got %q", got)
	}
	ev = s.WaitEvent(t, wait, func(ev nodeEvent) bool { return ev.Event == "connection" })
	if ev.Run != 1 || ev.EngineID != ps.sid {
		t.Errorf("connection event %s, want one of run 1 for session %s", ev, ps.sid)
	}

	// close stops listening.
	s.Command(t, map[string]any{"cmd": "close"})
	if resp, err := client.Get(handshake); err == nil {
		resp.Body.Close()
		t.Fatalf("the server answers after close: %s", resp.Status)
	}
}

// Restart retries while the port is taken.
func TestNodeServerRestartPortTaken(t *testing.T) {
	s := startNodeServer(t, nodeServerConfig{})
	url := s.URL()
	s.Kill()
	ln, err := net.Listen("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	// Free the port once a restart has failed to bind it.
	freed := make(chan struct{})
	go func() {
		defer close(freed)
		defer ln.Close()
		deadline := time.NewTimer(nodeStartTimeout)
		defer deadline.Stop()
		for {
			s.mu.Lock()
			changed := s.changed
			taken := slices.ContainsFunc(s.events, func(ev nodeEvent) bool { return ev.Event == "listenError" })
			s.mu.Unlock()
			if taken {
				return
			}
			select {
			case <-changed:
			case <-deadline.C:
				return
			}
		}
	}()
	s.Restart()
	<-freed
	evs := s.Events()
	if i := slices.IndexFunc(evs, func(ev nodeEvent) bool { return ev.Event == "listenError" }); i < 0 || evs[i].Run != 1 || evs[i].Code != "EADDRINUSE" {
		t.Errorf("no EADDRINUSE from run 1; events:\n%s", s.dump(0))
	}
	if last := evs[len(evs)-1]; last.Event != "listening" || last.Run < 2 || "http://127.0.0.1:"+strconv.Itoa(last.Port) != url || s.URL() != url {
		t.Errorf("not listening again on %s; events:\n%s", url, s.dump(0))
	}
	ps, _ := openPolling(t, newPollingClient(), s.URL())
	s.WaitEvent(t, 10*time.Second, func(ev nodeEvent) bool { return ev.Event == "engineOpen" && ev.EngineID == ps.sid })
}
