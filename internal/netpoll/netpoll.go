// Package netpoll tells when idle network connections become readable,
// without a goroutine parked on each of them.
//
// A server holding many idle connections would otherwise keep one blocked
// reader goroutine, and its stack, per connection: on Linux that is most of
// the memory an idle WebSocket costs. A Poller instead registers the
// connections in an epoll set of its own and runs a callback on one of its
// worker goroutines when one has data; the callback reads what is there without
// blocking and re-arms the watch. The epoll descriptor itself is parked in
// the Go runtime's poller, so waiting for events costs no thread and no
// blocking system call.
//
// Measured on net/http, where every WebSocket is a hijacked connection
// (bench/server, which serves on net/http, pinned to one core with
// GOMAXPROCS=1, Go 1.26, Linux amd64; the marginal RSS per idle Socket.IO
// WebSocket between 1,000 and 10,000 connections, each after a forced GC;
// 2026-12-04): 4.7-4.8 KB a connection with the Poller, in three runs,
// against 15.3 KB with a goroutine per connection
// (websocket.UpgraderOptions.NoPoller), in three. The Poller saves about
// 10.5 KB a connection: the 8 KB read buffer that a blocked read holds
// while it waits (a callback takes one only when data is there), the
// reader's stack (4 KB a connection in stack_inuse) and its goroutine.
// 10,000 connections were served by 23 goroutines in all, against 10,006
// without the Poller. The Go heap then holds about 3.6 KB a connection
// (exact profile, GODEBUG=memprofilerate=1): the Engine.IO session (256
// bytes) and Socket.IO socket (288), room membership (150), the WebSocket
// (176) and the net.Conn, and the handshake request a session keeps: its
// header map, URL and struct, about 1.1 KB, and net/http's context chain
// (two cancelCtx, a Done channel, the local address; 336 bytes), through
// which the values of the request's context, middleware's included, stay
// reachable. Nothing else of net/http's connection stays: its buffers,
// its conn and its goroutine are gone. Socket buffers are kernel memory,
// not RSS, and an idle socket's are empty: /proc/net/sockstat counted 137
// pages of TCP memory for the 20,002 sockets of server and client.
//
// Where this is not supported (other systems, or connections that are not
// backed by a file descriptor, such as in-memory pipes), New or Watch
// return ErrUnsupported and the caller reads with a goroutine of its own.
package netpoll

import "errors"

// ErrUnsupported is returned when readiness notification is not available
// for this system or this connection.
var ErrUnsupported = errors.New("netpoll: not supported")

// ErrClosed is returned by Watch after the Poller was closed.
var ErrClosed = errors.New("netpoll: poller closed")
