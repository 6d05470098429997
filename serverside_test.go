package socketio_test

import (
	"context"
	"errors"
	"testing"
	"time"

	socketio "github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/adapter"
	"github.com/ab218a8d/socketio/parser"
)

// loopback is an adapter whose "other server" is the namespace itself: a
// server-side emit comes back to the same namespace. It shows that a
// remote adapter can deliver events and answers through the seam.
type loopback struct {
	adapter.Adapter
	nsp adapter.Namespace
}

func (l *loopback) ServerSideEmit(ctx context.Context, event string, args parser.Args) error {
	l.nsp.ServerSideEvent(event, args, nil)
	return nil
}

func (l *loopback) ServerSideEmitWithAck(ctx context.Context, event string, args parser.Args) ([]parser.Args, error) {
	answers := make(chan parser.Args, 1)
	l.nsp.ServerSideEvent(event, args, func(answer parser.Args) { answers <- answer })
	select {
	case a := <-answers:
		return []parser.Args{a}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func TestServerSideEmitThroughTheAdapter(t *testing.T) {
	srv := socketio.NewServer(&socketio.Options{Adapter: func(n adapter.Namespace) adapter.Adapter {
		return &loopback{Adapter: adapter.NewMemory(n), nsp: n}
	}})
	defer srv.Close()
	var got []string
	srv.Of("/").OnServerSideEmit(func(event string, args socketio.Args, ack func(...any)) {
		var x string
		args.Bind(&x)
		got = append(got, event+" "+x)
		if ack != nil {
			ack("pong", 2)
			ack("ignored second answer")
		}
	})
	if err := srv.Of("/").ServerSideEmit(context.Background(), "hello", "a"); err != nil {
		t.Fatal(err)
	}
	answers, err := srv.Of("/").ServerSideEmitWithAck(context.Background(), "ping", "b")
	if err != nil || len(answers) != 1 {
		t.Fatalf("answers %v, %v", answers, err)
	}
	var s string
	var n int
	answers[0].Bind(&s, &n)
	if s != "pong" || n != 2 || len(got) != 2 || got[0] != "hello a" || got[1] != "ping b" {
		t.Fatalf("got %v, answer %s %d", got, s, n)
	}
	if err := srv.Of("/").ServerSideEmit(context.Background(), "connection"); !errors.Is(err, socketio.ErrReservedEvent) {
		t.Fatalf("reserved server-side event: %v", err)
	}
	// The in-memory adapter has no other server.
	plain := socketio.NewServer(nil)
	defer plain.Close()
	if err := plain.Of("/").ServerSideEmit(context.Background(), "x"); !errors.Is(err, adapter.ErrNotSupported) {
		t.Fatalf("in-memory ServerSideEmit = %v", err)
	}
}

// failing is an adapter whose cluster operations all fail, as a remote
// adapter's do when its network is down.
type failing struct{ adapter.Adapter }

var errNetwork = errors.New("network down")

func (failing) ServerCount(context.Context) (int, error) { return 0, errNetwork }
func (failing) Broadcast(context.Context, *parser.Packet, adapter.BroadcastOptions) error {
	return errNetwork
}
func (failing) BroadcastWithAck(context.Context, *parser.Packet, adapter.BroadcastOptions, func(int), func(parser.Args)) error {
	return errNetwork
}
func (failing) FetchSockets(context.Context, adapter.BroadcastOptions) ([]adapter.SocketInfo, error) {
	return nil, errNetwork
}
func (failing) AddSockets(context.Context, adapter.BroadcastOptions, []adapter.Room) error {
	return errNetwork
}
func (failing) DelSockets(context.Context, adapter.BroadcastOptions, []adapter.Room) error {
	return errNetwork
}
func (failing) DisconnectSockets(context.Context, adapter.BroadcastOptions, adapter.Disconnection) error {
	return errNetwork
}
func (failing) ServerSideEmit(context.Context, string, parser.Args) error { return errNetwork }
func (failing) ServerSideEmitWithAck(context.Context, string, parser.Args) ([]parser.Args, error) {
	return nil, errNetwork
}

// Every cluster operation's error reaches the caller of the public API.
func TestClusterErrorsReachTheCaller(t *testing.T) {
	srv := socketio.NewServer(&socketio.Options{Adapter: func(n adapter.Namespace) adapter.Adapter {
		return failing{adapter.NewMemory(n)}
	}})
	defer srv.Close()
	ctx := context.Background()
	to := srv.To("room")
	calls := map[string]error{
		"Emit":              to.Emit("x"),
		"Emit with ack":     to.Timeout(time.Second).Emit("x", socketio.AckHandler(func(socketio.Args, error) {})),
		"SocketsJoin":       to.SocketsJoin(ctx, "r"),
		"SocketsLeave":      to.SocketsLeave(ctx, "r"),
		"DisconnectSockets": to.DisconnectSockets(ctx),
		"CloseSockets":      to.CloseSockets(ctx),
		"ServerSideEmit":    srv.Of("/").ServerSideEmit(ctx, "x", 1),
	}
	_, calls["EmitWithAck"] = to.Timeout(time.Second).EmitWithAck(ctx, "x")
	_, calls["FetchSockets"] = to.FetchSockets(ctx)
	_, calls["ServerSideEmitWithAck"] = srv.Of("/").ServerSideEmitWithAck(ctx, "x")
	for name, err := range calls {
		if !errors.Is(err, errNetwork) {
			t.Errorf("%s = %v, want the adapter's error", name, err)
		}
	}
}
