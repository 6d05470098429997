// Package engineio is an Engine.IO v4 server: the transport layer under
// Socket.IO, wire-compatible with the official engine.io-client 6.x, and
// with Options.AllowEIO3 with engine.io-client 3.x as well (Engine.IO v3,
// the transport of socket.io-client 1.x and 2.x).
//
// # Overview
//
// A Server is an http.Handler. Mount it where clients connect (the
// JavaScript client uses /engine.io/ by default, Socket.IO uses
// /socket.io/):
//
//	srv := engineio.NewServer(engineio.HandlerFunc(func(s *engineio.Session) engineio.SessionHandler {
//		return engineio.SessionFuncs{
//			Message: func(m engineio.Message) { s.Send(m) }, // echo
//		}
//	}), nil)
//	http.Handle("/engine.io/", srv)
//
// Server.ListenAndServe and Server.Serve are the standalone alternative:
// an http.Server with the settings a public endpoint needs
// (NewHTTPServer), Engine.IO's path served by the server and the others by
// a handler given. Mounted on an http.Server of one's own, use those
// settings too: net/http's zero values hold a connection that sends a
// request head slowly, or nothing at all, forever. A long-polling POST
// body grows with the bytes received, never to its announced length, and
// one that stalls is cut when its session closes.
//
// Each client gets a Session. It starts on HTTP long-polling (a GET that
// waits for data, a POST that carries data) or directly on WebSocket, and
// a polling session may upgrade to WebSocket ("2probe", "3probe", "5")
// without losing or reordering a message. The server pings every
// PingInterval and closes a session whose pong does not come within
// PingTimeout. Refused requests get the reference's status, error code and
// message (see ErrorCode).
//
// # Engine.IO v3 and JSONP
//
// With Options.AllowEIO3, a handshake whose EIO parameter is not 4 opens
// a session of revision 3 (Session.Protocol), on the same path as v4
// ones. It differs on the wire only: polling payloads prefix each packet
// with its length in UTF-16 code units, binary goes in binary payloads
// (or base64 with b64=1), binary WebSocket frames start with their type
// byte, and the client pings while the server answers with pongs and
// closes a session that has not pinged for PingInterval + PingTimeout.
// A polling handshake with a j parameter (of either revision) opens a
// JSONP session: each poll is answered with a script that calls
// ___eio[j], and POSTs are forms whose field d holds the payload. The
// session's codecs are chosen by its handshake; a later request of the
// other revision is refused. The handler sees the same Session and
// Messages whatever the revision.
//
// # The seam with the layer above
//
// A Handler is told of each new session and returns the SessionHandler that
// receives the session's messages (text or binary) and, once, its close
// with a CloseReason whose String is the reference's reason text. The
// layer above sends with Session.Send and ends a session with
// Session.Close. Nothing in this package knows about Socket.IO.
//
// # Concurrency
//
// All methods of Server and Session are safe for concurrent use. A
// session's handler is called from one goroutine at a time: messages in the
// order the client sent them, then the close. Handlers run without any
// library lock held and may block; while one runs, that session's next
// messages wait.
//
// Send never blocks on one client's network. Each session has one bounded
// outbound queue (Options.MaxQueuedBytes). On WebSocket the queue is
// written by the session's reader goroutine right after a handler returns,
// or else by a short-lived writer goroutine; no writer goroutine lives
// while the queue is empty. On long-polling the pending GET takes the whole
// queue as one payload. A client that stops reading fills its queue and is
// then disconnected (ErrQueueFull) instead of growing the server's memory;
// its handler hears of that close on a goroutine of its own, never inside
// the Send that overflowed.
//
// All queues together are bounded too (Options.MaxServerQueuedBytes,
// default 256 MiB), counting what writers took and have not written yet
// and a broadcast's message once per recipient. A Send that would exceed
// it waits for the server's writers to make room: an emitter faster than
// the network is so paced at the rate the clients read, instead of
// filling every queue. Every 100 ms without room, the sessions whose
// backlogs have not moved for three seconds (clients that stopped reading, the
// furthest behind) are disconnected (ErrServerQueueFull); the Send fails
// only if its own session was one of them. Clients that read keep
// receiving everything, in order. The Go heap then holds at most about
// the budget beyond the rest of the program, and up to twice that between
// collections (GOGC=100).
//
// An idle WebSocket session holds no goroutine and no buffer: on Linux the
// server watches its connections with one epoll set of its own, and a few
// pooled goroutines read the ones that have data (elsewhere, each session
// has a reader goroutine). A polling session holds none either: its
// pending GET belongs to net/http. Timers drive heartbeats and time-outs.
//
// # Dependencies
//
// None beyond the standard library: the WebSocket protocol (RFC 6455, with
// permessage-deflate) is implemented in an internal package written for
// this server.
package engineio
