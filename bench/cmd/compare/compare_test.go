package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []float64
		want summary
	}{
		{"odd", []float64{3, 1, 2}, summary{N: 3, Median: 2, Min: 1, Max: 3}},
		{"even: mean of the middle two", []float64{4, 1, 3, 2}, summary{N: 4, Median: 2.5, Min: 1, Max: 4}},
		{"one", []float64{7}, summary{N: 1, Median: 7, Min: 7, Max: 7}},
		{"NaN ignored", []float64{5, math.NaN(), 1}, summary{N: 2, Median: 3, Min: 1, Max: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := summarize(tt.in); got != tt.want {
				t.Errorf("summarize(%v) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
	for _, in := range [][]float64{nil, {math.NaN()}} {
		if got := summarize(in); got.N != 0 || !math.IsNaN(got.Median) {
			t.Errorf("summarize(%v) = %+v, want N 0 and NaN median", in, got)
		}
	}
	in := []float64{3, 1, 2}
	summarize(in)
	if in[0] != 3 || in[1] != 1 {
		t.Errorf("summarize sorted its argument: %v", in)
	}
}

func TestRatio(t *testing.T) {
	t.Parallel()
	ours, node := summarize([]float64{150}), summarize([]float64{100})
	if got := ratio(ours, node); got != 1.5 {
		t.Errorf("ratio = %v, want 1.5", got)
	}
	for _, node := range []summary{{}, summarize([]float64{0})} {
		if got := ratio(ours, node); !math.IsNaN(got) {
			t.Errorf("ratio against %+v = %v, want NaN", node, got)
		}
	}
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseStatCPU(t *testing.T) {
	t.Parallel()
	// The fixture's command name holds spaces and parentheses; utime 1234
	// and stime 567 ticks.
	got, err := parseStatCPU(readFixture(t, "stat"))
	if err != nil {
		t.Fatal(err)
	}
	if want := 18.01; math.Abs(got-want) > 1e-9 {
		t.Errorf("parseStatCPU = %v, want %v", got, want)
	}
	if user, sys, err := parseStatTimes(readFixture(t, "stat")); err != nil || math.Abs(user-12.34) > 1e-9 || math.Abs(sys-5.67) > 1e-9 {
		t.Errorf("parseStatTimes = %v, %v, %v, want 12.34, 5.67", user, sys, err)
	}
	for _, bad := range []string{"", "12 (x) S 1 2 3", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 abc 5 0 0"} {
		if _, err := parseStatCPU([]byte(bad)); err == nil {
			t.Errorf("parseStatCPU(%q) did not fail", bad)
		}
	}
}

func TestParseStatusRSS(t *testing.T) {
	t.Parallel()
	got, err := parseStatusRSS(readFixture(t, "status"))
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(2144 * 1024); got != want {
		t.Errorf("parseStatusRSS = %d, want %d (VmRSS, not VmHWM)", got, want)
	}
	for _, bad := range []string{"", "Name:\tx\n", "VmRSS:\t12 MB\n", "VmRSS:\tx kB\n"} {
		if _, err := parseStatusRSS([]byte(bad)); err == nil {
			t.Errorf("parseStatusRSS(%q) did not fail", bad)
		}
	}
}

func TestParseProcStatBusy(t *testing.T) {
	t.Parallel()
	got, err := parseProcStatBusy(readFixture(t, "procstat"))
	if err != nil {
		t.Fatal(err)
	}
	// user+nice+system+irq+softirq+steal of the aggregate line.
	if want := float64(233010+4916+109066+0+6438+0) / 100; math.Abs(got-want) > 1e-9 {
		t.Errorf("parseProcStatBusy = %v, want %v", got, want)
	}
	for _, bad := range []string{"", "cpu0 1 2 3 4 5 6 7 8\n", "cpu 1 2 3\n"} {
		if _, err := parseProcStatBusy([]byte(bad)); err == nil {
			t.Errorf("parseProcStatBusy(%q) did not fail", bad)
		}
	}
}

// The harness reads its own process the way it reads the servers.
func TestProcSelf(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	pid := os.Getpid()
	if cpu, err := cpuSeconds(pid); err != nil || cpu < 0 {
		t.Errorf("cpuSeconds(self) = %v, %v", cpu, err)
	}
	if rss, err := rssBytes(pid); err != nil || rss <= 0 {
		t.Errorf("rssBytes(self) = %v, %v", rss, err)
	}
	if busy, err := machineBusySeconds(); err != nil || busy <= 0 {
		t.Errorf("machineBusySeconds = %v, %v", busy, err)
	}
}

func TestCPUAt(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1000, 0)
	samples := []sample{
		{t: t0, cpu: []float64{10}},
		{t: t0.Add(time.Second), cpu: []float64{11}},
		{t: t0.Add(3 * time.Second), cpu: []float64{12}},
	}
	tests := []struct {
		at   time.Duration
		want float64
	}{
		{-time.Second, 10}, // before the first sample
		{0, 10},
		{500 * time.Millisecond, 10.5},
		{2 * time.Second, 11.5},
		{5 * time.Second, 12}, // after the last
	}
	for _, tt := range tests {
		if got := cpuAt(samples, 0, t0.Add(tt.at)); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("cpuAt(%v) = %v, want %v", tt.at, got, tt.want)
		}
	}
	if got := cpuAt(nil, 0, t0); !math.IsNaN(got) {
		t.Errorf("cpuAt(no samples) = %v, want NaN", got)
	}
}

func TestParseLoadgenLine(t *testing.T) {
	t.Parallel()
	l, err := parseLoadgenLine([]byte(`{"event":"ready","clients":1000}`))
	if err != nil || l.Event != "ready" || l.Clients != 1000 {
		t.Errorf("ready line: %+v, %v", l, err)
	}
	l, err = parseLoadgenLine([]byte(`{"workload":"echo","clients":50,"ops":123456,"ops_per_sec":12345.6,` +
		`"p50_us":210.5,"p99_us":480.1,"p999_us":900.2,"errors":1,"dropped":2,"duration_s":10.001}`))
	want := loadgenResult{Workload: "echo", Clients: 50, Ops: 123456, OpsPerSec: 12345.6,
		P50us: 210.5, P99us: 480.1, P999us: 900.2, Errors: 1, Dropped: 2, DurationS: 10.001}
	if err != nil || l.Event != "" || l.loadgenResult != want {
		t.Errorf("result line: %+v, %v; want %+v", l, err, want)
	}
	for _, bad := range []string{"", "echo: 12k/s", `{"foo":1}`} {
		if _, err := parseLoadgenLine([]byte(bad)); err == nil {
			t.Errorf("parseLoadgenLine(%q) did not fail", bad)
		}
	}
}

func TestFormatValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    float64
		u    unit
		want string
	}{
		{69234, unitRate, "69.2k/s"},
		{163000, unitRate, "163k/s"},
		{1.25e6, unitRate, "1.25M/s"},
		{710, unitRate, "710/s"},
		{5.5, unitRate, "5.50/s"},
		{46512, unitPerCPU, "46.5k"},
		{845.4, unitMicros, "845 µs"},
		{2310, unitMicros, "2.31 ms"},
		{9.14, unitKB, "9.1 KB"},
		{123.45, unitMB, "123.5 MB"},
		{0.975, unitCores, "0.97"},
		{1, unitDecimal, "1.00"},
		{0, unitCount, "0"},
		{math.NaN(), unitRate, "—"},
	}
	for _, tt := range tests {
		if got := formatValue(tt.v, tt.u); got != tt.want {
			t.Errorf("formatValue(%v, %v) = %q, want %q", tt.v, tt.u, got, tt.want)
		}
	}
}

func TestFormatSummary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s    summary
		u    unit
		want string
	}{
		{summarize([]float64{69234, 65000, 71300}), unitRate, "69.2k/s (65.0k–71.3k/s)"},
		{summarize([]float64{600, 590, 640}), unitMicros, "600 µs (590–640 µs)"},
		{summarize([]float64{900, 1200, 1100}), unitMicros, "1.10 ms (900 µs–1.20 ms)"},
		{summarize([]float64{9.1}), unitKB, "9.1 KB"},
		{summarize([]float64{0, 0, 0}), unitCount, "0"},
		{summary{}, unitRate, "—"},
	}
	for _, tt := range tests {
		if got := formatSummary(tt.s, tt.u); got != tt.want {
			t.Errorf("formatSummary(%+v) = %q, want %q", tt.s, got, tt.want)
		}
	}
}

