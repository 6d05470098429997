package engineio_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ab218a8d/socketio/engineio"
)

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestAllowRequest(t *testing.T) {
	bubble(t, func(t *testing.T) {
		var mu sync.Mutex
		var refused []*engineio.RequestError
		e := newEnv(t, &engineio.Options{
			AllowRequest: func(r *http.Request) error {
				if r.URL.Query().Get("token") != "secret" {
					return errors.New("bad token")
				}
				return nil
			},
			OnConnectionError: func(r *http.Request, err *engineio.RequestError) {
				mu.Lock()
				refused = append(refused, err)
				mu.Unlock()
			},
		})
		status, body := e.Get("EIO=4&transport=polling")
		if status != 403 {
			t.Fatalf("refused handshake = %d, want 403", status)
		}
		wantErrorBody(t, body, 4, "bad token")
		if _, resp, err := e.Dial("EIO=4&transport=websocket"); err == nil || resp.StatusCode != 400 {
			t.Fatalf("refused WebSocket handshake: %v", err)
		}
		if status, _ := e.Get("EIO=4&transport=polling&token=secret"); status != 200 {
			t.Fatalf("allowed handshake = %d", status)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(refused) != 2 || refused[0].Code != engineio.CodeForbidden || refused[0].Message != "bad token" {
			t.Fatalf("OnConnectionError saw %v", refused)
		}
		if !strings.Contains(refused[0].Error(), "bad token") {
			t.Errorf("RequestError text %q", refused[0].Error())
		}
	})
}

func TestCORS(t *testing.T) {
	tests := []struct {
		name      string
		opts      *engineio.CORSOptions
		origin    string
		wantAllow string
		wantVary  string
	}{
		{"any", &engineio.CORSOptions{}, "http://a.example", "*", ""},
		{"star", &engineio.CORSOptions{Origins: []string{"*"}}, "http://a.example", "*", ""},
		{"single", &engineio.CORSOptions{Origins: []string{"http://a.example"}}, "http://b.example", "http://a.example", "Origin"},
		{"list allowed", &engineio.CORSOptions{Origins: []string{"http://a.example", "http://b.example"}}, "http://b.example", "http://b.example", "Origin"},
		{"list refused", &engineio.CORSOptions{Origins: []string{"http://a.example", "http://b.example"}}, "http://c.example", "", "Origin"},
		{"func allowed", &engineio.CORSOptions{AllowOrigin: func(o string, _ *http.Request) (bool, error) { return o == "http://a.example", nil }}, "http://a.example", "http://a.example", "Origin"},
		{"func refused", &engineio.CORSOptions{AllowOrigin: func(o string, _ *http.Request) (bool, error) { return false, nil }}, "http://a.example", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				e := newEnv(t, &engineio.Options{CORS: tt.opts})
				resp, _ := e.Request(context.Background(), "GET", "EIO=4&transport=polling", "", http.Header{"Origin": {tt.origin}})
				if resp.StatusCode != 200 {
					t.Fatalf("status %d", resp.StatusCode)
				}
				if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tt.wantAllow {
					t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tt.wantAllow)
				}
				if got := resp.Header.Get("Vary"); got != tt.wantVary {
					t.Errorf("Vary = %q, want %q", got, tt.wantVary)
				}
			})
		})
	}
	t.Run("preflight", func(t *testing.T) {
		bubble(t, func(t *testing.T) {
			e := newEnv(t, &engineio.Options{CORS: &engineio.CORSOptions{
				Origins: []string{"http://a.example"}, Credentials: true, MaxAge: time.Hour, ExposedHeaders: []string{"X-Id"},
			}})
			resp, body := e.Request(context.Background(), "OPTIONS", "EIO=4&transport=polling", "", http.Header{
				"Origin":                         {"http://a.example"},
				"Access-Control-Request-Method":  {"POST"},
				"Access-Control-Request-Headers": {"content-type"},
			})
			if resp.StatusCode != 204 || body != "" {
				t.Fatalf("preflight = %d %q, want 204", resp.StatusCode, body)
			}
			want := map[string]string{
				"Access-Control-Allow-Origin":      "http://a.example",
				"Access-Control-Allow-Credentials": "true",
				"Access-Control-Allow-Methods":     "GET,HEAD,PUT,PATCH,POST,DELETE",
				"Access-Control-Allow-Headers":     "content-type",
				"Access-Control-Max-Age":           "3600",
				"Access-Control-Expose-Headers":    "X-Id",
			}
			for k, v := range want {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			// Errors carry the CORS headers too, so browsers can read them.
			resp, _ = e.Request(context.Background(), "GET", "EIO=4&transport=polling&sid=nope", "", http.Header{"Origin": {"http://a.example"}})
			if resp.StatusCode != 400 || resp.Header.Get("Access-Control-Allow-Origin") != "http://a.example" {
				t.Errorf("error response %d without CORS headers", resp.StatusCode)
			}
		})
	})
	t.Run("origin error", func(t *testing.T) {
		bubble(t, func(t *testing.T) {
			e := newEnv(t, &engineio.Options{CORS: &engineio.CORSOptions{
				AllowOrigin: func(string, *http.Request) (bool, error) { return false, errors.New("lookup failed") },
			}})
			status, body := e.Get("EIO=4&transport=polling")
			if status != 400 {
				t.Fatalf("status %d", status)
			}
			wantErrorBody(t, body, 3, "Bad request")
		})
	})
	t.Run("off", func(t *testing.T) {
		bubble(t, func(t *testing.T) {
			e := newEnv(t, nil)
			resp, _ := e.Request(context.Background(), "GET", "EIO=4&transport=polling", "", http.Header{"Origin": {"http://a.example"}})
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("CORS header %q with CORS off", got)
			}
		})
	})
}

