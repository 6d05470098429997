package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ab218a8d/socketio"
	"github.com/ab218a8d/socketio/engineio"
	"github.com/ab218a8d/socketio/internal/chat"
	"github.com/ab218a8d/socketio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// The chat's wire types, limits and nicknames, by short names: the tests
// call their chat server "chat".
type (
	reply  = chat.Reply
	member = chat.Member
)

const (
	maxNick      = chat.MaxNick
	maxText      = chat.MaxText
	clientBundle = chat.ClientBundle
)

var nickOf = chat.Nick

// chromium is the browser the end-to-end test drives (Debian's package
// "chromium").
const chromium = "/usr/bin/chromium"

// testChat is the chat server running in the test, on a loopback port.
type testChat struct {
	*app
	url  string       // http://127.0.0.1:PORT
	stop func() error // shuts it down as SIGINT does; returns serve's error
}

// startChat runs the chat server on a free loopback port until the test
// ends, with a test-only hook: POST /_test/drop?nick=NICK closes the
// connections of that user's sockets, as a network failure would.
func startChat(t *testing.T, polling bool) *testChat {
	t.Helper()
	var opts socketio.Options
	if polling {
		opts.Transports = []engineio.Transport{engineio.Polling}
	}
	return startChatWith(t, opts)
}

func startChatWith(t *testing.T, opts socketio.Options) *testChat {
	t.Helper()
	a, err := newApp(".", opts)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", a.handler)
	mux.HandleFunc("POST /_test/drop", func(w http.ResponseWriter, r *http.Request) {
		n := 0
		for _, s := range a.io.Sockets() {
			if nickOf(s) == r.FormValue("nick") {
				s.Conn().Close()
				n++
			}
		}
		if n == 0 {
			http.Error(w, "no such user", http.StatusNotFound)
		}
	})
	a.handler = mux
	a.grace = time.Second // for the sessions of closed long-polling tabs

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.serve(ctx, ln) }()
	chat := &testChat{app: a, url: "http://" + ln.Addr().String()}
	chat.stop = sync.OnceValue(func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			return errors.New("the chat server did not stop within 10 s")
		}
	})
	t.Cleanup(func() {
		if err := chat.stop(); err != nil {
			t.Errorf("stopping the chat server: %v", err)
		}
	})
	return chat
}

