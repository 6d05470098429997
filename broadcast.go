package socketio

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ab218a8d/socketio/adapter"
	"github.com/ab218a8d/socketio/parser"
)

// BroadcastOperator selects sockets of a namespace and acts on them. It
// is an immutable value: To, Except and the flag methods return modified
// copies, so one operator can be the base of several broadcasts.
type BroadcastOperator struct {
	nsp    *Namespace
	rooms  []string
	except []string
	flags  adapter.Flags
}

// To adds rooms to the selection: the sockets in any of the rooms.
func (b BroadcastOperator) To(rooms ...string) BroadcastOperator {
	b.rooms = append(slices.Clip(b.rooms), rooms...)
	return b
}

// In is To.
func (b BroadcastOperator) In(rooms ...string) BroadcastOperator { return b.To(rooms...) }

// Except removes the sockets in any of rooms from the selection.
func (b BroadcastOperator) Except(rooms ...string) BroadcastOperator {
	b.except = append(slices.Clip(b.except), rooms...)
	return b
}

// Volatile drops the event for sockets that cannot take it now.
func (b BroadcastOperator) Volatile() BroadcastOperator { b.flags.Volatile = true; return b }

// Local keeps the broadcast on this server.
func (b BroadcastOperator) Local() BroadcastOperator { b.flags.Local = true; return b }

// Compress sets compression (on by default).
func (b BroadcastOperator) Compress(c bool) BroadcastOperator { b.flags.NoCompress = !c; return b }

// Timeout sets how long acknowledgements are awaited.
func (b BroadcastOperator) Timeout(d time.Duration) BroadcastOperator {
	b.flags.Timeout = d
	return b
}

func (b BroadcastOperator) opts() adapter.BroadcastOptions {
	return adapter.BroadcastOptions{Rooms: b.rooms, Except: b.except, Flags: b.flags}
}

// Emit sends an event to the selected sockets, encoded once for all. If
// the last argument is an AckHandler (or a func(Args, error)), each socket
// is asked for an acknowledgement and the handler is called once: when
// every reached socket answered, or at the Timeout (set one: without it
// the handler gets ErrTimeout at once, as in the reference). Its Args are
// then the responses: the first argument of each client's
// acknowledgement, as the reference keeps them.
//
// A remote adapter publishes the event to the other servers, bounded by
// its own timeout; the error says why it could not.
func (b BroadcastOperator) Emit(event string, args ...any) error {
	return b.emit(context.Background(), event, args)
}

func (b BroadcastOperator) emit(ctx context.Context, event string, args []any) error {
	if parser.IsReserved(event) {
		return fmt.Errorf("%w: %q", ErrReservedEvent, event)
	}
	args, ack := takeAck(args)
	p, err := eventPacket(b.nsp.name, event, args)
	if err != nil {
		return err
	}
	if ack == nil {
		return b.nsp.adapter.Broadcast(ctx, p, b.opts())
	}
	return b.emitWithAck(ctx, p, ack)
}

// emitWithAck gathers the acknowledgements of a broadcast.
func (b BroadcastOperator) emitWithAck(ctx context.Context, p *parser.Packet, ack AckHandler) error {
	servers, err := b.nsp.adapter.ServerCount(ctx)
	if err != nil {
		return err
	}
	g := &ackGathering{servers: servers, handler: ack}
	g.mu.Lock()
	g.timer = time.AfterFunc(b.flags.Timeout, func() { g.finish(ErrTimeout) })
	g.mu.Unlock()
	err = b.nsp.adapter.BroadcastWithAck(ctx, p, b.opts(),
		func(n int) {
			g.mu.Lock()
			g.expected += n
			g.reported++
			g.mu.Unlock()
			g.maybeDone()
		},
		func(a Args) {
			g.mu.Lock()
			if !g.done {
				// The first argument, or "no argument" (the reference's
				// undefined) for an acknowledgement without one.
				g.responses = append(g.responses, a.Element(0))
			}
			g.mu.Unlock()
			g.maybeDone()
		})
	if err != nil {
		g.finish(err)
	}
	return err
}

