// Package nodepeer runs Node.js Socket.IO servers, Redis emitters and
// clients for the tests of the Redis adapter, so that a test can put Go
// and Node servers in one cluster on a real Redis and check that they
// understand each other.
//
// A [Peer] is one node process running js/peer.mjs. It starts
// socket.io servers with @socket.io/redis-adapter (the classic
// createAdapter or createShardedAdapter), @socket.io/redis-emitter
// emitters and socket.io-client clients on command, and reports what they
// see as [Event]s. The npm packages are pinned in js/package.json and
// js/package-lock.json; install them with `npm ci` in js/ before the
// tests. [Start] fails the test, and never skips it, when they are missing.
//
// The JSON-line protocol between the two, every op with its fields, and
// the deterministic answers of Node servers and clients to
// acknowledgements ([ServerSideAnswer], [ClientAck]) are described in
// js/README.md.
//
// # Concurrency
//
// The methods of [Peer], [Server], [Client] and [Emitter] are safe to call
// from several goroutines; the ones that take a testing.TB and fail the
// test must be called from the test's goroutine, as t.Fatal requires.
// Commands run concurrently in the node process: a Call returns when its
// own op has finished.
//
// # Example
//
//	p := nodepeer.Start(t)
//	s := p.StartServer(t, nodepeer.ServerConfig{Redis: redisURL})
//	c := p.Client(t, "c1", s.URL, nodepeer.ClientConfig{})
//	s.Emit(t, nodepeer.Selector{}, "hello", "world")
//	p.WaitEvent(t, nodepeer.Match("recv", "client", "c1", "name", "hello"), 5*time.Second)
package nodepeer
