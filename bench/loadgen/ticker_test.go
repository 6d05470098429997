package main

import (
	"testing"
	"time"
)

// The ticker counts every expiration, late reads included, and Close ends
// a wait.
func TestTicker(t *testing.T) {
	const interval = time.Millisecond
	tk, err := newTicker(interval)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var fired uint64
	for fired < 50 {
		n, err := tk.wait()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Fatal("wait returned no expiration")
		}
		fired += n
	}
	// Expirations are counted by the kernel: however late the reads, the
	// count follows the clock.
	time.Sleep(10 * interval)
	n, err := tk.wait()
	if err != nil {
		t.Fatal(err)
	}
	fired += n
	elapsed := time.Since(start)
	if want := uint64(elapsed / interval); fired+2 < want || fired > want+1 {
		t.Errorf("%d expirations in %v, want about %d", fired, elapsed, want)
	}

	done := make(chan error, 1)
	go func() {
		for {
			if _, err := tk.wait(); err != nil {
				done <- err
				return
			}
		}
	}()
	time.Sleep(5 * interval)
	tk.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not end a wait")
	}
}
