package socketio_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/adapter"
	"github.com/ab218a8d/socketio/internal/eiotest"
	"github.com/ab218a8d/socketio/parser"
)

// room fixture: clients a, b, c connected to "/" (and a to "/other"),
// a and b in room "r1", b and c in room "r2".
type fixture struct {
	e       *env
	refs    *socketRef
	clients map[string]*wireClient
	ids     map[string]string
}

func newFixture(t *testing.T, m mode) *fixture {
	f := &fixture{e: newEnv(t, nil), refs: &socketRef{}, clients: map[string]*wireClient{}, ids: map[string]string{}}
	f.e.srv.OnConnection(func(s *socketio.Socket) {
		f.refs.add(s)
		s.On("join", func(e *socketio.Event) {
			var rooms []string
			e.Bind(&rooms)
			s.Join(rooms...)
			e.Ack()
		})
	})
	for _, name := range []string{"a", "b", "c"} {
		c := f.e.client(m)
		f.clients[name] = c
		f.ids[name] = c.connect("/", "")
	}
	join := map[string]string{"a": `["r1"]`, "b": `["r1","r2"]`, "c": `["r2"]`}
	for name, rooms := range join {
		c := f.clients[name]
		c.emit("/", 1, `["join",`+rooms+`]`)
		if got := c.nextText(); got != "31[]" {
			t.Fatalf("join ack = %s", got)
		}
	}
	return f
}

func (f *fixture) socket(t *testing.T, name string) *socketio.Socket {
	return f.refs.get(t, f.ids[name])
}

// expect checks that exactly the named clients receive the event text.
func (f *fixture) expect(t *testing.T, text string, names ...string) {
	t.Helper()
	synctest.Wait()
	for _, name := range names {
		if got := f.clients[name].nextText(); got != text {
			t.Fatalf("%s got %s, want %s", name, got, text)
		}
	}
	// The others got nothing: a marker sent to everyone arrives first.
	f.e.srv.Emit("marker")
	for name, c := range f.clients {
		if got := c.nextText(); got != `2["marker"]` {
			t.Fatalf("%s got %s before the marker (want nothing)", name, got)
		}
	}
}

func TestBroadcastSelection(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		f := newFixture(t, m)
		srv := f.e.srv
		srv.Emit("all", 1)
		f.expect(t, `2["all",1]`, "a", "b", "c")
		srv.To("r1").Emit("r1")
		f.expect(t, `2["r1"]`, "a", "b")
		srv.To("r1", "r2").Emit("union")
		f.expect(t, `2["union"]`, "a", "b", "c")
		srv.To("r1").To("r2").Except("r1").Emit("chained")
		f.expect(t, `2["chained"]`, "c")
		srv.Except("r2").Emit("except")
		f.expect(t, `2["except"]`, "a")
		srv.To(f.ids["c"]).Emit("private")
		f.expect(t, `2["private"]`, "c")
		srv.In("nobody").Emit("empty")
		f.expect(t, "")

		b := f.socket(t, "b")
		b.Broadcast().Emit("from b")
		f.expect(t, `2["from b"]`, "a", "c")
		b.To("r1").Emit("b to r1")
		f.expect(t, `2["b to r1"]`, "a")
		b.Except("r1").Emit("b except r1")
		f.expect(t, `2["b except r1"]`, "c")

		// Operators are immutable values.
		base := srv.To("r1")
		_ = base.To("r2")
		base.Emit("base")
		f.expect(t, `2["base"]`, "a", "b")

		srv.To("r2").Emit("bin", []byte{1, 2})
		f.expect(t, "51-[\"bin\",{\"_placeholder\":true,\"num\":0}]+\x01\x02", "b", "c")
		srv.Local().Compress(false).Emit("local")
		f.expect(t, `2["local"]`, "a", "b", "c")
	})
}

