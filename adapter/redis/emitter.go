package redis

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"

	"github.com/redis/rueidis"

	"github.com/ab218a8d/socketio/adapter"
	"github.com/ab218a8d/socketio/parser"
)

// EmitterOptions configure an Emitter. The zero value is the reference's
// defaults.
type EmitterOptions struct {
	// Key is the prefix of the channels: the Key of the servers'
	// adapters, as @socket.io/redis-emitter's key option. Default
	// "socket.io".
	Key string
}

var (
	// ErrReservedEvent is returned for an event name that Socket.IO
	// keeps for itself: connect, connect_error, disconnect,
	// disconnecting, newListener and removeListener for Emit (the
	// reference's RESERVED_EVENTS); connect, connection and new_namespace
	// for ServerSideEmit, which a Go server refuses to send too.
	ErrReservedEvent = errors.New("redis emitter: reserved event name")
	// ErrAckUnsupported is returned when the last argument is a function:
	// an emitter is no server, and no answer can come back to it.
	ErrAckUnsupported = errors.New("redis emitter: acknowledgements are not supported")
)

// An Emitter sends to the sockets of a cluster of Socket.IO servers from
// a process that is not one of them, in the classic format of
// @socket.io/redis-adapter, as @socket.io/redis-emitter 5.1 does: the
// servers, Go with NewAdapter or Node.js with createAdapter, on the same
// Redis and Key, act on what it publishes. It knows nothing of the
// servers and their sockets: each operation is one PUBLISH, and returns
// once Redis has taken it, whoever receives it.
//
// An Emitter is the BroadcastOperator that selects every socket of its
// namespace ("/" from NewEmitter), with Of and ServerSideEmit besides.
// Like BroadcastOperator it is an immutable value, safe for concurrent
// use, and cheap to copy.
//
// There are no acknowledgements (the reference has no emitWithAck, and
// its serverSideEmit refuses a callback), no FetchSockets, and no server
// count: those need answers, and an emitter subscribes to nothing.
//
// The zero Emitter has no client: make one with NewEmitter.
type Emitter struct {
	BroadcastOperator
}

// NewEmitter returns the emitter of namespace "/" of the cluster whose
// adapters use client's Redis and opts.Key. The client is the caller's,
// to close once the emitter is no longer used; a client of a Redis
// Cluster works too (PUBLISH reaches the subscribers of every node).
func NewEmitter(client rueidis.Client, opts *EmitterOptions) Emitter {
	key := "socket.io"
	if opts != nil && opts.Key != "" {
		key = opts.Key
	}
	return newEmitter(client, key, "/")
}

func newEmitter(client rueidis.Client, key, nsp string) Emitter {
	c := newClassic(key, nsp, adapter.EmitterUID, false)
	c.emitter = true
	return Emitter{BroadcastOperator{client: client, key: key, codec: c}}
}

// Of returns the emitter of namespace nsp, "/" added in front if it has
// none, as the reference's of does.
func (e Emitter) Of(nsp string) Emitter {
	if len(nsp) == 0 || nsp[0] != '/' {
		nsp = "/" + nsp
	}
	return newEmitter(e.client, e.key, nsp)
}

// ServerSideEmit sends event with args to every server of the namespace,
// where the handlers of Namespace.OnServerSideEmit (Go) or
// namespace.on(event) (Node.js) receive it, without a way to answer.
// Arguments are encoded as the server encodes them; unlike the reference,
// which sends JSON and so turns a Buffer into {"type":"Buffer","data":[..]},
// a request with binary is sent as msgpack, so that []byte stays binary,
// as the adapters send it. The names a server may not send, connect,
// connection and new_namespace, are refused with ErrReservedEvent: the
// reference emitter sends them, and a Node.js server hands them to its
// own connection listeners.
func (e Emitter) ServerSideEmit(ctx context.Context, event string, args ...any) error {
	if event == "connect" || event == "connection" || event == "new_namespace" {
		return fmt.Errorf("%w: %q", ErrReservedEvent, event)
	}
	if err := noAck(args); err != nil {
		return err
	}
	var atts [][]byte
	data, err := parser.AppendArgs(append(make([]byte, 0, 64), '['), &atts, args)
	if err != nil {
		return fmt.Errorf("redis emitter: encoding the arguments of %q: %w", event, err)
	}
	data = append(data, ']')
	return e.publish(ctx, &adapter.Message{Type: adapter.ServerSideEmit, Event: event, Args: parser.NewArgs(data, atts)})
}

