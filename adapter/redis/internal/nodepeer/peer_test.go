package nodepeer

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ab218a8d/socketio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// wait bounds each wait for an event.
const wait = 5 * time.Second

// run runs f once per adapter mode, in parallel, each on its own Redis.
func run(t *testing.T, f func(t *testing.T, mode string)) {
	for _, mode := range []string{"classic", "sharded"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			f(t, mode)
		})
	}
}

// jsonOf decodes raw into an any, for comparisons.
func jsonOf(t testing.TB, raw json.RawMessage) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decoding %s: %v", raw, err)
	}
	return v
}

// checkJSON compares a JSON value with want, given as Go values that
// encode to the expected JSON.
func checkJSON(t testing.TB, what string, got json.RawMessage, want any) {
	t.Helper()
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := jsonOf(t, got), jsonOf(t, b); !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, got, b)
	}
}

// eventually polls cond every 20ms for at most wait.
func eventually(cond func() bool) bool {
	for deadline := time.Now().Add(wait); ; time.Sleep(20 * time.Millisecond) {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

func ids(sockets []SocketInfo) []string {
	var out []string
	for _, s := range sockets {
		out = append(out, s.ID)
	}
	slices.Sort(out)
	return out
}

func sorted(s ...string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestCluster runs two Node servers, each in its own peer process, on one
// Redis, with a client on each, and checks every op of the harness across
// them.
func TestCluster(t *testing.T) { run(t, testCluster) }

func testCluster(t *testing.T, mode string) {
	redisURL := startRedis(t)
	p1, p2 := Start(t), Start(t)
	s1 := p1.StartServer(t, ServerConfig{Name: "s1", Redis: redisURL, Mode: mode})
	s2 := p2.StartServer(t, ServerConfig{Name: "s2", Redis: redisURL, Mode: mode})
	c1 := p1.Client(t, "c1", s1.URL, ClientConfig{
		Transports: []string{"websocket"},
		Auth:       map[string]any{"data": map[string]any{"user": "alice"}, "rooms": []string{"r1"}},
	})
	// c2 takes the client's default way: polling, then the upgrade.
	c2 := p2.Client(t, "c2", s2.URL, ClientConfig{
		Auth: map[string]any{"data": map[string]any{"user": "bob"}, "rooms": []string{"r2"}},
	})
	t.Logf("versions: %v", p1.Versions())

	t.Run("uids", func(t *testing.T) {
		uid := s1.UIDs(t)["/"]
		want := map[string]int{"classic": 6, "sharded": 16}[mode]
		if len(uid) != want {
			t.Errorf("adapter uid %q, want %d characters", uid, want)
		}
	})

	t.Run("serverCount", func(t *testing.T) {
		for _, s := range []*Server{s1, s2} {
			if n := s.ServerCount(t, "/"); n != 2 {
				t.Errorf("%s: serverCount %d, want 2", s.Name, n)
			}
		}
	})

	t.Run("broadcast", func(t *testing.T) {
		m1, m2 := p1.Mark(), p2.Mark()
		s1.Emit(t, Selector{}, "hello", "world", []byte{1, 2, 3}, map[string]any{"nested": []byte{4}})
		want := []any{"world", Bin([]byte{1, 2, 3}), map[string]any{"nested": Bin([]byte{4})}}
		e1 := p1.WaitEventAfter(t, m1, Match("recv", "client", "c1", "name", "hello"), wait)
		e2 := p2.WaitEventAfter(t, m2, Match("recv", "client", "c2", "name", "hello"), wait)
		checkJSON(t, "c1's args", e1.Raw("args"), want)
		checkJSON(t, "c2's args", e2.Raw("args"), want)
		if b, ok := ParseBin(e2.Value("args").([]any)[1]); !ok || string(b) != "\x01\x02\x03" {
			t.Errorf("ParseBin: %v %v", b, ok)
		}
	})

	t.Run("rooms", func(t *testing.T) {
		m1, m2 := p1.Mark(), p2.Mark()
		s2.Emit(t, Selector{Rooms: []string{"r1"}}, "toR1")
		s1.Emit(t, Selector{Except: []string{"r1"}}, "notR1")
		s2.Emit(t, Selector{}, "marker")
		p1.WaitEventAfter(t, m1, Match("recv", "client", "c1", "name", "toR1"), wait)
		p2.WaitEventAfter(t, m2, Match("recv", "client", "c2", "name", "notR1"), wait)
		p1.WaitEventAfter(t, m1, Match("recv", "client", "c1", "name", "marker"), wait)
		p2.WaitEventAfter(t, m2, Match("recv", "client", "c2", "name", "marker"), wait)
		if evs := p1.Find(m1, Match("recv", "client", "c1", "name", "notR1")); len(evs) > 0 {
			t.Errorf("c1, in r1, got %v", evs)
		}
		if evs := p2.Find(m2, Match("recv", "client", "c2", "name", "toR1")); len(evs) > 0 {
			t.Errorf("c2, not in r1, got %v", evs)
		}
	})

	t.Run("fetchSockets", func(t *testing.T) {
		all := s1.FetchSockets(t, Selector{})
		if got, want := ids(all), sorted(c1.ID, c2.ID); !slices.Equal(got, want) {
			t.Fatalf("fetchSockets: %v, want %v", got, want)
		}
		for _, s := range all {
			c, user, room, local := c1, "alice", "r1", true
			if s.ID == c2.ID {
				c, user, room, local = c2, "bob", "r2", false
			}
			checkJSON(t, c.Name+"'s data", s.Data, map[string]any{"user": user})
			if got, want := sorted(s.Rooms...), sorted(c.ID, room); !slices.Equal(got, want) {
				t.Errorf("%s's rooms %v, want %v", c.Name, got, want)
			}
			if s.Local != local {
				t.Errorf("%s: local %v, want %v", c.Name, s.Local, local)
			}
			var hs struct {
				Auth   map[string]any `json:"auth"`
				Issued float64        `json:"issued"`
				Time   string         `json:"time"`
			}
			if err := json.Unmarshal(s.Handshake, &hs); err != nil || hs.Auth["data"] == nil || hs.Issued == 0 || hs.Time == "" {
				t.Errorf("%s's handshake %s (%v)", c.Name, s.Handshake, err)
			}
		}
		if got := ids(s1.FetchSockets(t, Selector{Rooms: []string{"r2"}})); !slices.Equal(got, []string{c2.ID}) {
			t.Errorf("fetchSockets in r2: %v, want [%s]", got, c2.ID)
		}
		if got := ids(s1.FetchSockets(t, Selector{Local: true})); !slices.Equal(got, []string{c1.ID}) {
			t.Errorf("local fetchSockets: %v, want [%s]", got, c1.ID)
		}
	})

	t.Run("serverSideEmit", func(t *testing.T) {
		m1, m2 := p1.Mark(), p2.Mark()
		r := s1.ServerSideEmitWithAck(t, "/", "ping", "x")
		if r.Error != "" || len(r.Responses) != 1 {
			t.Fatalf("serverSideEmitWithAck: %+v", r)
		}
		checkJSON(t, "answer", r.Responses[0], ServerSideAnswer("s2", "x"))
		e := p2.WaitEventAfter(t, m2, Match("serverSideEmit", "server", "s2", "name", "ping"), wait)
		checkJSON(t, "ping args", e.Raw("args"), []any{"x"})

		s2.ServerSideEmit(t, "/", "note", 7, []byte{8})
		e = p1.WaitEventAfter(t, m1, Match("serverSideEmit", "server", "s1", "name", "note"), wait)
		// The classic adapter sends server-side emits as JSON, where a
		// Buffer becomes {"type":"Buffer","data":[...]}; the sharded one
		// switches to msgpack when there is binary data.
		wantBin := any(Bin([]byte{8}))
		if mode == "classic" {
			wantBin = map[string]any{"type": "Buffer", "data": []int{8}}
		}
		checkJSON(t, "note args", e.Raw("args"), []any{7, wantBin})
		if e.Has("ack") {
			t.Errorf("a server-side emit without ack has an answer: %v", e)
		}
	})

	t.Run("emitWithAck", func(t *testing.T) {
		r := s2.EmitWithAck(t, Selector{Timeout: 3 * time.Second}, "q", 1)
		if r.Error != "" {
			t.Fatalf("emitWithAck: %+v", r)
		}
		var got []string
		for _, raw := range r.Responses {
			var a ClientAck
			if err := json.Unmarshal(raw, &a); err != nil || a.Event != "q" {
				t.Errorf("answer %s (%v)", raw, err)
			}
			got = append(got, a.Client)
		}
		if slices.Sort(got); !slices.Equal(got, []string{"c1", "c2"}) {
			t.Errorf("answers from %v, want c1 and c2", got)
		}
	})

	t.Run("clientEmit", func(t *testing.T) {
		m := p1.Mark()
		res, err := c1.EmitWithAck(t, time.Second, "ack", "back", 2)
		if err != nil {
			t.Fatal(err)
		}
		checkJSON(t, "ack", json.RawMessage(mustJSON(res)), []any{"back"})
		e := p1.WaitEventAfter(t, m, Match("serverRecv", "server", "s1", "name", "ack"), wait)
		checkJSON(t, "received", e.Raw("args"), []any{"back", 2})
		if _, err := c1.EmitWithAck(t, 300*time.Millisecond, "unanswered"); err == nil {
			t.Errorf("an unanswered emit with a timeout did not fail")
		}
	})

	t.Run("socketsJoin", func(t *testing.T) {
		s1.SocketsJoin(t, Selector{Rooms: []string{"r2"}}, "r3")
		if !eventually(func() bool {
			return slices.Equal(ids(s1.FetchSockets(t, Selector{Rooms: []string{"r3"}})), []string{c2.ID})
		}) {
			t.Errorf("c2 did not join r3")
		}
		s2.SocketsLeave(t, Selector{}, "r3")
		if !eventually(func() bool { return len(s1.FetchSockets(t, Selector{Rooms: []string{"r3"}})) == 0 }) {
			t.Errorf("c2 did not leave r3")
		}
	})

	t.Run("remoteSocket", func(t *testing.T) {
		m := p2.Mark()
		if local := s1.RemoteSocket(t, "/", c2.ID, "emit", map[string]any{"event": "direct", "args": []any{"d"}}); local {
			t.Errorf("c2 is local to s1")
		}
		e := p2.WaitEventAfter(t, m, Match("recv", "client", "c2", "name", "direct"), wait)
		checkJSON(t, "direct args", e.Raw("args"), []any{"d"})
		s1.RemoteSocket(t, "/", c2.ID, "join", map[string]any{"rooms": []string{"r5"}})
		if !eventually(func() bool {
			return slices.Equal(ids(s2.FetchSockets(t, Selector{Rooms: []string{"r5"}})), []string{c2.ID})
		}) {
			t.Errorf("c2 did not join r5")
		}
	})

	t.Run("namespace", func(t *testing.T) {
		c3 := p2.Client(t, "c3", s2.URL, ClientConfig{Nsp: "/admin", Transports: []string{"websocket"}})
		m := p2.Mark()
		s1.Emit(t, Selector{Nsp: "/admin"}, "adm")
		e := p2.WaitEventAfter(t, m, Match("recv", "client", "c3", "name", "adm"), wait)
		if e.Str("nsp") != "/admin" {
			t.Errorf("event %v", e)
		}
		if n := s1.ServerCount(t, "/admin"); n != 2 {
			t.Errorf("serverCount of /admin: %d, want 2", n)
		}
		c3.Close(t)
		p2.WaitEvent(t, Match("serverDisconnect", "nsp", "/admin", "id", c3.ID), wait)
	})

	if mode == "classic" {
		t.Run("allRooms", func(t *testing.T) {
			rooms := s2.AllRooms(t, "/")
			for _, r := range []string{c1.ID, c2.ID, "r1", "r2"} {
				if !slices.Contains(rooms, r) {
					t.Errorf("allRooms %v lacks %s", rooms, r)
				}
			}
		})

		// The emitter speaks the classic format only.
		t.Run("emitter", func(t *testing.T) {
			p3 := Start(t)
			e := p3.StartEmitter(t, EmitterConfig{Redis: redisURL})
			m1, m2 := p1.Mark(), p2.Mark()
			e.Emit(t, Selector{}, "fromEmitter", "e", []byte{9})
			for p, m := range map[*Peer]int{p1: m1, p2: m2} {
				ev := p.WaitEventAfter(t, m, Match("recv", "name", "fromEmitter"), wait)
				checkJSON(t, "emitter's args", ev.Raw("args"), []any{"e", Bin([]byte{9})})
			}
			e.Emit(t, Selector{Rooms: []string{"r2"}}, "emitterToR2")
			e.Emit(t, Selector{}, "emitterMarker")
			p1.WaitEventAfter(t, m1, Match("recv", "client", "c1", "name", "emitterMarker"), wait)
			p2.WaitEventAfter(t, m2, Match("recv", "client", "c2", "name", "emitterToR2"), wait)
			if evs := p1.Find(m1, Match("recv", "name", "emitterToR2")); len(evs) > 0 {
				t.Errorf("c1, not in r2, got %v", evs)
			}

			e.ServerSideEmit(t, "/", "fromEmitter2", 1)
			p1.WaitEventAfter(t, m1, Match("serverSideEmit", "server", "s1", "name", "fromEmitter2"), wait)
			p2.WaitEventAfter(t, m2, Match("serverSideEmit", "server", "s2", "name", "fromEmitter2"), wait)

			e.SocketsJoin(t, Selector{Rooms: []string{"r1"}}, "r4")
			if !eventually(func() bool {
				return slices.Equal(ids(s2.FetchSockets(t, Selector{Rooms: []string{"r4"}})), []string{c1.ID})
			}) {
				t.Errorf("c1 did not join r4")
			}
			e.SocketsLeave(t, Selector{}, "r4")
			if !eventually(func() bool { return len(s2.FetchSockets(t, Selector{Rooms: []string{"r4"}})) == 0 }) {
				t.Errorf("c1 did not leave r4")
			}
			e.DisconnectSockets(t, Selector{Rooms: []string{"r1"}}, false)
			p1.WaitEventAfter(t, m1, Match("disconnect", "client", "c1"), wait)
		})
	}

	t.Run("disconnectSockets", func(t *testing.T) {
		s1.DisconnectSockets(t, Selector{}, true)
		p2.WaitEvent(t, Match("disconnect", "client", "c2"), wait)
		p2.WaitEvent(t, Match("serverDisconnect", "server", "s2", "id", c2.ID), wait)
		p1.WaitEvent(t, Match("disconnect", "client", "c1"), wait)
	})
}

// TestServerClose checks that a server that closes leaves the count.
func TestServerClose(t *testing.T) {
	t.Parallel()
	redisURL := startRedis(t)
	p := Start(t)
	a := p.StartServer(t, ServerConfig{Name: "a", Redis: redisURL})
	b := p.StartServer(t, ServerConfig{Name: "b", Redis: redisURL})
	if n := a.ServerCount(t, "/"); n != 2 {
		t.Fatalf("serverCount %d, want 2", n)
	}
	b.Close(t)
	if n := a.ServerCount(t, "/"); n != 1 {
		t.Errorf("serverCount after a close: %d, want 1", n)
	}
	if r := a.ServerSideEmitWithAck(t, "/", "alone"); r.Error != "" || len(r.Responses) != 0 {
		t.Errorf("serverSideEmitWithAck alone: %+v", r)
	}
}

func TestCallErrors(t *testing.T) {
	t.Parallel()
	p := Start(t)
	_, err := p.callTimeout("nosuch", nil)
	var oe *OpError
	if !errors.As(err, &oe) || !strings.Contains(oe.Message, "unknown op") {
		t.Errorf("unknown op: %v", err)
	}
	_, err = p.callTimeout("clientEmit", map[string]any{"client": "ghost", "event": "x"})
	if !errors.As(err, &oe) || oe.Op != "clientEmit" || !strings.Contains(oe.Message, "no client named") {
		t.Errorf("unknown client: %v", err)
	}
	for _, pkg := range []string{"socket.io", "@socket.io/redis-adapter", "@socket.io/redis-emitter", "socket.io-client", "redis"} {
		if p.Versions()[pkg] == "" {
			t.Errorf("no version of %s in %v", pkg, p.Versions())
		}
	}
}

// TestExitOnEOF checks that the peer exits by itself, with status 0, when
// its stdin ends, as it does when the Go test process dies.
func TestExitOnEOF(t *testing.T) {
	t.Parallel()
	redisURL := startRedis(t)
	p := Start(t)
	s := p.StartServer(t, ServerConfig{Redis: redisURL})
	p.Client(t, "c", s.URL, ClientConfig{Transports: []string{"websocket"}})
	p.wmu.Lock()
	p.stdin.Close()
	p.wmu.Unlock()
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		t.Fatal("the peer still runs 5s after its stdin ended")
	}
	if p.waitErr != nil {
		t.Errorf("exit: %v", p.waitErr)
	}
	if _, err := p.callTimeout("serverCount", nil); !errors.Is(err, ErrExited) {
		t.Errorf("Call after the exit: %v, want ErrExited", err)
	}
}

// fatalRecorder is a testing.TB whose Fatalf records its message and ends
// the goroutine.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// TestNotInstalled checks that missing npm packages fail with the command
// that installs them.
func TestNotInstalled(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(jsDir(), "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "package.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	f := &fatalRecorder{TB: t}
	var wg sync.WaitGroup
	wg.Go(func() { checkInstalled(f, dir) })
	wg.Wait()
	if !strings.Contains(f.msg, "run `npm ci` in "+dir) {
		t.Errorf("message %q does not say to run npm ci in %s", f.msg, dir)
	}
}