func TestWriteTable(t *testing.T) {
	t.Parallel()
	rows := []row{
		{Workload: "echo", Metric: "round trips/s", Unit: unitRate, Better: higherBetter,
			Ours: summarize([]float64{140e3, 150e3, 145e3}), Node: summarize([]float64{70e3, 68e3, 69e3})},
		{Workload: "echo", Metric: "p99 round trip", Unit: unitMicros, Better: lowerBetter,
			Ours: summarize([]float64{3000}), Node: summarize([]float64{2000})},
		{Workload: "echo", Metric: "server CPU used (cores)", Unit: unitCores, Better: noBetter,
			Ours: summarize([]float64{1}), Node: summarize([]float64{1})},
		{Workload: "hold", Metric: "dropped", Unit: unitCount, Better: mustBeZero,
			Ours: summarize([]float64{0})},
		{Workload: "hold", Metric: "server disconnects", Unit: unitCount, Better: mustBeZero,
			Ours: summarize([]float64{0, 3})},
		{Workload: "hold", Metric: "RSS", Unit: unitMB, Better: lowerBetter,
			Ours: summarize([]float64{300})},
	}
	var b strings.Builder
	if err := writeTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	want := `| Workload | Metric                  | Ours (Go)            | Node                    | ours/Node | better if        |
|----------|-------------------------|----------------------|-------------------------|-----------|------------------|
| echo     | round trips/s           | 145k/s (140k–150k/s) | 69.0k/s (68.0k–70.0k/s) | 2.10 ✓    | > 1              |
|          | p99 round trip          | 3.00 ms              | 2.00 ms                 | 1.50 ✗    | < 1              |
|          | server CPU used (cores) | 1.00                 | 1.00                    | 1.00      | info             |
| hold     | dropped                 | 0                    | —                       | ✓         | 0 in every round |
|          | server disconnects      | 2 (0–3)              | —                       | ✗         | 0 in every round |
|          | RSS                     | 300.0 MB             | —                       | —         | < 1              |
`
	if got := b.String(); got != want {
		t.Errorf("writeTable:\n%s\nwant:\n%s", got, want)
	}
}