// ackGathering collects the acknowledgements of one broadcast: it is done
// when every server reported how many sockets it reached and that many
// acknowledgements came, or at the timeout.
type ackGathering struct {
	servers int
	handler AckHandler

	mu        sync.Mutex
	expected  int    // guarded by mu
	reported  int    // guarded by mu
	responses []Args // guarded by mu
	done      bool   // guarded by mu
	timer     *time.Timer
}

func (g *ackGathering) maybeDone() {
	g.mu.Lock()
	complete := !g.done && g.reported >= g.servers && len(g.responses) >= g.expected
	g.mu.Unlock()
	if complete {
		g.finish(nil)
	}
}

// finish calls the handler once, outside the lock.
func (g *ackGathering) finish(err error) {
	g.mu.Lock()
	if g.done {
		g.mu.Unlock()
		return
	}
	g.done = true
	if g.timer != nil {
		g.timer.Stop()
	}
	rs := g.responses
	g.mu.Unlock()
	g.handler(parser.JoinArgs(rs...), err)
}

// EmitWithAck is Emit with acknowledgements, waiting for them or for ctx.
func (b BroadcastOperator) EmitWithAck(ctx context.Context, event string, args ...any) (Args, error) {
	return waitAck(ctx, func(h func(Args, error)) error {
		return b.emit(ctx, event, append(args[:len(args):len(args)], AckHandler(h)))
	})
}

// FetchSockets returns the selected sockets, on every server unless
// Local.
func (b BroadcastOperator) FetchSockets(ctx context.Context) ([]*RemoteSocket, error) {
	infos, err := b.nsp.adapter.FetchSockets(ctx, b.opts())
	if err != nil {
		return nil, err
	}
	out := make([]*RemoteSocket, 0, len(infos))
	for _, in := range infos {
		if in.Local {
			if s := b.nsp.Socket(in.ID); s != nil {
				out = append(out, localRemote(s))
			}
			continue
		}
		rs := &RemoteSocket{ID: in.ID, Rooms: in.Rooms, Data: in.Data, nsp: b.nsp}
		if len(in.Handshake) > 0 {
			json.Unmarshal(in.Handshake, &rs.Handshake)
		}
		out = append(out, rs)
	}
	return out, nil
}

// SocketsJoin makes the selected sockets join rooms, on every server
// unless Local.
func (b BroadcastOperator) SocketsJoin(ctx context.Context, rooms ...string) error {
	return b.nsp.adapter.AddSockets(ctx, b.opts(), rooms)
}

// SocketsLeave makes the selected sockets leave rooms, on every server
// unless Local.
func (b BroadcastOperator) SocketsLeave(ctx context.Context, rooms ...string) error {
	return b.nsp.adapter.DelSockets(ctx, b.opts(), rooms)
}

// DisconnectSockets disconnects the selected sockets from the namespace,
// as Socket.Disconnect does, on every server unless Local.
func (b BroadcastOperator) DisconnectSockets(ctx context.Context) error {
	return b.nsp.adapter.DisconnectSockets(ctx, b.opts(), adapter.SocketOnly)
}

// CloseSockets closes the connections of the selected sockets, as
// Socket.Close does (the reference's disconnectSockets(true)), on every
// server unless Local.
func (b BroadcastOperator) CloseSockets(ctx context.Context) error {
	return b.nsp.adapter.DisconnectSockets(ctx, b.opts(), adapter.CloseConnection)
}

// waitAck emits with an acknowledgement handler and waits for it, or for
// ctx to end.
func waitAck(ctx context.Context, emit func(h func(Args, error)) error) (Args, error) {
	type result struct {
		args Args
		err  error
	}
	ch := make(chan result, 1)
	if err := emit(func(a Args, err error) { ch <- result{a, err} }); err != nil {
		return Args{}, err
	}
	select {
	case r := <-ch:
		return r.args, r.err
	case <-ctx.Done():
		return Args{}, ctx.Err()
	}
}
