package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ab218a8d/socketio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// chromium is the browser the test drives (Debian's package "chromium").
const chromium = "/usr/bin/chromium"

// webDir is cmd/chat, whose page the cluster serves and whose
// node_modules has the browser bundle and playwright-core.
const webDir = "../../cmd/chat"

// require fails the test, with what to do, when something the cluster or
// the browser needs is missing: it never skips, so that a run without
// them cannot pass silently.
func require(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(nginxBin); err != nil {
		if _, err := exec.LookPath("nginx"); err != nil {
			t.Fatalf("nginx is missing: install Debian's package: apt-get install -y nginx")
		}
	}
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("redis-server is missing: apt-get install -y redis-server")
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("%s is missing (%v): apt-get install -y chromium", chromium, err)
	}
	if err := checkNode("node"); err != nil {
		t.Fatal(err)
	}
	var pkg struct{ Dependencies, DevDependencies map[string]string }
	b, err := os.ReadFile(filepath.Join(webDir, "package.json"))
	if err == nil {
		err = json.Unmarshal(b, &pkg)
	}
	if err != nil {
		t.Fatalf("cmd/chat/package.json: %v", err)
	}
	for name, want := range map[string]string{
		"socket.io-client": pkg.Dependencies["socket.io-client"],
		"playwright-core":  pkg.DevDependencies["playwright-core"],
	} {
		var got struct{ Version string }
		b, err := os.ReadFile(filepath.Join(webDir, "node_modules", name, "package.json"))
		if err == nil {
			err = json.Unmarshal(b, &got)
		}
		if err != nil || got.Version != want {
			t.Fatalf("cmd/chat/node_modules has %s %q, package.json pins %q (%v): run `npm ci` in cmd/chat", name, got.Version, want, err)
		}
	}
}

// startCluster runs the cluster on a free port until the test ends.
func startCluster(t *testing.T, polling bool) *cluster {
	t.Helper()
	c, err := start(config{Addr: "127.0.0.1:0", Polling: polling, WebDir: webDir, NodeDir: "node", Log: &testLog{t: t}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.stop(); err != nil {
			t.Errorf("stopping the cluster: %v", err)
		}
	})
	return c
}

// testLog writes the cluster's lines to the test's log.
type testLog struct {
	t  *testing.T
	mu sync.Mutex
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// serverFor returns which server nginx sends the Socket.IO requests of a
// client with the sticky cookie lb=cookie to: it asks for a session that
// does not exist, which the server refuses without making one, and reads
// the server's name on the answer.
func serverFor(t *testing.T, c *cluster, cookie string) string {
	t.Helper()
	req, err := http.NewRequest("GET", c.URL+"socket.io/?EIO=4&transport=polling&sid=probe", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: "lb", Value: cookie})
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	name := res.Header.Get("X-Chat-Server")
	if res.StatusCode != http.StatusBadRequest || name == "" {
		t.Fatalf("probe with lb=%s: %s, X-Chat-Server %q; want 400 from a chat server", cookie, res.Status, name)
	}
	return name
}

// cookiesFor finds a sticky cookie for each of the servers named: nginx's
// hash is fixed for a configuration, so a cookie always leads to the same
// server, and trying a few finds one for each.
func cookiesFor(t *testing.T, c *cluster, servers ...string) map[string]string {
	t.Helper()
	found := make(map[string]string)
	seen := make(map[string]int)
	missing := len(servers)
	for i := 0; i < 200 && missing > 0; i++ {
		cookie := "user-" + strconv.Itoa(i)
		s := serverFor(t, c, cookie)
		seen[s]++
		if _, ok := found[s]; !ok && slices.Contains(servers, s) {
			found[s] = cookie
			missing--
		}
	}
	for _, s := range servers {
		if found[s] == "" {
			t.Fatalf("no cookie among 200 leads to %s; servers seen: %v", s, seen)
		}
	}
	return found
}

// TestStickyCookie: a cookie leads to one server every time, and the
// cookies spread over all three.
func TestStickyCookie(t *testing.T) {
	require(t)
	c := startCluster(t, true)
	counts := make(map[string]int)
	for i := range 60 {
		cookie := "c" + strconv.Itoa(i)
		s := serverFor(t, c, cookie)
		counts[s]++
		if again := serverFor(t, c, cookie); again != s {
			t.Errorf("lb=%s: %s, then %s", cookie, s, again)
		}
	}
	for _, b := range c.Backends {
		if counts[b.Name] == 0 {
			t.Errorf("no cookie of 60 led to %s: %v", b.Name, counts)
		}
	}
	t.Logf("60 cookies: %v", counts)

	// The page gives a browser without the cookie one, and the Node.js
	// server, which serves Socket.IO only, is not asked for the page.
	res, err := http.Get(c.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var lb *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "lb" {
			lb = ck
		}
	}
	if res.StatusCode != 200 || lb == nil || len(lb.Value) != 32 || !lb.HttpOnly {
		t.Errorf("GET /: %s, Set-Cookie %q; want 200 and an lb cookie", res.Status, res.Header.Values("Set-Cookie"))
	}
	if s := res.Header.Get("X-Chat-Server"); !strings.HasPrefix(s, "go-") {
		t.Errorf("GET / from %q, want a Go server", s)
	}
}