// A BroadcastOperator selects sockets of a namespace, as the server's
// BroadcastOperator does, and acts on them through Redis. It is an
// immutable value: To, In, Except, Volatile and Compress return modified
// copies, so one operator can be the base of several operations, from
// several goroutines.
//
// Rooms and excepted rooms are kept once each, in the order first given,
// as the reference keeps them in a Set.
type BroadcastOperator struct {
	client rueidis.Client
	key    string
	codec  *classic // the namespace's, read-only
	rooms  []string // never appended to in place: see addRooms
	except []string
	flags  emitFlags
}

// To selects the sockets in any of rooms, besides those already selected
// (every socket of the namespace when no room is).
func (b BroadcastOperator) To(rooms ...string) BroadcastOperator {
	b.rooms = addRooms(b.rooms, rooms)
	return b
}

// In is To.
func (b BroadcastOperator) In(rooms ...string) BroadcastOperator { return b.To(rooms...) }

// Except leaves out the sockets in any of rooms.
func (b BroadcastOperator) Except(rooms ...string) BroadcastOperator {
	b.except = addRooms(b.except, rooms)
	return b
}

// Volatile lets a server drop the event for a socket that cannot take it
// now.
func (b BroadcastOperator) Volatile() BroadcastOperator {
	if !b.flags.volatile {
		b.flags.volatile, b.flags.compressFirst = true, b.flags.hasCompress
	}
	return b
}

// Compress sets whether the event may be compressed (it is by default).
func (b BroadcastOperator) Compress(compress bool) BroadcastOperator {
	b.flags.hasCompress, b.flags.compress = true, compress
	return b
}

// addRooms returns list with the rooms it does not hold yet added, in a
// new array: list may be another operator's.
func addRooms(list, rooms []string) []string {
	for _, r := range rooms {
		if !slices.Contains(list, r) {
			list = append(slices.Clip(list), r)
		}
	}
	return list
}

// Emit sends event with args to the selected sockets, published on
// key#nsp# (key#nsp#room# when exactly one room is selected). Arguments
// are encoded as the server's Emit encodes them: []byte, at any depth, is
// binary, and a parser.Args (socketio.Args) is spread. A reserved event
// name is refused with ErrReservedEvent, a function as the last argument
// with ErrAckUnsupported.
func (b BroadcastOperator) Emit(ctx context.Context, event string, args ...any) error {
	if parser.IsReserved(event) {
		return fmt.Errorf("%w: %q", ErrReservedEvent, event)
	}
	if err := noAck(args); err != nil {
		return err
	}
	p := &parser.Packet{Type: parser.Event, Namespace: b.codec.nsp}
	data := parser.AppendString(append(make([]byte, 0, len(event)+64), '['), event)
	data, err := parser.AppendArgs(data, &p.Attachments, args)
	if err != nil {
		return fmt.Errorf("redis emitter: encoding the arguments of %q: %w", event, err)
	}
	p.Data = append(data, ']')
	var flags [48]byte
	bp := bufPool.Get().(*[]byte)
	channel, payload, err := b.codec.encodeEmit((*bp)[:0], p, b.rooms, b.except, b.flags.appendJSON(flags[:0]))
	if err != nil {
		bufPool.Put(bp)
		return fmt.Errorf("redis emitter: encoding %q: %w", event, err)
	}
	return b.send(ctx, channel, payload, bp)
}