func TestBroadcastWithAcks(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		f := newFixture(t, m)
		type result struct {
			got []string
			err error
		}
		done := make(chan result, 1)
		err := f.e.srv.To("r1", "r2").Timeout(5*time.Second).Emit("q", "x", socketio.AckHandler(func(a socketio.Args, err error) {
			var got []string
			for i := range a.Len() {
				var s string
				a.Decode(i, &s)
				got = append(got, s)
			}
			sort.Strings(got)
			done <- result{got, err}
		}))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"a", "b", "c"} {
			p := f.clients[name].next()
			if !p.HasID || string(p.Data) != `["q","x"]` {
				t.Fatalf("%s got %+v", name, p)
			}
			f.clients[name].send(&parser.Packet{Type: parser.Ack, ID: p.ID, HasID: true, Data: []byte(`["` + name + `","second"]`)})
		}
		r := <-done
		if r.err != nil || strings.Join(r.got, ",") != "a,b,c" {
			t.Fatalf("responses %v, %v; want the first argument of each", r.got, r.err)
		}

		// One client does not answer: the timeout gives what came.
		start := time.Now()
		go func() {
			a, err := f.e.srv.Timeout(3*time.Second).EmitWithAck(context.Background(), "q2")
			var got []string
			for i := range a.Len() {
				var s string
				a.Decode(i, &s)
				got = append(got, s)
			}
			done <- result{got, err}
		}()
		for _, name := range []string{"a", "b", "c"} {
			p := f.clients[name].next()
			if name != "c" {
				f.clients[name].send(&parser.Packet{Type: parser.Ack, ID: p.ID, HasID: true, Data: []byte(`["` + name + `"]`)})
			}
		}
		r = <-done
		sort.Strings(r.got)
		if !errors.Is(r.err, socketio.ErrTimeout) || strings.Join(r.got, ",") != "a,b" || time.Since(start) != 3*time.Second {
			t.Fatalf("partial responses %v, %v after %v", r.got, r.err, time.Since(start))
		}
		// Without a timeout, as in the reference, the handler gets
		// ErrTimeout at once.
		if _, err := f.e.srv.EmitWithAck(context.Background(), "q3"); !errors.Is(err, socketio.ErrTimeout) {
			t.Fatalf("EmitWithAck without a timeout = %v", err)
		}
		for _, c := range f.clients {
			c.next()
		}
		// No socket selected: done at once, no error.
		a, err := f.e.srv.To("nobody").Timeout(time.Second).EmitWithAck(context.Background(), "q4")
		if err != nil || a.Len() != 0 {
			t.Fatalf("broadcast to nobody = %d responses, %v", a.Len(), err)
		}
	})
}

func TestSocketsUtilities(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		f := newFixture(t, m)
		srv := f.e.srv
		f.socket(t, "a").SetData(map[string]string{"user": "ann"})
		ctx := context.Background()
		list, err := srv.In("r1").FetchSockets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, rs := range list {
			ids = append(ids, rs.ID)
			if rs.Local() == nil || rs.Local().ID() != rs.ID {
				t.Fatalf("local socket %s not resolved", rs.ID)
			}
		}
		want := []string{f.ids["a"], f.ids["b"]}
		sort.Strings(ids)
		sort.Strings(want)
		if !slices.Equal(ids, want) {
			t.Fatalf("FetchSockets(r1) = %v, want %v", ids, want)
		}
		for _, rs := range list {
			if rs.ID == f.ids["a"] && string(rs.Data) != `{"user":"ann"}` {
				t.Fatalf("data %s", rs.Data)
			}
		}

		if err := srv.In("r2").SocketsJoin(ctx, "r3"); err != nil {
			t.Fatal(err)
		}
		srv.To("r3").Emit("r3")
		f.expect(t, `2["r3"]`, "b", "c")
		if err := srv.In("r1").SocketsLeave(ctx, "r3"); err != nil {
			t.Fatal(err)
		}
		srv.To("r3").Emit("r3 again")
		f.expect(t, `2["r3 again"]`, "c")
		list[0].Emit("remote emit")
		who := "a"
		if list[0].ID == f.ids["b"] {
			who = "b"
		}
		f.expect(t, `2["remote emit"]`, who)

		var ev events
		f.socket(t, "c").OnDisconnect(func(r socketio.DisconnectReason, _ error) { ev.add("c: %s", r) })
		if err := srv.In("r2").Except("r1").DisconnectSockets(ctx); err != nil {
			t.Fatal(err)
		}
		if got := f.clients["c"].nextText(); got != "1" {
			t.Fatalf("c got %s, want a DISCONNECT", got)
		}
		ev.want(t, "c: server namespace disconnect")
		delete(f.clients, "c")
		if n := len(srv.Sockets()); n != 2 {
			t.Fatalf("%d sockets left", n)
		}

		f.socket(t, "b").OnDisconnect(func(r socketio.DisconnectReason, _ error) { ev.add("b: %s", r) })
		if err := srv.In(f.ids["b"]).CloseSockets(ctx); err != nil {
			t.Fatal(err)
		}
		if got := f.clients["b"].nextText(); got != "1" {
			t.Fatalf("b got %s, want a DISCONNECT", got)
		}
		f.clients["b"].WantClosedByServer()
		ev.want(t, "c: server namespace disconnect", "b: server namespace disconnect")
		delete(f.clients, "b")
	})
}

