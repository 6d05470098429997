package socketio_test

import (
	"context"
	"errors"
	"testing"

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

func (l *loopback) ServerSideEmit(ctx context.Context, args []any, withAck bool) ([]parser.Args, error) {
	var att [][]byte
	data, err := parser.AppendArray(nil, &att, args...)
	if err != nil {
		return nil, err
	}
	all := parser.NewArgs(data, att)
	var name string
	all.Decode(0, &name)
	if !withAck {
		l.nsp.ServerSideEvent(name, all.Slice(1), nil)
		return nil, nil
	}
	answers := make(chan parser.Args, 1)
	l.nsp.ServerSideEvent(name, all.Slice(1), func(reply []any) {
		var att [][]byte
		data, _ := parser.AppendArray(nil, &att, reply...)
		answers <- parser.NewArgs(data, att)
	})
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
