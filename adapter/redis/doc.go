// Package redis makes many Socket.IO servers one cluster through Redis,
// in the formats of the official Node.js packages, so that Go and Node.js
// servers share one cluster and a fleet moves to Go one process at a
// time:
//
//   - NewAdapter speaks the classic format of @socket.io/redis-adapter 8.3
//     (createAdapter): PUBLISH, PSUBSCRIBE and the request and response
//     channels;
//   - NewShardedAdapter speaks the format of its createShardedAdapter:
//     sharded pub/sub (SPUBLISH, SSUBSCRIBE, Redis 7 or later), on one
//     Redis or a Redis Cluster.
//
// Every cluster operation of the server works across the cluster:
// broadcasts with rooms, except and flags, broadcasts with acks,
// FetchSockets and the remote sockets it returns, SocketsJoin,
// SocketsLeave, DisconnectSockets, server-side emits with and without
// answers, and the server count.
//
//	client, err := rueidis.NewClient(rueidis.ClientOption{
//		InitAddress:  []string{"127.0.0.1:6379"},
//		DisableCache: true,
//	})
//	if err != nil { ... }
//	defer client.Close()
//	srv := socketio.NewServer(&socketio.Options{Adapter: redis.NewAdapter(client, nil)})
//
// # The Redis client
//
// The adapters take a rueidis client (github.com/redis/rueidis), chosen by
// measurement against go-redis (internal/clientbench/RESULTS.md): it
// publishes without allocating (go-redis: 7 allocations and 240 bytes a
// PUBLISH), pipelines concurrent publishes on its own (2.3 times the
// throughput of plain go-redis with 16 publishers), resubscribes after a
// reconnection with a backoff, and routes sharded subscriptions to the
// node of each channel's slot in a Redis Cluster, which a go-redis PubSub
// could not keep after a reconnection. DisableCache is recommended: the
// adapters read nothing worth caching.
//
// One client serves one server's adapters of every namespace; each
// namespace's subscriptions are made when the server creates it, and the
// factory waits for Redis to confirm them (up to the requests timeout),
// so that the other servers count this one at once. The client is the
// caller's: close it after the server.
//
// # The emitter
//
// NewEmitter sends to a cluster from a program that is no server, as
// @socket.io/redis-emitter 5.1 does: servers with NewAdapter or Node's
// createAdapter on the same Redis and Key act on what it publishes.
//
//	e := redis.NewEmitter(client, nil)
//	err := e.Of("/admin").To("room1").Except("room2").Emit(ctx, "event", "data", []byte{1, 2})
//	err = e.In("room1").SocketsJoin(ctx, "room3")
//	err = e.ServerSideEmit(ctx, "reload")
//
// It publishes, byte for byte, what the reference emitter publishes (uid
// "emitter"), except a server-side emit with binary, sent as msgpack
// where the reference's JSON turns a Buffer into
// {"type":"Buffer","data":[...]}. As in the reference there are no
// acknowledgements, and nothing that waits for answers (FetchSockets,
// the server count). Each operation is one PUBLISH, done when Redis has
// it, not when the servers have acted on it; the servers act on them in
// the order they were published.
//
// # Concurrency and memory
//
// A server's subscriptions live on one connection of the client's, as a
// Node.js server's live on its subscriber client: what another server or
// an emitter published (a SocketsJoin, then a broadcast to the room
// joined) is handled in the order it was published. The exceptions are
// the reference's too: the sharded adapter on a Redis Cluster, whose
// channels live on the nodes of their slots, each with its own order;
// and in its dynamic modes, a broadcast to a room that a server has just
// been told to join, sent on the room's channel before that server
// subscribed to it. Messages
// are handled on a goroutine of each namespace's adapter, in the order
// they arrived, never on the client's reading goroutine. What waits to be handled is bounded (64 MiB a namespace);
// beyond, messages are dropped and logged.
//
// # Differences from the reference
//
// A request or answer that carries binary (a server-side emit's
// arguments, a socket's data) is sent as msgpack, as the broadcasts are:
// the reference reads either, and its own JSON would turn binary into
// {"type":"Buffer","data":[...]}. The legacy requests of adapters before
// 7.0 (REMOTE_JOIN and the like without opts) are not answered.
package redis
