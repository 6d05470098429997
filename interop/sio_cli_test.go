package interop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The command-line client, cmd/sio, built and run as a subprocess against
// the official socket.io server (js/sioserver.mjs).

const (
	// sioBuildTimeout bounds the build of cmd/sio.
	sioBuildTimeout = 5 * time.Minute
	// sioRunTimeout bounds each run of it.
	sioRunTimeout = 30 * time.Second
)

// buildSio builds cmd/sio into a temporary directory and returns its path.
func buildSio(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sio")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	ctx, cancel := context.WithTimeout(context.Background(), sioBuildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/sio")
	cmd.Dir = ".." // the module's root; the test runs in interop/
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/sio: %v\n%s", err, out)
	}
	return bin
}

// sioResult is a finished run of cmd/sio.
type sioResult struct {
	code   int
	lines  []sioLine
	stderr string
}

// sioLine is a line of its output.
type sioLine struct {
	Type    string          `json:"type"`
	ID      string          `json:"id"`
	Event   string          `json:"event"`
	Args    json.RawMessage `json:"args"`
	Ack     bool            `json:"ack"`
	Reason  string          `json:"reason"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
	Attempt int             `json:"attempt"`

	text string
}

// parseSioLines parses the output, failing t on a line that is not JSON.
func parseSioLines(t *testing.T, out string) []sioLine {
	t.Helper()
	var lines []sioLine
	for _, text := range strings.SplitAfter(out, "\n") {
		if text == "" {
			continue
		}
		var l sioLine
		if !strings.HasSuffix(text, "\n") || json.Unmarshal([]byte(text), &l) != nil || l.Type == "" {
			t.Fatalf("sio: an output line that is not a JSON line: %q", text)
		}
		l.text = strings.TrimSuffix(text, "\n")
		lines = append(lines, l)
	}
	return lines
}

// runSio runs bin with args and stdin to its end, killing it after
// sioRunTimeout.
func runSio(t *testing.T, bin, stdin string, args ...string) sioResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), sioRunTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.WaitDelay = time.Second
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	t.Logf("sio %s", strings.Join(args, " "))
	err := cmd.Run()
	t.Logf("sio stdout:\n%sstderr:\n%s", stdout.String(), stderr.String())
	if ctx.Err() != nil {
		t.Fatalf("sio did not end within %v (killed)", sioRunTimeout)
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("running sio: %v", err)
	}
	return sioResult{code: cmd.ProcessState.ExitCode(), lines: parseSioLines(t, stdout.String()), stderr: stderr.String()}
}

// lockedBuffer is a bytes.Buffer written by one goroutine, read by
// another.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func sioTexts(lines []sioLine) string {
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintln(&b, l.text)
	}
	return b.String()
}

func TestSioCLI(t *testing.T) {
	bin := buildSio(t)
	srv := startNodeServer(t, nodeServerConfig{})
	url := srv.URL()

	// -emit with -ack -exit prints the acknowledgement, in every transport
	// mode.
	for _, transports := range []string{"polling,websocket", "polling", "websocket"} {
		t.Run("EmitAck/"+transports, func(t *testing.T) {
			r := runSio(t, bin, "", "-transports", transports, "-emit", `echo 1 "a"`, "-ack", "-exit", url)
			if r.code != 0 {
				t.Fatalf("status %d, want 0; stderr:\n%s", r.code, r.stderr)
			}
			if len(r.lines) != 3 || r.lines[0].Type != "connect" || r.lines[0].ID == "" ||
				r.lines[1].text != `{"type":"ack","event":"echo","args":[1,"a"]}` ||
				r.lines[2].text != `{"type":"disconnect","reason":"io client disconnect"}` {
				t.Fatalf("output:\n%s", sioTexts(r.lines))
			}
			id := r.lines[0].ID
			ev := srv.WaitEvent(t, nodeCommandTimeout, func(ev nodeEvent) bool {
				return ev.Event == "received" && ev.ID == id && ev.Name == "echo"
			})
			if !ev.Ack || string(ev.Args) != `[1,"a"]` {
				t.Errorf("the server received %s", ev.Line)
			}
			srv.WaitEvent(t, nodeCommandTimeout, func(ev nodeEvent) bool {
				return ev.Event == "disconnect" && ev.ID == id && ev.Reason == "client namespace disconnect"
			})
		})
	}

	// Binary data, both ways.
	t.Run("Binary", func(t *testing.T) {
		r := runSio(t, bin, "", "-emit", "emit-binary", "-emit", `echo {"$binary":"AP8="}`, "-ack", "-exit", url)
		if r.code != 0 {
			t.Fatalf("status %d, want 0; stderr:\n%s", r.code, r.stderr)
		}
		want := []string{
			`{"type":"event","event":"binary","args":[{"a":{"$binary":"AQID"},"list":[{"$binary":"eHl6"},7]},{"$binary":"AP8="}]}`,
			`{"type":"ack","event":"emit-binary","args":[]}`,
			`{"type":"ack","event":"echo","args":[{"$binary":"AP8="}]}`,
		}
		for _, w := range want {
			if !slices.ContainsFunc(r.lines, func(l sioLine) bool { return l.text == w }) {
				t.Errorf("no line %s; output:\n%s", w, sioTexts(r.lines))
			}
		}
	})

	// The right token connects to /private, with the auth payload.
	t.Run("Auth", func(t *testing.T) {
		r := runSio(t, bin, "", "-auth", `{"token":"secret"}`, "-exit", url+"/private")
		if r.code != 0 {
			t.Fatalf("status %d, want 0; stderr:\n%s", r.code, r.stderr)
		}
		if len(r.lines) != 2 || r.lines[0].Type != "connect" || r.lines[1].Type != "disconnect" {
			t.Fatalf("output:\n%s", sioTexts(r.lines))
		}
		id := r.lines[0].ID
		ev := srv.WaitEvent(t, nodeCommandTimeout, func(ev nodeEvent) bool {
			return ev.Event == "connection" && ev.ID == id
		})
		if ev.Nsp != "/private" || string(ev.Auth) != `{"token":"secret"}` {
			t.Errorf("the server's connection: %s", ev.Line)
		}
	})

	// A wrong token: the refusal's message and data, status 1.
	t.Run("Refused", func(t *testing.T) {
		mark := srv.Mark()
		r := runSio(t, bin, "", "-auth", `{"token":"wrong"}`, url+"/private")
		if r.code != 1 {
			t.Errorf("status %d, want 1", r.code)
		}
		want := `{"type":"connect_error","message":"not authorized","data":{"reason":"bad token","token":"wrong"}}`
		if len(r.lines) != 1 || r.lines[0].text != want {
			t.Errorf("output:\n%swant:\n%s", sioTexts(r.lines), want)
		}
		if !strings.Contains(r.stderr, "not authorized") {
			t.Errorf("stderr: %s", r.stderr)
		}
		srv.WaitEventAfter(t, mark, nodeCommandTimeout, func(ev nodeEvent) bool {
			return ev.Event == "rejected" && string(ev.Auth) == `{"token":"wrong"}`
		})
	})

	// The lines of standard input are emitted in order, all before the
	// program exits, the binary among them as binary.
	t.Run("Stdin", func(t *testing.T) {
		var in strings.Builder
		var want []string
		for i := range 30 {
			arg := fmt.Sprintf(`{"i":%d,"s":"line %d"}`, i, i)
			if i%10 == 9 {
				arg = `{"$binary":"AQI="}`
			}
			fmt.Fprintf(&in, "[\"ordered\",%s]\n", arg)
			want = append(want, "["+arg+"]")
		}
		r := runSio(t, bin, in.String(), "-stdin", "-exit", url+"/custom")
		if r.code != 0 {
			t.Fatalf("status %d, want 0; stderr:\n%s", r.code, r.stderr)
		}
		if len(r.lines) == 0 || r.lines[0].Type != "connect" {
			t.Fatalf("output:\n%s", sioTexts(r.lines))
		}
		id := r.lines[0].ID
		srv.WaitEvent(t, nodeCommandTimeout, func(ev nodeEvent) bool {
			return ev.Event == "disconnect" && ev.ID == id
		})
		var got []string
		for _, ev := range srv.Events() {
			if ev.Event == "received" && ev.ID == id {
				if ev.Nsp != "/custom" || ev.Name != "ordered" || ev.Ack {
					t.Errorf("the server received %s", ev.Line)
				}
				got = append(got, string(ev.Args))
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("the server received:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})

	// Events from the server, and SIGINT: the socket is closed cleanly,
	// status 0.
	t.Run("Interrupt", func(t *testing.T) {
		if runtime.GOOS == "windows" {
			t.Skip("no SIGINT to send on Windows")
		}
		cmd := exec.Command(bin, url)
		cmd.Stdin = strings.NewReader("")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr lockedBuffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// The reader ends once the process has: then lines is closed,
		// and exited once the process is waited for.
		lines := make(chan sioLine, 100)
		exited := make(chan struct{})
		var waitErr error
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				var l sioLine
				if json.Unmarshal(sc.Bytes(), &l) != nil {
					l.Type = "not JSON"
				}
				l.text = sc.Text()
				t.Logf("sio> %s", l.text)
				lines <- l
			}
			close(lines)
			waitErr = cmd.Wait()
			close(exited)
		}()
		t.Cleanup(func() {
			cmd.Process.Kill()
			timeout := time.After(sioRunTimeout)
		drain:
			for {
				select {
				case _, ok := <-lines:
					if !ok {
						break drain
					}
				case <-timeout:
					t.Errorf("sio still running %v after SIGKILL", sioRunTimeout)
					return
				}
			}
			select {
			case <-exited:
			case <-timeout:
				t.Errorf("sio still running %v after SIGKILL", sioRunTimeout)
			}
		})
		next := func() sioLine {
			t.Helper()
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("sio ended; stderr:\n%s", stderr.String())
				}
				return l
			case <-time.After(sioRunTimeout):
				t.Fatalf("no line from sio within %v", sioRunTimeout)
			}
			panic("unreachable")
		}

		l := next()
		if l.Type != "connect" {
			t.Fatalf("first line %s", l.text)
		}
		id := l.ID
		srv.WaitEvent(t, nodeCommandTimeout, func(ev nodeEvent) bool { return ev.Event == "connection" && ev.ID == id })
		srv.Command(t, map[string]any{"cmd": "emit", "nsp": "/", "to": id, "event": "news", "args": []any{"hello", map[string]any{"n": 1}, nodeBinary([]byte{7})}})
		if l := next(); l.text != `{"type":"event","event":"news","args":["hello",{"n":1},{"$binary":"Bw=="}]}` {
			t.Errorf("line %s", l.text)
		}
		done := srv.Command(t, map[string]any{"cmd": "emitWithAck", "nsp": "/", "id": id, "event": "q", "args": []any{1}, "timeout": 5000})
		if string(done.Args) != "[]" {
			t.Errorf("the client's ack: %s", done.Line)
		}
		if l := next(); l.text != `{"type":"event","event":"q","args":[1],"ack":true}` {
			t.Errorf("line %s", l.text)
		}

		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		if l := next(); l.text != `{"type":"disconnect","reason":"io client disconnect"}` {
			t.Errorf("line %s", l.text)
		}
		select {
		case l, ok := <-lines:
			if ok {
				t.Errorf("a line after the disconnect: %s", l.text)
			}
		case <-time.After(sioRunTimeout):
			t.Fatalf("sio did not end within %v of SIGINT", sioRunTimeout)
		}
		select {
		case <-exited:
			if waitErr != nil {
				t.Errorf("sio after SIGINT: %v; stderr:\n%s", waitErr, stderr.String())
			}
		case <-time.After(sioRunTimeout):
			t.Fatalf("sio did not end within %v of SIGINT", sioRunTimeout)
		}
		srv.WaitEvent(t, nodeCommandTimeout, func(ev nodeEvent) bool {
			return ev.Event == "disconnect" && ev.ID == id && ev.Reason == "client namespace disconnect"
		})
	})
}
