package engineio_test

import (
	"net/http"
	"testing"

	"github.com/ab218a8d/socketio/engineio"
)

// CORS does not protect WebSocket: a browser opens one from any page,
// whatever the CORS headers say. AllowOrigins refuses handshakes, WebSocket
// and polling alike, from browsers on other origins, and lets clients that
// send no Origin (not browsers) in.
func TestAllowOrigins(t *testing.T) {
	for _, tc := range []struct {
		name, origin string
		allowed      bool
	}{
		{"listed", "https://example.com", true},
		{"other site", "https://evil.example", false},
		{"listed host, other scheme", "http://example.com", false},
		{"no Origin: not a browser", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := &engineio.Options{
				CORS:         &engineio.CORSOptions{Origins: []string{"https://example.com"}},
				AllowRequest: engineio.AllowOrigins("https://example.com"),
			}
			srv := engineio.NewServer(newRecorder(false), opts)
			addr := listen(t, srv, nil)
			for _, transport := range []string{"websocket", "polling"} {
				req, err := http.NewRequest("GET", "http://"+addr+"/engine.io/?EIO=4&transport="+transport, nil)
				if err != nil {
					t.Fatal(err)
				}
				if tc.origin != "" {
					req.Header.Set("Origin", tc.origin)
				}
				// A refused upgrade gets a plain 400, as in the reference.
				want := map[bool]int{true: http.StatusOK, false: http.StatusForbidden}[tc.allowed]
				if transport == "websocket" {
					req.Header.Set("Connection", "Upgrade")
					req.Header.Set("Upgrade", "websocket")
					req.Header.Set("Sec-WebSocket-Version", "13")
					req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
					want = map[bool]int{true: http.StatusSwitchingProtocols, false: http.StatusBadRequest}[tc.allowed]
				}
				res, err := http.DefaultTransport.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != want {
					t.Errorf("%s from %q: %d, want %d", transport, tc.origin, res.StatusCode, want)
				}
			}
		})
	}
}
