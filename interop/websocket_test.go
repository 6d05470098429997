package interop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ab218a8d/socketio/engineio"
)

// wsEvent is one line of js/ws-conformance.mjs's output.
type wsEvent struct {
	Event      string `json:"event"`
	Conn       string `json:"conn"`
	OK         bool   `json:"ok"`
	Extensions string `json:"extensions"`
	Type       string `json:"type"`
	Length     int    `json:"length"`
	Wire       int    `json:"wire"`
	Code       int    `json:"code"`
	Error      string `json:"error"`
}

// TestWebSocketStrictClient drives the Engine.IO server's WebSocket
// transport with the ws package alone, which fails a connection on any
// protocol violation by the server: messages of 0 B to 2 MiB echoed as text
// and binary, a WebSocket ping, fragmented messages with a ping between
// fragments, a client close with its own code, and a message over the
// limit (1009); with and without permessage-deflate. Codes a client may not
// send, which ws refuses to send, are in internal/websocket's
// TestConformance.
func TestWebSocketStrictClient(t *testing.T) {
	requireClient(t, "ws")
	const limit = 3 << 20
	sizes := []int{0, 1, 125, 126, 65535, 65536, 1 << 20, 2 << 20}
	for _, deflate := range []bool{false, true} {
		t.Run(fmt.Sprintf("deflate=%v", deflate), func(t *testing.T) {
			opts := baseOptions()
			opts.MaxHTTPBufferSize = limit
			opts.PerMessageDeflate = deflate
			ts := startServer(t, opts, behavior{})
			cfg, _ := json.Marshal(map[string]any{
				"url": ts.http.URL, "deflate": deflate, "sizes": sizes,
				"overLimit": limit, "timeoutMs": 60000,
			})
			evs := runWSClient(t, string(cfg))

			main := ts.session(t)
			if reason, _ := main.waitClose(t, 5*time.Second); reason != engineio.ReasonTransportClose {
				t.Errorf("server: the session the client closed ended with %q, want %q", reason, engineio.ReasonTransportClose)
			}
			if got, want := len(main.Messages()), 2*len(sizes)+2; got != want {
				t.Errorf("server: received %d messages, want %d", got, want)
			}
			over := ts.session(t)
			if reason, _ := over.waitClose(t, 5*time.Second); reason != engineio.ReasonTransportError {
				t.Errorf("server: the session over the limit ended with %q, want %q", reason, engineio.ReasonTransportError)
			}

			count := map[string]int{}
			for _, e := range evs {
				count[e.Event]++
				switch e.Event {
				case "error", "fatal":
					t.Errorf("client: %s on connection %q: %s", e.Event, e.Conn, e.Error)
				case "open":
					if !e.OK {
						t.Errorf("client: connection %q: no Engine.IO open packet first", e.Conn)
					}
					if got := strings.HasPrefix(e.Extensions, "permessage-deflate"); got != deflate {
						t.Errorf("client: connection %q: extensions %q, want permessage-deflate %v", e.Conn, e.Extensions, deflate)
					}
				case "echo":
					if !e.OK {
						t.Errorf("client: the echo of a %d-byte %s message differs", e.Length, e.Type)
					}
					// Generated text compresses to a few percent; the
					// server's echo must have been compressed then.
					if deflate && e.Type == "text" && e.Length >= 65535 && e.Wire > e.Length/4 {
						t.Errorf("client: the echo of a %d-byte text message took %d bytes: not compressed", e.Length, e.Wire)
					}
					if !deflate && e.Wire < e.Length {
						t.Errorf("client: the echo of a %d-byte message took %d bytes", e.Length, e.Wire)
					}
				case "pong", "fragmented":
					if !e.OK {
						t.Errorf("client: %s %s: not as sent", e.Event, e.Type)
					}
				case "clientClose":
					if e.Code != 1000 {
						t.Errorf("client: closed with 4000, the server answered %d, want 1000", e.Code)
					}
				case "overLimit":
					if e.Code != 1009 {
						t.Errorf("client: a message over the limit closed with %d, want 1009", e.Code)
					}
				}
			}
			want := map[string]int{"open": 2, "echo": 2 * len(sizes), "pong": 1, "fragmented": 2, "clientClose": 1, "overLimit": 1, "done": 1}
			for name, n := range want {
				if count[name] != n {
					t.Errorf("client: %d %q events, want %d", count[name], name, n)
				}
			}
		})
	}
}

// runWSClient runs js/ws-conformance.mjs with cfg and returns its events.
func runWSClient(t *testing.T, cfg string) []wsEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "js/ws-conformance.mjs", cfg)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	out := stdout.String()
	var evs []wsEvent
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var e wsEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("client: bad output line %q: %v", sc.Text(), err)
		}
		evs = append(evs, e)
	}
	if runErr != nil || len(evs) == 0 || evs[len(evs)-1].Event != "done" {
		t.Fatalf("client: %v, not ending with done; stdout:\n%s\nstderr:\n%s", runErr, out, stderr.String())
	}
	t.Logf("client:\n%s", out)
	return evs
}