func TestParseFlags(t *testing.T) {
	t.Parallel()
	parse := func(args ...string) *config {
		t.Helper()
		fs := flag.NewFlagSet("compare", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c, err := parseFlags(fs, args)
		if err != nil {
			t.Fatalf("parseFlags(%q): %v", args, err)
		}
		return c
	}
	c := parse()
	if c.rounds != 3 || c.duration != 10*time.Second || c.warmup != 3*time.Second || c.holdClients != 19000 || c.idleTotal != 10000 {
		t.Errorf("defaults: %+v", c)
	}
	c = parse("-quick", "-rounds", "2")
	if c.rounds != 2 {
		t.Errorf("-quick -rounds 2: rounds %d, want 2 (an explicit flag wins)", c.rounds)
	}
	if c.duration != 2*time.Second || c.holdClients != 500 || c.broadcastClients != 100 || c.clusterClients != 100 {
		t.Errorf("-quick: duration %v, hold %d, broadcast %d, cluster %d", c.duration, c.holdClients, c.broadcastClients, c.clusterClients)
	}
	for _, bad := range [][]string{
		{"-workloads", "echo,nope"},
		{"-idle-first", "100", "-idle-total", "100"},
		{"-rounds", "0"},
		{"extra"},
	} {
		fs := flag.NewFlagSet("compare", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		if _, err := parseFlags(fs, bad); err == nil {
			t.Errorf("parseFlags(%q) did not fail", bad)
		}
	}
}

func TestSelectWorkloads(t *testing.T) {
	t.Parallel()
	sel, err := selectWorkloads("echo, hold")
	if err != nil || len(sel) != 2 || !sel["echo"] || !sel["hold"] {
		t.Errorf("selectWorkloads(echo, hold) = %v, %v", sel, err)
	}
	sel, err = selectWorkloads("all")
	if err != nil || len(sel) != len(workloadNames) {
		t.Errorf("selectWorkloads(all) = %v, %v", sel, err)
	}
	if _, err := selectWorkloads(""); err == nil {
		t.Error("selectWorkloads(\"\") did not fail")
	}
}

func TestLscpuModel(t *testing.T) {
	t.Parallel()
	out := "Architecture:             x86_64\n  CPU op-mode(s):         32-bit, 64-bit\nVendor ID:                AuthenticAMD\n  Model name:             AMD EPYC\n    CPU family:           25\n"
	if got := lscpuModel(out); got != "AMD EPYC" {
		t.Errorf("lscpuModel = %q", got)
	}
}

func TestCount(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{500: "500", 1000: "1k", 19000: "19k", 1500: "1500"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestParseInfoCPU(t *testing.T) {
	t.Parallel()
	info := "# CPU\r\nused_cpu_sys:1.250000\r\nused_cpu_user:2.500000\r\nused_cpu_sys_children:0.000000\r\nused_cpu_user_children:0.000000\r\nused_cpu_sys_main_thread:1.200000\r\nused_cpu_user_main_thread:2.400000\r\n"
	if got, err := parseInfoCPU(info); err != nil || got != 3.75 {
		t.Errorf("parseInfoCPU = %v, %v, want 3.75", got, err)
	}
	for _, bad := range []string{"# CPU\r\n", "used_cpu_sys:x\r\nused_cpu_user:1\r\n", "used_cpu_user:1\r\n"} {
		if _, err := parseInfoCPU(bad); err == nil {
			t.Errorf("parseInfoCPU(%q) did not fail", bad)
		}
	}
}

func TestParseCommandCalls(t *testing.T) {
	t.Parallel()
	info := "# Commandstats\r\ncmdstat_psubscribe:calls=2,usec=10,usec_per_call=5.00,rejected_calls=0,failed_calls=0\r\ncmdstat_publish:calls=1234,usec=5000,usec_per_call=4.05,rejected_calls=0,failed_calls=0\r\n"
	if got, err := parseCommandCalls(info, "publish"); err != nil || got != 1234 {
		t.Errorf("parseCommandCalls(publish) = %v, %v, want 1234", got, err)
	}
	if got, err := parseCommandCalls(info, "spublish"); err != nil || got != 0 {
		t.Errorf("parseCommandCalls(spublish) = %v, %v, want 0 (never run)", got, err)
	}
	if _, err := parseCommandCalls("cmdstat_publish:usec=1\r\n", "publish"); err == nil {
		t.Error("parseCommandCalls without calls did not fail")
	}
}

// The harness's Redis client sends commands as RESP arrays and reads the
// replies it needs: simple strings, errors and bulk strings.
func TestRedisCommand(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	info := "# CPU\r\nused_cpu_sys:0.5\r\nused_cpu_user:0.25\r\n"
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		rd := bufio.NewReader(c)
		for {
			// *N, then $len and the argument for each.
			head, err := rd.ReadString('\n')
			if err != nil {
				return
			}
			n, _ := strconv.Atoi(strings.TrimSpace(head[1:]))
			var args []string
			for range n {
				rd.ReadString('\n')
				a, _ := rd.ReadString('\n')
				args = append(args, strings.TrimSpace(a))
			}
			switch strings.Join(args, " ") {
			case "PING":
				io.WriteString(c, "+PONG\r\n")
			case "INFO cpu":
				fmt.Fprintf(c, "$%d\r\n%s\r\n", len(info), info)
			default:
				io.WriteString(c, "-ERR unknown command\r\n")
			}
		}
	}()
	r := &redisServer{addr: ln.Addr().String()}
	defer r.disconnect()
	if got, err := r.command("PING"); err != nil || got != "PONG" {
		t.Errorf("PING = %q, %v", got, err)
	}
	if got, err := r.cpu()(); err != nil || got != 0.75 {
		t.Errorf("INFO cpu = %v, %v, want 0.75", got, err)
	}
	if _, err := r.command("NOPE"); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("NOPE: %v, want the server's error", err)
	}
}

func TestParseIOWrites(t *testing.T) {
	t.Parallel()
	data := []byte("rchar: 6976\nwchar: 0\nsyscr: 10\nsyscw: 4321\nread_bytes: 0\n")
	if got, err := parseIOWrites(data); err != nil || got != 4321 {
		t.Errorf("parseIOWrites = %v, %v, want 4321", got, err)
	}
	if _, err := parseIOWrites([]byte("rchar: 1\n")); err == nil {
		t.Error("parseIOWrites without syscw did not fail")
	}
	if n, err := writeCalls(os.Getpid()); err != nil || n < 0 {
		t.Errorf("writeCalls(self) = %v, %v", n, err)
	}
}
