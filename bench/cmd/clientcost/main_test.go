package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMain runs the command instead of the tests when the driver under
// test starts this binary as its server or measuring process.
func TestMain(m *testing.M) {
	if os.Getenv("CLIENTCOST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// TestSmoke runs one round of each mode with 50 clients, unpinned, through
// the driver and its two child processes, and checks what it reports.
func TestSmoke(t *testing.T) {
	t.Setenv("CLIENTCOST_MAIN", "1")
	// Under -race, each child would otherwise wait a second as it exits.
	t.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	raw := filepath.Join(t.TempDir(), "raw.jsonl")
	c, err := parseFlags([]string{"-n", "50", "-concurrency", "16", "-rounds", "1",
		"-settle", "50ms", "-timeout", "10s", "-pin=false", "-raw", raw})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	start := time.Now()
	if err := drive(c, &out); err != nil {
		t.Fatal(err)
	}
	t.Logf("%v\n%s", time.Since(start), out.String())
	for _, want := range []string{"| time to open all N |", "| RSS per idle connection |", "WebSocket only", "polling, then upgrade"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	f, err := os.Open(raw)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("raw line %q: %v", sc.Text(), err)
		}
		seen[r.Transport] = true
		if r.Connected != 50 || r.Errors != 0 || r.Leaked != 0 {
			t.Errorf("%s: %d connected, %d errors, %d goroutines leaked; want 50, 0, 0", r.Transport, r.Connected, r.Errors, r.Leaked)
		}
		if r.GoroutinesPerConn <= 0 || r.FilesPerConn < 1 || r.HeapPerConn <= 0 || r.PerSecond <= 0 || r.ServerCPUPerConn <= 0 {
			t.Errorf("%s: implausible figures %+v", r.Transport, r)
		}
	}
	if !seen["websocket"] || !seen["polling"] {
		t.Errorf("measured %v, want both modes", seen)
	}
}

func TestMedianRange(t *testing.T) {
	f := func(v float64) string { return fmt.Sprintf("%g", v) }
	for _, tc := range []struct {
		in   []float64
		want string
	}{
		{nil, "—"},
		{[]float64{3}, "3"},
		{[]float64{5, 1, 3}, "3 (1–5)"},
		{[]float64{4, 1, 2, 3}, "2.5 (1–4)"},
	} {
		if got := medianRange(tc.in, f); got != tc.want {
			t.Errorf("medianRange(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
