// Package client is a Socket.IO client, wire-compatible with the official
// Node.js server (socket.io 4.x) and with this module's server, with the
// features of socket.io-client 4.8.
//
// # Overview
//
// A Manager owns one Engine.IO connection (package engineio/client:
// long-polling, WebSocket, the upgrade between them) and multiplexes the
// sockets of several namespaces over it. A Socket is the connection to one
// namespace. New makes both for the common case:
//
//	s, err := client.New("http://localhost:3000/", nil)
//	s.On("chat", client.Typed(func(e *client.Event, msg string) { fmt.Println(msg) }))
//	if err := s.Connect(ctx); err != nil { ... }
//	answer, err := s.EmitWithAck(ctx, "hello", "world", []byte{1, 2})
//	s.Close()
//
// Handlers are in the style of the server package's: an Event carries its
// arguments, decoded on demand (Bind, Decode, Typed), and acknowledges
// with Ack; binary ([]byte) may sit anywhere in what is sent or received.
// Options.Parser chooses the wire format, the default JSON parser or
// parser/msgpack, to match the server's. The client speaks Engine.IO v4
// and Socket.IO v5 only (servers of socket.io 3.x and 4.x).
//
// # Connection life cycle
//
// Connect opens the Manager's connection if need be, sends CONNECT with
// the socket's auth, and waits for the server's answer. Then:
//
//   - the server refuses (its middleware returned an error): Connect
//     returns a *ConnectError with the server's message and data, the
//     OnConnectError handlers get it, and the socket does not retry;
//   - the connection fails or breaks (transport close, transport error,
//     ping timeout, parse error): the socket disconnects with that reason
//     and the Manager reconnects, waiting ReconnectionDelay * 2^attempt,
//     randomized by RandomizationFactor, at most ReconnectionDelayMax (the
//     reference's formula), then every socket that was connected connects
//     again with a fresh CONNECT (AuthFunc is called again);
//   - the server disconnects the socket (io server disconnect) or the
//     client does (Disconnect: io client disconnect): no reconnection.
//
// Emits while disconnected wait in a buffer and are sent in order once
// connected; Volatile ones are dropped instead. By default delivery is at
// most once; with SocketOptions.Retries it is at least once: one packet in
// flight, in order, sent again when its acknowledgement does not come
// within AckTimeout.
//
// # Concurrency
//
// All methods are safe for concurrent use, from any goroutine, handlers
// included. Every handler of a Manager's sockets (events, acknowledgement
// handlers, connect, connect_error, disconnect, the Manager's own) runs on
// one goroutine, one at a time, in the order things happened, as in the
// JavaScript client's event loop; that goroutine lives only while there is
// something to run. A handler may block, and may wait for the server
// (EmitWithAck): acknowledgements are read meanwhile. While it blocks, the
// events that come wait for it, up to 1 MiB of them; past that the
// connection stops being read until the handlers catch up.
//
// Emit never blocks on the network. The library calls no handler while
// it holds a lock. Close and Manager.Close stop everything: the goroutines
// end once the handler running, if any, returns.
//
// # Costs
//
// Measured with bench/cmd/clientcost (bench/RESULTS.md, 2026-12-05):
// 10,000 connections from one process to this module's server in another,
// Go 1.26, Linux amd64, the client on one core. An idle connection costs
// about 18.7 KB of RSS over WebSocket only (7.3 KB of Go heap, 10 KB of
// stacks: two goroutines, one of them reading) and 21.7 KB after
// long-polling then the upgrade. Opening 10,000 took 2.2 s over WebSocket
// (4,500 a second, 220 µs of client CPU each) and 5.5 s with the upgrade
// (1,800 a second, 540 µs).
//
// # Differences from socket.io-client
//
// A Socket does not connect when it is made, as a JavaScript socket does
// under autoConnect: a goroutine could then miss the first events before
// its handlers are registered. Call Connect, or Emit (which connects a
// socket that never connected, unless NoAutoConnect). An AckHandler always
// hears of the outcome: ErrDisconnected when the socket disconnects before
// the acknowledgement, where the JavaScript client calls only handlers
// with a timeout. Events for a namespace that is not connected are
// dropped, not buffered.
package client