// requireE2E fails the test when what the browser test needs is missing:
// it never skips, so that a CI run without them cannot pass silently.
func requireE2E(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("%s is missing (%v): install Debian's package: apt-get install -y chromium", chromium, err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node (Node.js 20 or later) is not in PATH: %v", err)
	}
	var pkg struct {
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	b, err := os.ReadFile("package.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatalf("cmd/chat/package.json: %v", err)
	}
	for name, want := range map[string]string{
		"socket.io-client": pkg.Dependencies["socket.io-client"],
		"playwright-core":  pkg.DevDependencies["playwright-core"],
	} {
		var got struct{ Version string }
		b, err := os.ReadFile(filepath.Join("node_modules", name, "package.json"))
		if err == nil {
			err = json.Unmarshal(b, &got)
		}
		if err != nil {
			t.Fatalf("cmd/chat/node_modules/%s is missing (%v): run `npm ci` in cmd/chat before `go test ./cmd/chat/`", name, err)
		}
		if got.Version != want {
			t.Fatalf("cmd/chat/node_modules has %s %s, package.json pins %q: run `npm ci` in cmd/chat", name, got.Version, want)
		}
	}
}

// TestChatInChromium runs e2e/chat.e2e.mjs: two users in headless
// Chromium chat through the server, once with WebSocket (the client must
// upgrade) and once with the server on long-polling only (the client must
// stay on it). Set CHAT_E2E_SCREENSHOTS to a directory to keep the
// screenshots.
func TestChatInChromium(t *testing.T) {
	requireE2E(t)
	for _, mode := range []string{"websocket", "polling"} {
		t.Run(mode, func(t *testing.T) {
			chat := startChat(t, mode == "polling")
			shots := os.Getenv("CHAT_E2E_SCREENSHOTS")
			if shots == "" {
				shots = t.TempDir()
			} else if err := os.MkdirAll(shots, 0o755); err != nil {
				t.Fatal(err)
			}
			runBrowserScript(t, "e2e/chat.e2e.mjs", chat.url, mode, shots)
			t.Logf("screenshots in %s", shots)
		})
	}
}

// runBrowserScript runs a Node script that drives Chromium, fails the test
// with its output if it fails, and checks that no browser process is left.
func runBrowserScript(t *testing.T, script string, args ...string) {
	t.Helper()
	// Playwright makes the browser's fresh profile under TMPDIR: a
	// directory of the test's own, which tells the browser's processes.
	tmp := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{script}, args...)...)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	// On timeout Node gets SIGTERM, on which Playwright closes the browser.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %v: %w", time.Since(start).Round(time.Second), err)
	}
	if left := waitProcesses(tmp, 5*time.Second); len(left) > 0 {
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

// waitProcesses waits up to d for the processes whose command line
// mentions dir to end, and returns those still running.
func waitProcesses(dir string, d time.Duration) []int {
	deadline := time.Now().Add(d)
	for {
		var left []int
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			var pid int
			if _, err := fmt.Sscan(e.Name(), &pid); err != nil {
				continue
			}
			cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
			if err == nil && strings.Contains(string(cmdline), dir) {
				left = append(left, pid)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestNewAppWithoutClient(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "static"), 0o755)
	os.WriteFile(filepath.Join(dir, "static", "index.html"), []byte("<!doctype html>"), 0o644)
	_, err := newApp(dir, socketio.Options{})
	if err == nil || !strings.Contains(err.Error(), "npm ci --omit=dev") {
		t.Errorf("newApp without node_modules: %v, want an error telling to run npm ci", err)
	}
}

// TestServesFiles checks the page, the client bundle and the headers.
func TestServesFiles(t *testing.T) {
	if _, err := os.Stat(clientBundle); err != nil {
		t.Fatalf("%s is missing: run `npm ci` in cmd/chat", clientBundle)
	}
	chat := startChat(t, false)
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	for _, c := range []struct{ path, contentType, contains string }{
		{"/", "text/html", `<script src="socket.io.min.js"`},
		{"/chat.js", "text/javascript", "emitWithAck"},
		{"/chat.css", "text/css", ".banner"},
		{"/socket.io.min.js", "text/javascript", "Socket.IO v4.8.3"},
	} {
		res, err := client.Get(chat.url + c.path)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, res)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), c.contentType) || !strings.Contains(body, c.contains) {
			t.Errorf("GET %s: %d %s, want %s containing %q", c.path, res.StatusCode, res.Header.Get("Content-Type"), c.contentType, c.contains)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("GET %s: Content-Security-Policy %q", c.path, csp)
		}
	}
	for _, path := range []string{"/main.go", "/node_modules/socket.io-client/package.json", "/../chat.go"} {
		res, err := client.Get(chat.url + path)
		if err != nil {
			t.Fatal(err)
		}
		readAll(t, res)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
		}
	}
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPageURL(t *testing.T) {
	for _, c := range []struct{ asked, got, want string }{
		{"localhost:3000", "127.0.0.1:3000", "http://localhost:3000/"},
		{":3000", "[::]:3000", "http://localhost:3000/"},
		{"127.0.0.1:0", "127.0.0.1:41234", "http://127.0.0.1:41234/"},
		{"[::1]:3000", "[::1]:3000", "http://[::1]:3000/"},
	} {
		got, err := net.ResolveTCPAddr("tcp", c.got)
		if err != nil {
			t.Fatal(err)
		}
		if u := pageURL(c.asked, got); u != c.want {
			t.Errorf("pageURL(%q, %s) = %s, want %s", c.asked, c.got, u, c.want)
		}
	}
}
