package client

import (
	"context"
	"fmt"
	"time"

	"github.com/ab218a8d/socketio/parser"
)

// Emit sends an event with args: any values that encode as JSON, []byte
// anywhere inside them sent as binary. If the last argument is an
// AckHandler (or a func(Args, error)), the server is asked for an
// acknowledgement, which the handler receives. An Args among the
// arguments is spread, each of its arguments sent as it came.
//
// Emit never blocks on the network. While the socket is disconnected the
// event waits in a buffer and is sent, in order, once it is connected;
// with SocketOptions.Retries it waits in the at-least-once queue instead.
// A socket that never connected connects now, unless NoAutoConnect.
func (s *Socket) Emit(event string, args ...any) error { return s.emit(flags{}, event, args) }

// EmitWithAck sends an event and waits for the server's acknowledgement,
// or for ctx to end. It fails with ErrDisconnected if the socket
// disconnects after the event was sent, and with ErrTimeout after the
// emitter's Timeout or AckTimeout.
func (s *Socket) EmitWithAck(ctx context.Context, event string, args ...any) (Args, error) {
	return s.emitWithAck(ctx, flags{}, event, args)
}

// Send emits the "message" event.
func (s *Socket) Send(args ...any) error { return s.Emit("message", args...) }

// Timeout returns an emitter whose acknowledgements are awaited at most d;
// after that the AckHandler gets ErrTimeout.
func (s *Socket) Timeout(d time.Duration) Emitter {
	return Emitter{s: s, f: flags{timeout: d, hasTimeout: true}}
}

// Volatile returns an emitter whose events are dropped unless the
// connection can write them at once: connected, no write under way.
func (s *Socket) Volatile() Emitter { return Emitter{s: s, f: flags{volatile: true}} }

// Compress returns an emitter with compression set. The WebSocket
// transport does not compress, so it changes nothing on the wire; it is
// here so code written for socket.io-client reads the same.
func (s *Socket) Compress(bool) Emitter { return Emitter{s: s} }

// Emitter emits with flags (Timeout, Volatile, Compress), which chain:
// s.Timeout(time.Second).Volatile().Emit(...).
type Emitter struct {
	s *Socket
	f flags
}

// Emit is Socket.Emit with the emitter's flags.
func (e Emitter) Emit(event string, args ...any) error { return e.s.emit(e.f, event, args) }

// EmitWithAck is Socket.EmitWithAck with the emitter's flags.
func (e Emitter) EmitWithAck(ctx context.Context, event string, args ...any) (Args, error) {
	return e.s.emitWithAck(ctx, e.f, event, args)
}

// Timeout sets the emitter's acknowledgement timeout.
func (e Emitter) Timeout(d time.Duration) Emitter {
	e.f.timeout, e.f.hasTimeout = d, true
	return e
}

// Volatile makes the emitter's events volatile.
func (e Emitter) Volatile() Emitter {
	e.f.volatile = true
	return e
}

// Compress is Socket.Compress.
func (e Emitter) Compress(bool) Emitter { return e }

// takeAck removes a trailing acknowledgement handler from args.
func takeAck(args []any) ([]any, AckHandler) {
	if n := len(args); n > 0 {
		switch f := args[n-1].(type) {
		case AckHandler:
			return args[:n-1], f
		case func(Args, error):
			return args[:n-1], f
		}
	}
	return args, nil
}

// eventData encodes an EVENT's data: the JSON array of the name and the
// arguments, []byte taken out as attachments. It runs user code (Marshal
// methods), so never under the lock.
func eventData(event string, args []any) ([]byte, [][]byte, error) {
	if parser.IsReserved(event) {
		return nil, nil, fmt.Errorf("%w: %q", ErrReservedEvent, event)
	}
	var atts [][]byte
	data := parser.AppendString(append(make([]byte, 0, 64), '['), event)
	data, err := parser.AppendArgs(data, &atts, args)
	if err != nil {
		return nil, nil, fmt.Errorf("socketio: encoding the arguments of %q: %w", event, err)
	}
	return append(data, ']'), atts, nil
}

func (s *Socket) emit(f flags, event string, args []any) error {
	args, ack := takeAck(args)
	data, atts, err := eventData(event, args)
	if err != nil {
		return err
	}
	m := s.m
	m.mu.Lock()
	defer m.mu.Unlock()
	s.autoConnectLocked()
	if s.opts.Retries > 0 && !f.volatile {
		s.queue = append(s.queue, &queued{flags: f, data: data, atts: atts, ack: ack})
		s.drainQueueLocked(false)
		return nil
	}
	var pa *pendingAck
	if ack != nil {
		pa = &pendingAck{fn: ack}
	}
	return s.sendLocked(f, data, atts, pa)
}

