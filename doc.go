// Package socketio is a Socket.IO v5 server, wire-compatible with the
// official JavaScript client (socket.io-client 4.x) and with the feature
// set of the Node.js socket.io 4.8 server.
//
// # Overview
//
// A Server is an http.Handler; mount it where clients connect:
//
//	srv := socketio.NewServer(nil)
//	srv.OnConnection(func(s *socketio.Socket) {
//		s.On("chat", func(e *socketio.Event) {
//			var msg string
//			if err := e.Bind(&msg); err != nil {
//				return
//			}
//			s.Broadcast().Emit("chat", msg) // everyone else
//			e.Ack("delivered")              // the client's callback
//		})
//	})
//	http.Handle("/socket.io/", srv)
//
// Or let it listen itself, as Node's io.listen, with
// Server.ListenAndServe: an http.Server with the time-outs a public
// endpoint needs (engineio.NewHTTPServer), with the handler given for
// other paths. On a server of one's own, use those settings too.
//
// Clients connect to namespaces ("/" and any created with Server.Of, or
// on demand with Server.OfRegexp and Server.OfFunc), multiplexed over one
// Engine.IO connection (package engineio: long-polling, WebSocket, and the
// upgrade between them). Each connection to a namespace is a Socket, in
// its own room (its id) and in any rooms it joins. Broadcasts select
// sockets by rooms with immutable BroadcastOperator values
// (srv.To("room").Except("muted").Emit(...)), are encoded once for all
// recipients, and may gather acknowledgements.
//
// # Handlers and arguments
//
// Handlers are plain functions; nothing inspects their signatures. An
// event's arguments stay JSON until the handler decodes them into the Go
// values it wants (Event.Bind, Event.Decode, or Typed for the common one
// argument case). Binary data ([]byte) may sit anywhere in emitted values
// and comes back as []byte. An Args passed to Emit or Ack is spread, so
// that s.Emit("x", e.Args) forwards an event's arguments as they came. An
// acknowledgement is a function value: the AckHandler passed last to
// Emit, or Event.Ack in a handler.
//
// # Concurrency
//
// Every method is safe for concurrent use. The packets of one connection
// are handled one at a time, in the order the client sent them, on that
// connection's handler goroutine: connection middleware, connection
// handlers, event middleware and handlers. They may block, which delays
// that connection's next events only, and they may wait for the client
// (EmitWithAck), whose answer is read meanwhile: the goroutine that reads
// the transport only decodes. The handler goroutine exists while the
// connection has packets to handle; an idle connection has none. Its
// queue holds at most 1 MiB: a client that sends faster than its handlers
// go is then read no faster than they go. Acknowledgement handlers run as
// the acknowledgements arrive, as in the reference, each on a goroutine
// of its own: a handler may wait for an AckHandler to report.
//
// Emit never blocks on one client's network: packets go to the
// connection's bounded queue. A client that stops reading fills its queue
// and is disconnected with ReasonTransportError (engineio.ErrQueueFull)
// instead of growing the server's memory. All queues together are bounded
// as well (Options.MaxServerQueuedBytes): an Emit that finds that budget
// exhausted waits for the writers to make room, which paces a broadcaster
// faster than the network at the rate its clients read; meanwhile the
// connections whose backlogs have not moved for a second (clients that
// stopped reading, the furthest behind) are disconnected
// (engineio.ErrServerQueueFull). A broadcast's Emit does not fail for
// them, a Socket's Emit does if its own connection was cut, and volatile
// packets are dropped while the budget is exhausted. Handlers are called
// without any library lock held; a panic in a handler is recovered,
// logged, and reported to the server's OnPanic handlers.
//
// # Disconnection
//
// A socket's OnDisconnecting handlers run while it is still in its rooms,
// then its OnDisconnect handlers, with a DisconnectReason whose String is
// the reference's reason text. Its Context is cancelled, and pending
// acknowledgements get ErrDisconnected.
//
// # Older clients and other parsers
//
// With Options.AllowEIO3, socket.io-client 1.x and 2.x connect as well:
// Engine.IO v3 underneath (package engineio) and Socket.IO protocol v4
// above, beside today's clients on the same path. Such a client is in the
// main namespace as soon as it connects, passes its auth as the query
// string of a namespace, gets a refusal's data (or its message) as the
// error, and has the ids the reference gives it: the Engine.IO session's
// id in "/", "<namespace>#<session id>" in the others. Handlers see no
// difference, and a broadcast reaches both kinds.
//
// Options.Parser replaces the default JSON parser, for every connection
// of the server: parser/msgpack speaks socket.io-msgpack-parser's format.
// A parser that implements parser.Appender (both of this module's do)
// encodes a socket's emits into buffers the emit path reuses; a broadcast
// is encoded once by the parser and framed once for all recipients.
//
// # Scaling
//
// Rooms and broadcasts go through the namespace's adapter (package
// adapter). The in-memory adapter serves one server; remote adapters let
// many servers act as one.
package socketio
