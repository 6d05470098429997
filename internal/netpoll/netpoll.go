// Package netpoll tells when idle network connections become readable,
// without a goroutine parked on each of them.
//
// A server holding many idle connections would otherwise keep one blocked
// reader goroutine, and its stack, per connection: on Linux that is most of
// the memory an idle WebSocket costs. A Poller instead registers the
// connections in an epoll set of its own and runs a callback on a fresh
// goroutine when one has data; the callback reads what is there without
// blocking and re-arms the watch. The epoll descriptor itself is parked in
// the Go runtime's poller, so waiting for events costs no thread and no
// blocking system call.
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
