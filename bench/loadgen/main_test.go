package main

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain fails the package if a goroutine outlives the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if left := leftoverGoroutines(5 * time.Second); len(left) > 0 {
			fmt.Fprintf(os.Stderr, "goroutines left after the tests:\n\n%s\n", strings.Join(left, "\n\n"))
			code = 1
		}
	}
	os.Exit(code)
}

// ownGoroutines mark the stacks of goroutines the testing package and the
// runtime keep for themselves.
var ownGoroutines = []string{
	"testing.Main(",
	"testing.(*M).",
	"testing.runTests(",
	"testing.tRunner(",
	"os/signal.",
	"created by runtime.gc",
	"runtime.ReadTrace",
}

// leftoverGoroutines waits up to settle for every goroutine but the
// caller's and the runtime's and testing's own to end, and returns the
// stacks of those that did not.
func leftoverGoroutines(settle time.Duration) []string {
	deadline := time.Now().Add(settle)
	for {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var left []string
		for i, g := range strings.Split(string(buf), "\n\n") {
			if i == 0 || strings.TrimSpace(g) == "" || slices.ContainsFunc(ownGoroutines, func(s string) bool { return strings.Contains(g, s) }) {
				continue
			}
			left = append(left, g)
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// testLog is an io.Writer into t.Log, for a run's error descriptions.
type testLog struct {
	mu sync.Mutex
	t  *testing.T
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.t.Helper()
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// testConfig is a small run of workload against url.
func testConfig(t *testing.T, url, workload string) Config {
	return Config{
		URL:         url,
		Workload:    workload,
		Clients:     5,
		Duration:    300 * time.Millisecond,
		Warmup:      100 * time.Millisecond,
		Payload:     16,
		Inflight:    1,
		Concurrency: 4,
		Timeout:     5 * time.Second,
		Errors:      &testLog{t: t},
	}
}
