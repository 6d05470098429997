package clientbench

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ab218a8d/socketio/adapter/redis/internal/redistest"
)

// inbox records the payloads a subscriber received.
type inbox struct {
	mu   sync.Mutex
	got  map[string]bool
	note chan struct{} // receives a value after each message, if there is room
}

func newInbox() *inbox { return &inbox{got: make(map[string]bool), note: make(chan struct{}, 1)} }

func (b *inbox) put(_, payload string) {
	b.mu.Lock()
	b.got[payload] = true
	b.mu.Unlock()
	select {
	case b.note <- struct{}{}:
	default:
	}
}

func (b *inbox) has(payload string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.got[payload]
}

// sendUntil publishes payload with send every 50 ms until it arrives in b,
// and returns how long that took; false if it did not within timeout.
func sendUntil(b *inbox, payload string, timeout time.Duration, send func() error) (time.Duration, bool) {
	start := time.Now()
	for time.Since(start) < timeout {
		_ = send() // fails while the client reconnects
		select {
		case <-b.note:
		case <-time.After(50 * time.Millisecond):
		}
		if b.has(payload) {
			return time.Since(start), true
		}
	}
	return timeout, false
}

// downtime is how long the server stays dead in TestResubscribe: long
// enough for every client to notice and to retry in vain.
const downtime = time.Second

// TestResubscribe subscribes with each client, kills the server and
// restarts it on the same port, then publishes through the same client
// until each subscription receives again. It fails if a subscription is
// not back within 10 seconds; it logs how long each took, and how often
// the receiving loop saw an error and had to call again.
func TestResubscribe(t *testing.T) {
	for _, v := range variants {
		if v.name == "go-redis/ap" || v.name == "rueidis/20µs" { // subscribe as go-redis and rueidis do
			continue
		}
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			srv := redistest.Start(t)
			ctl := control(t, srv.Addr())
			c := dial(t, v, srv.Addr())
			ctx := context.Background()
			b := newInbox()
			stop, err := c.subscribe(ctx, pattern, requests, shard, b.put)
			if err != nil {
				t.Fatal(err)
			}
			defer stop()
			waitSubscribed(t, ctl, 1)
			send := map[string]func(string) error{
				"PSUBSCRIBE": func(p string) error { return c.publish(ctx, broadcast, []byte(p)) },
				"SUBSCRIBE":  func(p string) error { return c.publish(ctx, requests, []byte(p)) },
				"SSUBSCRIBE": func(p string) error { return c.spublish(ctx, shard, []byte(p)) },
			}
			for _, k := range kinds {
				p := "before " + k.name
				if _, ok := sendUntil(b, p, 5*time.Second, func() error { return send[k.name](p) }); !ok {
					t.Fatalf("%s: nothing arrived before the restart", k.name)
				}
			}

			srv.Kill()
			time.Sleep(downtime)
			srv.Restart()
			var report []string
			restarted := time.Now()
			for _, k := range kinds {
				p := "after " + k.name
				if _, ok := sendUntil(b, p, 10*time.Second, func() error { return send[k.name](p) }); !ok {
					t.Errorf("%s: nothing arrived within 10s", k.name)
				}
				report = append(report, fmt.Sprintf("%s by %v", k.name, time.Since(restarted).Round(time.Millisecond)))
			}
			n, last := c.receiveErrors()
			t.Logf("%s: back after the restart: %s; the receiving loop saw %d errors, the last: %v", v.name, strings.Join(report, ", "), n, last)
		})
	}
}
