// Package redistest runs real redis-server processes for tests: a single
// server with Start, a Redis Cluster of N masters with StartCluster.
//
// Real servers, not a fake, because what the Redis adapter depends on is
// the server's own behaviour: PSUBSCRIBE patterns, sharded pub/sub
// (SSUBSCRIBE, SPUBLISH, PUBSUB SHARDNUMSUB), slot routing and MOVED
// replies in a cluster, and what a client sees when the server dies and
// comes back. Each server listens on its own loopback port, keeps its files
// in its own temporary directory, persists nothing (--save "" --appendonly
// no), and is stopped by t.Cleanup; the process is reaped, and the
// directory removed, before the test's cleanup ends.
//
// The package needs the redis-server binary (Redis 7 or later, for sharded
// pub/sub and CLUSTER ADDSLOTSRANGE) on PATH. Without it the tests fail
// and say how to install it; set SOCKETIO_SKIP_REDIS=1 to skip them
// instead. redis-cli is not needed: StartCluster assigns the slots and
// joins the nodes itself, since redis-cli --cluster create refuses
// clusters of fewer than 3 masters.
//
// # Concurrency
//
// The methods of a Server may be called from any goroutine, and are
// serialized. Start, StartCluster and Server.Restart report failure with
// t.Fatal, so like t.Fatal they must be called from the goroutine running
// the test.
//
// # Example
//
//	func TestReconnect(t *testing.T) {
//		srv := redistest.Start(t)
//		// connect a client to srv.Addr(), subscribe ...
//		srv.Kill()    // the server dies without a goodbye
//		srv.Restart() // and comes back, empty, on the same port
//		// publish again; is the message delivered?
//	}
package redistest
