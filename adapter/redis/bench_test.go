package redis

import (
	"testing"

	"github.com/ab218a8d/socketio/adapter"
)

// The broadcast path of one server: encoding a broadcast for Redis, and
// decoding one from Redis.
func BenchmarkClassicBroadcast(b *testing.B) {
	c := newClassic("socket.io", "/", "H2V8hc", false)
	m := &adapter.Message{Type: adapter.Broadcast, Packet: event(`["chat message",{"text":"hello","n":42}]`), Opts: opts([]string{"room1"}, nil)}
	_, payload, _ := c.encode(nil, m, "")
	b.Run("Encode", func(b *testing.B) {
		var dst []byte
		b.ReportAllocs()
		for b.Loop() {
			_, dst, _ = c.encode(dst[:0], m, "")
		}
	})
	other := newClassic("socket.io", "/", "other", false)
	b.Run("Decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := other.decodeBroadcast(payload); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkShardedBroadcast(b *testing.B) {
	c := newSharded("socket.io", "/", "7380a47c97424506", Dynamic)
	m := &adapter.Message{Type: adapter.Broadcast, Packet: event(`["chat message",{"text":"hello","n":42}]`), Opts: opts([]string{"room1"}, nil)}
	_, payload, _ := c.encode(nil, m, "")
	b.Run("Encode", func(b *testing.B) {
		var dst []byte
		b.ReportAllocs()
		for b.Loop() {
			_, dst, _ = c.encode(dst[:0], m, "")
		}
	})
	other := newSharded("socket.io", "/", "other", Dynamic)
	b.Run("Decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := other.decode(payload); err != nil {
				b.Fatal(err)
			}
		}
	})
}
