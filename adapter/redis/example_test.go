package redis_test

import (
	"context"
	"log"

	"github.com/redis/rueidis"

	"github.com/ab218a8d/socketio/adapter/redis"
)

// A program that is no Socket.IO server sends to the sockets of a cluster
// of Go or Node.js servers whose Redis adapters use the same Redis and
// Key.
func ExampleEmitter() {
	client, err := rueidis.NewClient(rueidis.ClientOption{
		InitAddress:  []string{"127.0.0.1:6379"},
		DisableCache: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	e := redis.NewEmitter(client, nil) // Key "socket.io"
	ctx := context.Background()

	// To every socket of "/".
	if err := e.Emit(ctx, "news", "hello"); err != nil {
		log.Fatal(err)
	}
	// To the sockets of "/admin" in room "ops" and not in "muted"; []byte
	// arrives as binary.
	ops := e.Of("/admin").To("ops").Except("muted")
	if err := ops.Volatile().Emit(ctx, "report", map[string]any{"pdf": []byte("%PDF-")}); err != nil {
		log.Fatal(err)
	}
	// Act on sockets, and tell the servers.
	if err := e.In("user:42").SocketsJoin(ctx, "premium"); err != nil {
		log.Fatal(err)
	}
	if err := e.In("banned").CloseSockets(ctx); err != nil {
		log.Fatal(err)
	}
	if err := e.ServerSideEmit(ctx, "reload-config", 3); err != nil {
		log.Fatal(err)
	}
}