func TestRoomEvents(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		var ev events
		e.srv.Of("/").OnRoomEvent(func(kind adapter.RoomEvent, room, id string) {
			if room == id {
				room = "<own>"
			}
			ev.add("%s %s", kind, room)
		})
		var refs socketRef
		e.srv.OnConnection(refs.add)
		c := e.client(eiotest.WebSocket)
		s := refs.get(t, c.connect("/", ""))
		s.Join("x", "y")
		s.Join("x")
		s.Leave("x")
		s.Leave("nope")
		before := []string{
			"create-room <own>", "join-room <own>",
			"create-room x", "join-room x", "create-room y", "join-room y",
			"delete-room x", "leave-room x",
		}
		ev.want(t, before...)
		c.sendText("1")
		synctest.Wait()
		after := ev.get()[len(before):]
		sort.Strings(after)
		if want := []string{"delete-room <own>", "delete-room y", "leave-room <own>", "leave-room y"}; !slices.Equal(after, want) {
			t.Fatalf("events on disconnect %v, want %v", after, want)
		}
	})
}

var _ = fmt.Sprint

// Leave takes several rooms, as Join does.
func TestLeaveSeveral(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, nil)
		var refs socketRef
		e.srv.OnConnection(refs.add)
		c := e.client(eiotest.WebSocket)
		s := refs.get(t, c.connect("/", ""))
		s.Join("x", "y", "z")
		s.Leave("x", "y", "nope")
		got := s.Rooms()
		sort.Strings(got)
		want := []string{s.ID(), "z"}
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Fatalf("rooms %v after leaving x and y, want %v", got, want)
		}
	})
}

// A client that acknowledges a broadcast with no argument is "no
// argument" among the responses, as the reference's undefined, not null;
// the others come as they were sent, binary included.
func TestBroadcastAckKeepsNoArgument(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		f := newFixture(t, m)
		res := make(chan socketio.Args, 1)
		err := f.e.srv.To("r1", "r2").Timeout(5*time.Second).Emit("q", socketio.AckHandler(func(a socketio.Args, err error) {
			if err != nil {
				t.Errorf("ack: %v", err)
			}
			res <- a
		}))
		if err != nil {
			t.Fatal(err)
		}
		answers := map[string]*parser.Packet{
			"a": {Type: parser.Ack, Data: []byte(`[]`)},
			"b": {Type: parser.Ack, Data: []byte(`[null]`)},
			"c": {Type: parser.Ack, Data: []byte(`[{"_placeholder":true,"num":0},"ignored"]`), Attachments: [][]byte{{9}}},
		}
		for _, name := range []string{"a", "b", "c"} {
			p := f.clients[name].next()
			ans := answers[name]
			ans.ID, ans.HasID = p.ID, true
			f.clients[name].send(ans)
		}
		a := <-res
		got := map[string]bool{}
		for i := range a.Len() {
			var b []byte
			switch err := a.Decode(i, &b); {
			case errors.Is(err, parser.ErrMissingArg) && a.Raw(i) == nil:
				got["absent"] = true
			case err == nil && b == nil:
				got["null"] = true
			case err == nil && len(b) == 1 && b[0] == 9:
				got["binary"] = true
			default:
				t.Errorf("response %d: %q %v", i, a.Raw(i), err)
			}
		}
		if len(got) != 3 || a.Len() != 3 {
			t.Fatalf("responses %v (%d); want absent, null and binary", got, a.Len())
		}
	})
}