func TestCookie(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, &engineio.Options{Cookie: engineio.DefaultCookie()})
		resp, body := e.Request(context.Background(), "GET", "EIO=4&transport=polling", "", nil)
		sid := parseOpen(t, body).SID
		want := "io=" + sid + "; Path=/; HttpOnly; SameSite=Lax"
		if got := resp.Header.Get("Set-Cookie"); got != want {
			t.Fatalf("Set-Cookie = %q, want %q", got, want)
		}
		resp, _ = e.Request(context.Background(), "POST", "EIO=4&transport=polling&sid="+sid, "4x", nil)
		if got := resp.Header.Get("Set-Cookie"); got != "" {
			t.Fatalf("Set-Cookie on a later request: %q", got)
		}
	})
	bubble(t, func(t *testing.T) {
		e := newEnv(t, &engineio.Options{Cookie: &http.Cookie{Name: "sticky", Secure: true}})
		resp, body := e.Request(context.Background(), "GET", "EIO=4&transport=polling", "", nil)
		want := "sticky=" + parseOpen(t, body).SID + "; Path=/; Secure"
		if got := resp.Header.Get("Set-Cookie"); got != want {
			t.Fatalf("Set-Cookie = %q, want %q", got, want)
		}
	})
}

func TestHeaderHooks(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, &engineio.Options{
			InitialHeaders: func(h http.Header, r *http.Request) { h.Set("X-Initial", "yes") },
			Headers:        func(h http.Header, r *http.Request) { h.Set("X-Every", "yes") },
		})
		resp, body := e.Request(context.Background(), "GET", "EIO=4&transport=polling", "", nil)
		if resp.Header.Get("X-Initial") != "yes" || resp.Header.Get("X-Every") != "yes" {
			t.Fatalf("handshake headers %v", resp.Header)
		}
		sid := parseOpen(t, body).SID
		resp, _ = e.Request(context.Background(), "POST", "EIO=4&transport=polling&sid="+sid, "4x", nil)
		if resp.Header.Get("X-Initial") != "" || resp.Header.Get("X-Every") != "yes" {
			t.Fatalf("later headers %v", resp.Header)
		}
		ws, resp, err := e.Dial("EIO=4&transport=websocket")
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		if resp.Header.Get("X-Initial") != "yes" || resp.Header.Get("X-Every") != "yes" {
			t.Fatalf("WebSocket upgrade headers %v", resp.Header)
		}
	})
}

func TestHTTPCompression(t *testing.T) {
	big := strings.Repeat("compress me ", 200) // 2400 bytes
	for _, tt := range []struct {
		name, accept, want string
		opts               *engineio.Options
		data               string
	}{
		{"gzip", "gzip, deflate, br", "gzip", nil, big},
		{"deflate", "deflate", "deflate", nil, big},
		{"deflate first", "deflate, gzip", "deflate", nil, big},
		{"quality", "gzip;q=0.5, deflate", "deflate", nil, big},
		{"wildcard", "*", "gzip", nil, big},
		{"refused", "gzip;q=0, deflate;q=0", "", nil, big},
		{"none", "", "", nil, big},
		{"small", "gzip", "", nil, "short"},
		{"disabled", "gzip", "", &engineio.Options{DisableHTTPCompression: true}, big},
		{"threshold", "gzip", "gzip", &engineio.Options{HTTPCompressionThreshold: 10}, "a bit longer than ten"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bubble(t, func(t *testing.T) {
				e := newEnv(t, tt.opts)
				c := e.Connect(polling)
				e.rec.session(t, c.SID).Send(engineio.Message{Data: []byte(tt.data)})
				resp, body := e.Request(context.Background(), "GET", c.PollQuery(), "", http.Header{"Accept-Encoding": {tt.accept}})
				if got := resp.Header.Get("Content-Encoding"); got != tt.want {
					t.Fatalf("Content-Encoding = %q, want %q", got, tt.want)
				}
				var r io.Reader = strings.NewReader(body)
				switch tt.want {
				case "gzip":
					zr, err := gzip.NewReader(r)
					if err != nil {
						t.Fatal(err)
					}
					r = zr
				case "deflate":
					zr, err := zlib.NewReader(r)
					if err != nil {
						t.Fatal(err)
					}
					r = zr
				}
				plain, err := io.ReadAll(r)
				if err != nil {
					t.Fatal(err)
				}
				if string(plain) != "4"+tt.data {
					t.Fatalf("payload = %.40q, want the message", plain)
				}
			})
		})
	}
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		c := e.Connect(polling)
		e.rec.session(t, c.SID).Send(engineio.Message{Data: []byte(big), NoCompress: true})
		resp, _ := e.Request(context.Background(), "GET", c.PollQuery(), "", http.Header{"Accept-Encoding": {"gzip"}})
		if got := resp.Header.Get("Content-Encoding"); got != "" {
			t.Fatalf("NoCompress message was compressed: %q", got)
		}
	})
}

