package engineio

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

const defaultCORSMethods = "GET,HEAD,PUT,PATCH,POST,DELETE"

// applyCORS adds the CORS headers c asks for, as the npm cors middleware
// does. It answers preflight (OPTIONS) requests itself and then reports
// done. An error from AllowOrigin refuses the request.
func applyCORS(c *CORSOptions, w http.ResponseWriter, r *http.Request) (done bool, err error) {
	h := w.Header()
	origin := r.Header.Get("Origin")
	switch {
	case c.AllowOrigin != nil:
		ok, err := c.AllowOrigin(origin, r)
		if err != nil {
			return false, err
		}
		if !ok {
			return false, nil // no CORS headers at all, as cors does
		}
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
	case len(c.Origins) == 0 || (len(c.Origins) == 1 && c.Origins[0] == "*"):
		h.Set("Access-Control-Allow-Origin", "*")
	case len(c.Origins) == 1:
		h.Set("Access-Control-Allow-Origin", c.Origins[0])
		h.Add("Vary", "Origin")
	default:
		if slices.Contains(c.Origins, origin) {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		h.Add("Vary", "Origin")
	}
	if c.Credentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if len(c.ExposedHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(c.ExposedHeaders, ","))
	}
	if r.Method != http.MethodOptions {
		return false, nil
	}
	methods := defaultCORSMethods
	if len(c.Methods) > 0 {
		methods = strings.Join(c.Methods, ",")
	}
	h.Set("Access-Control-Allow-Methods", methods)
	if len(c.AllowedHeaders) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(c.AllowedHeaders, ","))
	} else if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
		h.Set("Access-Control-Allow-Headers", req)
		h.Add("Vary", "Access-Control-Request-Headers")
	}
	if c.MaxAge > 0 {
		h.Set("Access-Control-Max-Age", strconv.Itoa(int(c.MaxAge.Seconds())))
	}
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusNoContent)
	return true, nil
}

// AllowOrigins returns an Options.AllowRequest that refuses the handshakes
// of browsers on pages of other origins than those listed (exactly, as
// "https://example.com"): CORS does not protect WebSocket, which a browser
// opens from any page whatever the CORS headers say, and which the
// reference does not check either. Requests without an Origin header,
// from clients that are not browsers, are allowed.
//
//	opts.AllowRequest = engineio.AllowOrigins("https://example.com")
func AllowOrigins(origins ...string) func(r *http.Request) error {
	allowed := make(map[string]bool, len(origins))
	for _, o := range origins {
		allowed[o] = true
	}
	return func(r *http.Request) error {
		if o := r.Header.Get("Origin"); o != "" && !allowed[o] {
			return errOriginNotAllowed
		}
		return nil
	}
}

var errOriginNotAllowed = errors.New("origin not allowed")
