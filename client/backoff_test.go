package client

import (
	"testing"
	"time"
)

// The waits between reconnection attempts follow the reference's backo2
// formula exactly; the values here are computed by hand from it.
func TestBackoffFormula(t *testing.T) {
	b := backoff{min: time.Second, max: 5 * time.Second, jitter: 0.5}
	for i, c := range []struct {
		r    float64
		want time.Duration
	}{
		{0.3, 1150 * time.Millisecond},  // 1000 + floor(0.3*0.5*1000); floor(3) is odd: up
		{0.25, 1750 * time.Millisecond}, // 2000 - 250; floor(2.5) is even: down
		{0.99, 5 * time.Second},         // 4000 + 1980, capped
		{0, 5 * time.Second},            // 8000, capped
	} {
		if got := b.durationWith(c.r); got != c.want {
			t.Errorf("attempt %d, random %v: %v, want %v", i, c.r, got, c.want)
		}
	}
	b = backoff{min: 100 * time.Millisecond, max: 5 * time.Second}
	var got []time.Duration
	for range 8 {
		got = append(got, b.duration())
	}
	want := []time.Duration{100, 200, 400, 800, 1600, 3200, 5000, 5000}
	for i := range want {
		if got[i] != want[i]*time.Millisecond {
			t.Fatalf("without jitter: %v", got)
		}
	}
	b.reset()
	if d := b.duration(); d != 100*time.Millisecond {
		t.Fatalf("after reset: %v", d)
	}
	b = backoff{min: time.Second, max: 5 * time.Second, jitter: 0.5}
	for range 1000 {
		b.reset()
		if d := b.duration(); d < 500*time.Millisecond || d > 1500*time.Millisecond {
			t.Fatalf("first wait %v outside 0.5-1.5 s", d)
		}
	}
}

func TestDefaults(t *testing.T) {
	o := (*Options)(nil).withDefaults()
	if o.ReconnectionDelay != time.Second || o.ReconnectionDelayMax != 5*time.Second ||
		o.RandomizationFactor != 0.5 || o.Timeout != 20*time.Second || o.Engine.Path != "/socket.io/" ||
		o.NoReconnection || o.ReconnectionAttempts != 0 || o.NoAutoConnect || o.Parser == nil {
		t.Fatalf("defaults: %+v", o)
	}
}
