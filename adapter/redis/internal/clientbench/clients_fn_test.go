package clientbench

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ab218a8d/socketio/adapter/redis/internal/redistest"
)

// TestClients checks that each variant does what the measurements ask of
// it, so that they compare like with like.
func TestClients(t *testing.T) {
	srv := redistest.Start(t)
	ctl := control(t, srv.Addr())
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			ctx := context.Background()
			c := dial(t, v, srv.Addr())
			var mu sync.Mutex
			got := map[string]string{} // payload -> channel
			arrived := make(chan struct{}, 3)
			stop, err := c.subscribe(ctx, pattern, requests, shard, func(channel, payload string) {
				mu.Lock()
				got[payload] = channel
				mu.Unlock()
				arrived <- struct{}{}
			})
			if err != nil {
				t.Fatal(err)
			}
			defer stop()
			waitSubscribed(t, ctl, 1)
			if n, err := c.numsub(ctx, requests); n != 1 || err != nil {
				t.Errorf("numsub = %d, %v; want 1", n, err)
			}
			if n, err := c.shardnumsub(ctx, shard); n != 1 || err != nil {
				t.Errorf("shardnumsub = %d, %v; want 1", n, err)
			}
			for _, err := range []error{
				c.publish(ctx, broadcast, []byte("to the pattern")),
				c.publish(ctx, requests, []byte("to the channel")),
				c.spublish(ctx, shard, []byte("to the shard channel")),
			} {
				if err != nil {
					t.Fatal(err)
				}
			}
			for range 3 {
				select {
				case <-arrived:
				case <-time.After(5 * time.Second):
					t.Fatalf("timed out; received %v", got)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for payload, channel := range map[string]string{
				"to the pattern":       broadcast,
				"to the channel":       requests,
				"to the shard channel": shard,
			} {
				if got[payload] != channel {
					t.Errorf("%q arrived on %q, want %q", payload, got[payload], channel)
				}
			}
		})
	}
}
