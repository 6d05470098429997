package client

import (
	"sync/atomic"

	"github.com/ab218a8d/socketio/parser"
)

// Args are the arguments of an event or an acknowledgement: each stays
// JSON until it is decoded into the Go value a handler asks for (see
// parser.Args: Len, Decode, Bind, Values). Binary data decodes into
// []byte wherever it sits.
type Args = parser.Args

// Event is one event received by a socket: its name, its arguments
// (decoded on demand), and the acknowledgement the server may wait for.
type Event struct {
	// Args are the event's arguments, the name excluded.
	Args
	name   string
	socket *Socket
	ackID  uint64
	hasAck bool
	acked  atomic.Bool
}

// Name returns the event's name.
func (e *Event) Name() string { return e.name }

// Socket returns the socket that received the event.
func (e *Event) Socket() *Socket { return e.socket }

// WantsAck reports whether the server asked for an acknowledgement.
func (e *Event) WantsAck() bool { return e.hasAck }

// Ack sends the acknowledgement with args. Only the first call sends; it
// fails with ErrNoAck when the server asked for none or it was sent. An
// Args among args is spread, as in Socket.Emit.
func (e *Event) Ack(args ...any) error {
	if !e.hasAck || !e.acked.CompareAndSwap(false, true) {
		return ErrNoAck
	}
	return e.socket.sendAck(e.ackID, args)
}

// EventHandler handles an event. Every handler of a Manager's sockets
// runs on one goroutine, one at a time, in the order things happened (see
// the package doc's Concurrency section). It may block, and may wait for
// the server (EmitWithAck).
type EventHandler func(e *Event)

// AnyHandler is a catch-all handler: it sees every event's name and
// arguments (see Socket.OnAny and Socket.OnAnyOutgoing).
type AnyHandler func(event string, args Args)

// AckHandler receives the acknowledgement of an emitted event: the
// server's arguments, or ErrTimeout or ErrDisconnected. Passed as the last
// argument of Emit, it asks the server for an acknowledgement. It runs as
// the event handlers do.
type AckHandler func(args Args, err error)

// DisconnectHandler is told why a socket disconnected, with the error
// behind it when there is one. Socket.Active tells, inside, whether the
// socket will reconnect.
type DisconnectHandler func(reason DisconnectReason, err error)

// Typed adapts a handler that wants the event's first argument as a T:
//
//	s.On("chat", client.Typed(func(e *client.Event, m ChatMessage) { ... }))
//
// When the argument is missing (parser.ErrMissingArg) or does not decode
// into T (parser.ErrArgType), the error goes to the socket's OnError
// handlers and h is not called.
func Typed[T any](h func(e *Event, v T)) EventHandler {
	return func(e *Event) {
		var v T
		if err := e.Decode(0, &v); err != nil {
			e.socket.reportError(err)
			return
		}
		h(e, v)
	}
}

// Typed2 is Typed for a handler that wants the first two arguments.
func Typed2[A, B any](h func(e *Event, a A, b B)) EventHandler {
	return func(e *Event) {
		var a A
		var b B
		if err := e.Bind(&a, &b); err != nil {
			e.socket.reportError(err)
			return
		}
		h(e, a, b)
	}
}

// Typed3 is Typed for a handler that wants the first three arguments.
func Typed3[A, B, C any](h func(e *Event, a A, b B, c C)) EventHandler {
	return func(e *Event) {
		var a A
		var b B
		var c C
		if err := e.Bind(&a, &b, &c); err != nil {
			e.socket.reportError(err)
			return
		}
		h(e, a, b, c)
	}
}
