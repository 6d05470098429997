// Package reliability replays, as tests, every attack the server has been
// tried against, on a server process of its own (./server, built without
// the race detector so that its memory is a deployment's), over loopback
// TCP through net/http:
//
//   - POST bodies and WebSocket frames that announce a megabyte and send a
//     byte: the server's memory grows with the bytes received only;
//   - slowloris request heads and silent connections (closed after the
//     header timeout) beside a slow upload that makes progress (completed);
//   - long polls whose clients hang up at once (released within a second);
//   - requests that are not plain HTTP/1.1 (bare LF, HTTP/0.9, TLS, two
//     lengths): answered at once;
//   - close codes RFC 6455 forbids (answered with 1002) and malformed
//     Engine.IO and Socket.IO packets (the offender's connection closed);
//   - a burst of events from many WebSocket clients (the poller's workers
//     leave once it is over), and a broadcast storm beyond capacity with a
//     few clients that stop reading (those are cut, the rest keep
//     receiving, memory stays under the server-wide budget).
//
// For each attack it checks the outcome, that a well-behaved client (the
// canary) is still served, and that the server's goroutines, sessions and
// RSS come back to what they were, and logs RSS and goroutines before, at
// the peak and after. Every attack runs at the scale it was first
// measured at, but the broadcast storm, which by default has 100 clients
// for 5 s within a 16 MiB budget, to fit the test command; -full runs it
// at its first scale (500 clients, 30 s, the default 256 MiB budget):
//
//	go test ./reliability/ -v -args -full
package reliability