func TestPerMessageDeflate(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, &engineio.Options{PerMessageDeflate: true})
		c := e.Connect(websocket)
		big := bytes.Repeat([]byte("deflate "), 500)
		c.Send(text(string(big)))
		if got := c.RecvN(1); string(got[0].Data) != string(big) {
			t.Fatal("echo through permessage-deflate differs")
		}
	})
}

func TestShutdown(t *testing.T) {
	run(t, allModes, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		c := e.Connect(m)
		s := e.rec.session(t, c.SID)
		s.Send(engineio.Message{Data: []byte("bye")})
		done := make(chan error)
		go func() { done <- e.srv.Shutdown(context.Background()) }()
		synctest.Wait()
		// New sessions are refused while shutting down.
		if status, _ := e.Get("EIO=4&transport=polling"); status != 503 {
			t.Errorf("handshake during shutdown = %d, want 503", status)
		}
		if c.WS != nil {
			if got := wsRead(t, c.WS); got != "4bye" {
				t.Fatalf("got %q, want the queued message", got)
			}
		} else {
			if got := packetsString(c.Recv()); got != "4bye" {
				t.Fatalf("poll during shutdown = %q", got)
			}
			if got := packetsString(c.Recv()); got != "6\x1e1" {
				t.Fatalf("next poll during shutdown = %q, want the close packet", got)
			}
		}
		if err := <-done; err != nil {
			t.Fatalf("Shutdown: %v", err)
		}
		e.rec.wantClosed(t, c.SID, engineio.ReasonForcedClose)
	})
}

func TestShutdownDeadline(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		c := e.Connect(polling) // never polls again
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := e.srv.Shutdown(ctx); err != context.DeadlineExceeded {
			t.Fatalf("Shutdown = %v, want DeadlineExceeded", err)
		}
		ev := e.rec.wantClosed(t, c.SID, engineio.ReasonForcedClose)
		if ev.desc != engineio.ErrServerClosed {
			t.Fatalf("description %v", ev.desc)
		}
	})
}

func TestClose(t *testing.T) {
	run(t, allModes, func(t *testing.T, m mode) {
		e := newEnv(t, nil)
		c := e.Connect(m)
		e.srv.Close()
		e.rec.wantClosed(t, c.SID, engineio.ReasonForcedClose)
		c.WantClosedByServer()
		if n := e.srv.Count(); n != 0 {
			t.Fatalf("Count = %d after Close", n)
		}
	})
}

func TestStrings(t *testing.T) {
	reasons := map[engineio.CloseReason]string{
		engineio.ReasonTransportClose: "transport close",
		engineio.ReasonTransportError: "transport error",
		engineio.ReasonPingTimeout:    "ping timeout",
		engineio.ReasonParseError:     "parse error",
		engineio.ReasonForcedClose:    "forced close",
		engineio.CloseReason(42):      "CloseReason(42)",
	}
	for r, want := range reasons {
		if r.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(r), r.String(), want)
		}
	}
	codes := []string{"Transport unknown", "Session ID unknown", "Bad handshake method", "Bad request", "Forbidden", "Unsupported protocol version"}
	for i, want := range codes {
		if got := engineio.ErrorCode(i).String(); got != want {
			t.Errorf("ErrorCode(%d) = %q, want %q", i, got, want)
		}
	}
	e := &engineio.RequestError{Code: engineio.CodeForbidden, Message: "no", Err: errTest}
	if !errors.Is(e, errTest) {
		t.Error("RequestError does not unwrap to its cause")
	}
}

func TestSessionAccessors(t *testing.T) {
	bubble(t, func(t *testing.T) {
		e := newEnv(t, nil)
		c := e.Connect(polling)
		s := e.rec.session(t, c.SID)
		if s.Request() == nil || s.Request().URL.Query().Get("transport") != "polling" {
			t.Error("Request() is not the handshake request")
		}
		if s.RemoteAddr() == "" {
			t.Error("RemoteAddr() empty")
		}
		s.Send(engineio.Message{Data: []byte("12345")})
		if n := s.QueuedBytes(); n != 5 {
			t.Errorf("QueuedBytes = %d, want 5", n)
		}
		c.Recv()
		if n := s.QueuedBytes(); n != 0 {
			t.Errorf("QueuedBytes after a poll = %d", n)
		}
		if e.srv.Session(c.SID) != s || e.srv.Count() != 1 {
			t.Error("Server.Session/Count disagree")
		}
	})
}
