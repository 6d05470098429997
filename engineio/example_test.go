package engineio_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/ab218a8d/socketio/engineio"
)

// An echo server, reached over long-polling by hand: the handshake, a
// message sent with a POST, and its echo received with a GET.
func Example() {
	srv := engineio.NewServer(engineio.HandlerFunc(func(s *engineio.Session) engineio.SessionHandler {
		return engineio.SessionFuncs{
			Message: func(m engineio.Message) { s.Send(m) },
			Close: func(reason engineio.CloseReason, _ error) {
				fmt.Println("closed:", reason)
			},
		}
	}), nil)
	mux := http.NewServeMux()
	mux.Handle("/engine.io/", srv)
	ts := httptest.NewServer(mux)
	defer ts.Close()
	defer srv.Close()

	url := ts.URL + "/engine.io/?EIO=4&transport=polling"
	resp, _ := http.Get(url)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var open struct{ SID string }
	json.Unmarshal(body[1:], &open) // after the packet type "0"
	fmt.Println("handshake:", string(body[:1]), len(open.SID), "character sid")

	url += "&sid=" + open.SID
	resp, _ = http.Post(url, "text/plain", strings.NewReader("4hello"))
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println("post:", string(body))

	resp, _ = http.Get(url)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println("poll:", string(body))

	resp, _ = http.Post(url, "text/plain", strings.NewReader("1"))
	resp.Body.Close()
	// Output:
	// handshake: 0 20 character sid
	// post: ok
	// poll: 4hello
	// closed: transport close
}

// Options whose zero value is the reference's defaults; set only what
// differs.
func ExampleNewServer() {
	srv := engineio.NewServer(engineio.HandlerFunc(func(s *engineio.Session) engineio.SessionHandler {
		s.Send(engineio.Message{Data: []byte("welcome")})
		return engineio.SessionFuncs{}
	}), &engineio.Options{
		CORS:   &engineio.CORSOptions{Origins: []string{"https://example.com"}, Credentials: true},
		Cookie: engineio.DefaultCookie(),
		AllowRequest: func(r *http.Request) error {
			if r.Header.Get("Authorization") == "" {
				return fmt.Errorf("not authorized")
			}
			return nil
		},
	})
	defer srv.Close()
	http.Handle("/engine.io/", srv)
}

func ExampleCloseReason() {
	fmt.Println(engineio.ReasonTransportClose, "|", engineio.ReasonPingTimeout, "|", engineio.ReasonForcedClose)
	// Output: transport close | ping timeout | forced close
}

// NewHTTPServer is an http.Server with the time-outs a public endpoint
// needs; set Addr, TLSConfig and the rest as for any other.
func ExampleNewHTTPServer() {
	srv := engineio.NewServer(engineio.HandlerFunc(func(s *engineio.Session) engineio.SessionHandler {
		return engineio.SessionFuncs{}
	}), nil)
	mux := http.NewServeMux()
	mux.Handle("/engine.io/", srv)
	hs := engineio.NewHTTPServer(mux)
	fmt.Println(hs.ReadHeaderTimeout, hs.IdleTimeout, hs.ReadTimeout, hs.WriteTimeout)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go hs.Serve(ln)
	res, err := http.Get("http://" + ln.Addr().String() + "/engine.io/?EIO=4&transport=polling")
	if err != nil {
		log.Fatal(err)
	}
	res.Body.Close()
	fmt.Println(res.Status)
	srv.Close()
	hs.Close()
	// Output:
	// 10s 1m0s 0s 0s
	// 200 OK
}

// The server-wide budget of queued output: what waits to be written to
// every client together.
func ExampleServer_QueuedBytes() {
	srv := engineio.NewServer(engineio.HandlerFunc(func(s *engineio.Session) engineio.SessionHandler {
		return engineio.SessionFuncs{}
	}), &engineio.Options{MaxServerQueuedBytes: 64 << 20})
	defer srv.Close()
	fmt.Println(srv.QueuedBytes())
	// Output: 0
}
