package redis

import (
	"io"
	"log/slog"
	"runtime"
	"testing"
)

// A namespace's inbox holds at most its limit of unhandled bytes: what
// comes beyond while the adapter is busy is dropped, never queued, and
// the transport's reader never waits.
func TestInboxIsBounded(t *testing.T) {
	release := make(chan struct{})
	got := make(chan string, 100)
	in := newInbox(func(_ string, p []byte) {
		<-release
		got <- string(p)
	}, 10, slog.New(slog.NewTextHandler(io.Discard, nil)))
	in.push("c", []byte("first")) // taken by the handler, which waits
	for len(got) == 0 {
		in.mu.Lock()
		taken := len(in.queue) == 0
		in.mu.Unlock()
		if taken {
			break
		}
		runtime.Gosched()
	}
	for _, p := range []string{"12345", "67890", "dropped", "x"} {
		in.push("c", []byte(p)) // never blocks
	}
	close(release)
	in.close()
	close(got)
	var all []string
	for s := range got {
		all = append(all, s)
	}
	want := []string{"first", "12345", "67890"}
	if len(all) != len(want) {
		t.Fatalf("handled %q, want %q", all, want)
	}
	for i := range want {
		if all[i] != want[i] {
			t.Fatalf("handled %q, want %q", all, want)
		}
	}
}
