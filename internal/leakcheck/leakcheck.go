// Package leakcheck fails tests that leave goroutines behind.
//
// Use it from TestMain, which checks once after all tests of a package:
//
//	func TestMain(m *testing.M) { leakcheck.Main(m) }
//
// or per test with defer leakcheck.Check(t) at the top of a test that must
// not run in parallel with others.
package leakcheck

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// settle is how long goroutines get to finish after the tests did.
const settle = 5 * time.Second

// ignored are goroutines the runtime, the testing package and net/http keep
// for themselves.
var ignored = []string{
	"testing.Main(",
	"testing.tRunner(",
	"testing.(*M).",
	"testing.runFuzzing(",
	"testing.runTests(",
	"runtime.goexit",
	"created by runtime.gc",
	"runtime.MHeap_Scavenger",
	"signal.signal_recv",
	"sigterm.handler",
	"runtime_mcall",
	"goroutine in C code",
	"runtime.ReadTrace",
	"os/signal.loop",
}

// interesting returns the stacks of goroutines that are not the caller's
// and not known background ones.
func interesting() []string {
	buf := make([]byte, 2<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for i, g := range strings.Split(string(buf), "\n\n") {
		if i == 0 { // the calling goroutine
			continue
		}
		stack := strings.TrimSpace(g)
		if stack == "" {
			continue
		}
		if slices.ContainsFunc(ignored, func(s string) bool { return strings.Contains(stack, s) }) {
			continue
		}
		out = append(out, stack)
	}
	return out
}

// Leaked waits up to five seconds for goroutines other than the caller's
// and the runtime's to end, and returns the stacks of those that did not.
func Leaked() []string {
	deadline := time.Now().Add(settle)
	for {
		left := interesting()
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Check fails t if goroutines started during the test are still running
// once it ends. Call it as defer leakcheck.Check(t), in a test that does
// not run in parallel with others.
func Check(t testing.TB) {
	t.Helper()
	if left := Leaked(); len(left) > 0 {
		t.Errorf("%d goroutine(s) outlived the test:\n\n%s", len(left), strings.Join(left, "\n\n"))
	}
}

// Main runs the tests and then fails the run if any goroutine outlived
// them.
func Main(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if left := Leaked(); len(left) > 0 {
			fmt.Fprintf(os.Stderr, "leakcheck: %d goroutine(s) outlived the tests:\n\n%s\n", len(left), strings.Join(left, "\n\n"))
			code = 1
		}
	}
	os.Exit(code)
}
