package redis_test

import (
	"context"
	"log"
	"time"

	"github.com/redis/rueidis"

	socketio "github.com/ab218a8d/socketio"
	redisadapter "github.com/ab218a8d/socketio/adapter/redis"
)

// A server in a cluster of servers on one Redis, Node.js ones with
// @socket.io/redis-adapter included: what it emits reaches every client
// of the cluster, and FetchSockets finds them all.
func ExampleNewAdapter() {
	client, err := rueidis.NewClient(rueidis.ClientOption{
		InitAddress:  []string{"127.0.0.1:6379"},
		DisableCache: true, // the adapter reads nothing worth caching
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close() // after the server

	srv := socketio.NewServer(&socketio.Options{
		Adapter: redisadapter.NewAdapter(client, &redisadapter.Options{Key: "socket.io"}),
	})
	defer srv.Close()
	srv.OnConnection(func(s *socketio.Socket) {
		s.Join("lobby")
	})

	// Every client in "lobby", on whichever server.
	if err := srv.To("lobby").Emit("news", "hello"); err != nil {
		log.Print(err) // Redis could not be reached; the local clients have it
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	sockets, err := srv.In("lobby").FetchSockets(ctx)
	if err != nil {
		log.Print(err) // a server did not answer in time
	}
	log.Printf("%d sockets in the lobby", len(sockets))
}

// The sharded format: sharded pub/sub of Redis 7, on a Redis Cluster.
func ExampleNewShardedAdapter() {
	client, err := rueidis.NewClient(rueidis.ClientOption{
		InitAddress:  []string{"127.0.0.1:7000", "127.0.0.1:7001", "127.0.0.1:7002"},
		DisableCache: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	srv := socketio.NewServer(&socketio.Options{
		Adapter: redisadapter.NewShardedAdapter(client, &redisadapter.ShardedOptions{
			SubscriptionMode: redisadapter.Dynamic, // as every server of the cluster
		}),
	})
	defer srv.Close()
}
