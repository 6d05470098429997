package socketio

import (
	"sync/atomic"

	"github.com/ab218a8d/socketio/parser"
)

// Event is one event received by a socket: its name, its arguments
// (decoded on demand), and the acknowledgement the client may wait for.
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

// WantsAck reports whether the client asked for an acknowledgement.
func (e *Event) WantsAck() bool { return e.hasAck }

// Ack sends the acknowledgement with args. Only the first call sends; it
// fails with ErrNoAck when the client asked for none or it was sent. An
// Args among args is spread, as in Socket.Emit.
func (e *Event) Ack(args ...any) error {
	if !e.hasAck || !e.acked.CompareAndSwap(false, true) {
		return ErrNoAck
	}
	p := parser.Packet{Type: parser.Ack, Namespace: e.socket.nsp.name, ID: e.ackID, HasID: true}
	buf := getScratch()
	data, err := parser.AppendArgs(append(*buf, '['), &p.Attachments, args)
	if err != nil {
		putScratch(buf, *buf)
		return err
	}
	p.Data = append(data, ']')
	err = e.socket.client.writeData(&p, false, false)
	putScratch(buf, p.Data)
	return err
}

// EventHandler handles an event. It runs on the connection's handler
// goroutine: events of one connection are handled one at a time, in order.
// It may block, and may wait for the client (EmitWithAck): the events that
// come meanwhile wait for it to return.
type EventHandler func(e *Event)

// AnyHandler is a catch-all handler: it sees every event's name and
// arguments (see Socket.OnAny and Socket.OnAnyOutgoing).
type AnyHandler func(event string, args Args)

// EventMiddleware runs for each incoming event before its handlers; an
// error stops the event (see Socket.Use).
type EventMiddleware func(e *Event) error

// Typed adapts a handler that wants the event's first argument as a T:
//
//	s.On("chat", socketio.Typed(func(e *socketio.Event, m ChatMessage) { ... }))
//
// When the argument is missing (parser.ErrMissingArg) or does not decode
// into T (parser.ErrArgType), the error goes to the socket's OnError
// handlers and h is not called. An argument sent as null is T's zero
// value; for an optional one, take a pointer or use Event.Len.
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

// Typed2 is Typed for a handler that wants the first two arguments:
//
//	s.On("move", socketio.Typed2(func(e *socketio.Event, x, y float64) { ... }))
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

// Async adapts a handler to run on a goroutine of its own, so that the
// connection's next events are handled while it runs: for a handler that
// takes long (a slow query, a long wait for the client) and whose events
// need not be handled in order. Events handled by Async handlers are no
// longer ordered among themselves, nor with the connection's other events.
func Async(h EventHandler) EventHandler {
	return func(e *Event) { go h(e) }
}