// TestChatInChromium: two users in headless Chromium, one sent to a Go
// server and one to the Node.js server by their sticky cookies, chat
// through nginx; with the servers on long-polling only (every request
// must reach the session's server), and with WebSocket (the upgrade too).
// Set CLUSTER_E2E_SCREENSHOTS to a directory to keep the screenshots.
func TestChatInChromium(t *testing.T) {
	require(t)
	playwright, err := filepath.Abs(filepath.Join(webDir, "node_modules", "playwright-core", "index.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"polling", "websocket"} {
		t.Run(mode, func(t *testing.T) {
			c := startCluster(t, mode == "polling")
			cookies := cookiesFor(t, c, "go-1", "node")
			shots := os.Getenv("CLUSTER_E2E_SCREENSHOTS")
			if shots == "" {
				shots = t.TempDir()
			} else if err := os.MkdirAll(shots, 0o755); err != nil {
				t.Fatal(err)
			}
			spec, _ := json.Marshal(map[string]any{
				"base": c.URL, "mode": mode, "shots": shots,
				"users": []map[string]string{
					{"nick": "alice", "cookie": cookies["go-1"], "server": "go-1"},
					{"nick": "bob", "cookie": cookies["node"], "server": "node"},
				},
			})
			runBrowserScript(t, playwright, "e2e/cluster.e2e.mjs", string(spec))
			t.Logf("screenshots in %s", shots)
		})
	}
}

// runBrowserScript runs a Node script that drives Chromium, fails the test
// with its output if it fails, and checks that no browser process is left.
func runBrowserScript(t *testing.T, playwright, script string, args ...string) {
	t.Helper()
	// Playwright makes the browser's profile under TMPDIR: a directory of
	// the test's own, which tells the browser's processes.
	tmp := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{script}, args...)...)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "PLAYWRIGHT_CORE="+playwright)
	// On timeout Node gets SIGTERM, on which Playwright closes the browser.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %v: %w", time.Since(start).Round(time.Second), err)
	}
	if left := processesMentioning(tmp, 5*time.Second); len(left) > 0 {
		for _, pid := range left {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		t.Errorf("browser processes left running after the script (killed): %v", left)
	}
	if err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, out)
	}
	t.Logf("node %s (%v):\n%s", script, time.Since(start).Round(time.Millisecond), out)
}

// processesMentioning waits up to d for the processes whose command line
// mentions s to end, and returns those still running.
func processesMentioning(s string, d time.Duration) []int {
	deadline := time.Now().Add(d)
	for {
		var left []int
		for _, pid := range allProcesses() {
			cmdline, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
			if err == nil && strings.Contains(string(cmdline), s) {
				left = append(left, pid)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func allProcesses() []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// descendants returns the processes under pid, children first.
func descendants(pid int) []int {
	children := make(map[int][]int)
	for _, p := range allProcesses() {
		stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(f) > 1 {
			if ppid, err := strconv.Atoi(f[1]); err == nil {
				children[ppid] = append(children[ppid], p)
			}
		}
	}
	var out []int
	for queue := []int{pid}; len(queue) > 0; queue = queue[1:] {
		for _, c := range children[queue[0]] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// alive reports whether pid is a process that has not exited (a zombie
// has).
func alive(pid int) bool {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(f) > 0 && f[0] != "Z"
}

// TestCtrlC runs the command as a person does and presses Ctrl-C: the
// launcher stops, with status 0, and leaves no process and no file.
func TestCtrlC(t *testing.T) {
	require(t)
	bin := filepath.Join(t.TempDir(), "cluster")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-web", webDir)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		lines []string
	)
	ready := make(chan string, 1)
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			mu.Lock()
			lines = append(lines, sc.Text())
			mu.Unlock()
			if u, ok := strings.CutPrefix(sc.Text(), "cluster: http://"); ok && strings.HasSuffix(u, "Ctrl-C to stop") {
				ready <- "http://" + strings.Fields(u)[0]
			}
		}
	}()
	output := func() string {
		mu.Lock()
		defer mu.Unlock()
		return strings.Join(lines, "\n")
	}
	var url string
	select {
	case url = <-ready:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-copied
		cmd.Wait()
		t.Fatalf("the cluster did not start within 60 s:\n%s", output())
	}

	children := descendants(cmd.Process.Pid)
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("GET %s: %s", url, res.Status)
	}
	var dir string
	for _, l := range strings.Split(output(), "\n") {
		if _, after, ok := strings.Cut(l, "cluster: nginx on "); ok {
			dir = filepath.Dir(strings.Trim(strings.Fields(after)[1], "(),"))
		}
	}
	// redis-server, node, the nginx master and its worker.
	if len(children) < 4 || dir == "" {
		t.Errorf("the launcher runs %d processes (%v), run directory %q; want redis-server, node and nginx's two", len(children), children, dir)
	}

	start := time.Now()
	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() {
		<-copied
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the launcher exited with %v after Ctrl-C", err)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Errorf("the launcher did not exit within 30 s of Ctrl-C")
	}
	t.Logf("stopped in %v:\n%s", time.Since(start).Round(time.Millisecond), output())
	for _, pid := range children {
		if alive(pid) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Errorf("process %d outlived the launcher (killed)", pid)
		}
	}
	if _, err := os.Stat(dir); dir != "" && !os.IsNotExist(err) {
		t.Errorf("the run directory %s is left: %v", dir, err)
		os.RemoveAll(dir)
	}
}