// SocketsJoin makes the selected sockets join rooms, on every server.
func (b BroadcastOperator) SocketsJoin(ctx context.Context, rooms ...string) error {
	return b.publish(ctx, &adapter.Message{Type: adapter.SocketsJoin, Opts: b.opts(), Rooms: rooms})
}

// SocketsLeave makes the selected sockets leave rooms, on every server.
func (b BroadcastOperator) SocketsLeave(ctx context.Context, rooms ...string) error {
	return b.publish(ctx, &adapter.Message{Type: adapter.SocketsLeave, Opts: b.opts(), Rooms: rooms})
}

// DisconnectSockets disconnects the selected sockets from the namespace,
// as Socket.Disconnect does; their connections stay open.
func (b BroadcastOperator) DisconnectSockets(ctx context.Context) error {
	return b.publish(ctx, &adapter.Message{Type: adapter.DisconnectSockets, Opts: b.opts()})
}

// CloseSockets closes the connections of the selected sockets, as
// Socket.Close does: the reference's disconnectSockets(true).
func (b BroadcastOperator) CloseSockets(ctx context.Context) error {
	return b.publish(ctx, &adapter.Message{Type: adapter.DisconnectSockets, Opts: b.opts(), Close: true})
}

func (b BroadcastOperator) opts() adapter.BroadcastOptions {
	return adapter.BroadcastOptions{Rooms: b.rooms, Except: b.except}
}

// publish encodes a request with the classic codec and publishes it.
func (b BroadcastOperator) publish(ctx context.Context, m *adapter.Message) error {
	m.UID, m.Namespace = adapter.EmitterUID, b.codec.nsp
	bp := bufPool.Get().(*[]byte)
	channel, payload, err := b.codec.encode((*bp)[:0], m, "")
	if err != nil {
		bufPool.Put(bp)
		return fmt.Errorf("redis emitter: encoding a request: %w", err)
	}
	return b.send(ctx, channel, payload, bp)
}

// send publishes payload, which is in the pooled buffer bp. The buffer
// goes back to the pool only once Redis has answered: when ctx ends
// first, rueidis may still write the command, which holds the bytes. A
// buffer grown past maxPooled by a large message is left to the GC.
func (b BroadcastOperator) send(ctx context.Context, channel string, payload []byte, bp *[]byte) error {
	err := b.client.Do(ctx, b.client.B().Publish().Channel(channel).Message(rueidis.BinaryString(payload)).Build()).Error()
	if err != nil {
		return fmt.Errorf("redis emitter: failed to publish on %s: %w", channel, err)
	}
	if cap(payload) <= maxPooled {
		*bp = payload[:0]
		bufPool.Put(bp)
	}
	return nil
}

const maxPooled = 64 << 10

// noAck refuses a function as the last argument, which the server would
// take for an acknowledgement handler.
func noAck(args []any) error {
	if len(args) > 0 && args[len(args)-1] != nil && reflect.TypeOf(args[len(args)-1]).Kind() == reflect.Func {
		return ErrAckUnsupported
	}
	return nil
}

// emitFlags are a broadcast's flags as the reference writes them: each
// once, in the order first set, since it adds them to a copy of an object
// with Object.assign.
type emitFlags struct {
	volatile      bool
	hasCompress   bool
	compress      bool // the value given to Compress, if hasCompress
	compressFirst bool // Compress was called before Volatile
}

// appendJSON appends the flags object: {}, {"volatile":true},
// {"compress":false,"volatile":true}, ...
func (f emitFlags) appendJSON(js []byte) []byte {
	js = append(js, '{')
	if f.volatile && !f.compressFirst {
		js = append(js, `"volatile":true`...)
	}
	if f.hasCompress {
		if js[len(js)-1] != '{' {
			js = append(js, ',')
		}
		js = append(js, `"compress":`...)
		js = strconv.AppendBool(js, f.compress)
	}
	if f.volatile && f.compressFirst {
		js = append(js, `,"volatile":true`...)
	}
	return append(js, '}')
}