func (s *Socket) emitWithAck(ctx context.Context, f flags, event string, args []any) (Args, error) {
	type result struct {
		args Args
		err  error
	}
	ch := make(chan result, 1)
	ack := AckHandler(func(a Args, err error) { ch <- result{a, err} })
	data, atts, err := eventData(event, args)
	if err != nil {
		return Args{}, err
	}
	m := s.m
	m.mu.Lock()
	s.autoConnectLocked()
	var id uint64
	var pending bool
	if s.opts.Retries > 0 && !f.volatile {
		s.queue = append(s.queue, &queued{flags: f, data: data, atts: atts, ack: ack, direct: true})
		s.drainQueueLocked(false)
	} else {
		err = s.sendLocked(f, data, atts, &pendingAck{fn: ack, direct: true})
		id, pending = s.nextAck-1, true
	}
	m.mu.Unlock()
	if err != nil {
		return Args{}, err
	}
	select {
	case r := <-ch:
		return r.args, r.err
	case <-ctx.Done():
		if pending {
			m.mu.Lock()
			if pa := s.acks[id]; pa != nil {
				delete(s.acks, id)
				if pa.timer != nil {
					pa.timer.Stop()
				}
			}
			m.mu.Unlock()
		}
		return Args{}, ctx.Err()
	}
}

// autoConnectLocked connects a socket that never connected, at its first
// emit (unless NoAutoConnect).
func (s *Socket) autoConnectLocked() {
	if s.everActive || s.m.opts.NoAutoConnect {
		return
	}
	gen, send := s.activateLocked()
	if send {
		// Off the lock (AuthFunc is the user's); the event waits in the
		// send buffer until the server's answer to CONNECT.
		go s.sendConnect(gen)
	}
}

// sendLocked sends an EVENT whose data is encoded, asking for an
// acknowledgement when pa is set: on the connection if the socket is
// connected, else into the send buffer.
func (s *Socket) sendLocked(f flags, data []byte, atts [][]byte, pa *pendingAck) error {
	m := s.m
	p := parser.Packet{Type: parser.Event, Namespace: s.nsp, Data: data, Attachments: atts}
	if pa != nil {
		p.ID, p.HasID = s.nextAck, true
		s.nextAck++
		if s.acks == nil {
			s.acks = map[uint64]*pendingAck{}
		}
		s.acks[p.ID] = pa
		timeout, has := f.timeout, f.hasTimeout
		if !has && s.opts.AckTimeout > 0 {
			timeout, has = s.opts.AckTimeout, true
		}
		if has {
			id := p.ID
			pa.timer = time.AfterFunc(timeout, func() { s.ackTimedOut(id, pa) })
		}
	}
	connected := s.connected && m.state == open
	if f.volatile {
		if !connected || !m.engine.Writable() {
			return nil // dropped, as the reference drops it
		}
	}
	if !connected {
		s.sendBuf = append(s.sendBuf, &outgoing{p: p})
		return nil
	}
	s.notifyOutgoingLocked(&p)
	return m.writeLocked(&p)
}

// ackTimedOut fails acknowledgement id of pa after its timeout, and takes
// its packet out of the send buffer if it waits there.
func (s *Socket) ackTimedOut(id uint64, pa *pendingAck) {
	m := s.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if s.acks[id] != pa {
		return
	}
	delete(s.acks, id)
	for i, o := range s.sendBuf {
		if o.p.HasID && o.p.ID == id {
			s.sendBuf = append(s.sendBuf[:i:i], s.sendBuf[i+1:]...)
			break
		}
	}
	pa.timer = nil
	s.resolveLocked(pa, Args{}, ErrTimeout)
}

// drainQueueLocked sends the first emit of the Retries queue, unless it
// is in flight (force: send it again anyway, as after a reconnection).
func (s *Socket) drainQueueLocked(force bool) {
	if !s.connected || len(s.queue) == 0 {
		return
	}
	q := s.queue[0]
	if q.pending && !force {
		return
	}
	q.pending = true
	q.tries++
	pa := &pendingAck{direct: true}
	pa.fn = func(args Args, err error) {
		// Runs under the lock.
		if len(s.queue) == 0 || s.queue[0] != q {
			return // an older try's, already settled
		}
		if err == nil || q.tries > s.opts.Retries {
			s.queue = s.queue[1:]
			if q.ack != nil {
				if q.direct {
					q.ack(args, err)
				} else {
					s.m.d.post(func() { q.ack(args, err) }, 0, nil)
				}
			}
		}
		q.pending = false
		s.drainQueueLocked(false)
	}
	f := q.flags
	f.fromQueue = true
	s.sendLocked(f, q.data, q.atts, pa)
}

// sendAck sends the acknowledgement id with args.
func (s *Socket) sendAck(id uint64, args []any) error {
	var atts [][]byte
	data, err := parser.AppendArgs([]byte{'['}, &atts, args)
	if err != nil {
		return err
	}
	data = append(data, ']')
	m := s.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if !s.connected || m.state != open {
		return ErrDisconnected
	}
	return m.writeLocked(&parser.Packet{Type: parser.Ack, Namespace: s.nsp, ID: id, HasID: true, Data: data, Attachments: atts})
}

// notifyOutgoingLocked posts the outgoing catch-all handlers for p.
func (s *Socket) notifyOutgoingLocked(p *parser.Packet) {
	if len(s.anyOut) == 0 {
		return
	}
	args := parser.NewArgs(p.Data, p.Attachments)
	name := parser.EventName(args.Raw(0))
	postAll(s.m, s.anyOut, func(a *anyHandler) { a.f(name, args.Slice(1)) })
}
