// The bits of HTTP/1.1 that the handshake writes or reads itself, past
// net/http: the 101 response goes out with the first frames, in one write.

package websocket

import (
	"net/http"
	"strings"
)

// appendHeaderFields appends h's fields as "Name: value\r\n" lines. A
// name that is not a token is left out, and CR and LF in values become
// spaces: no header can inject another.
func appendHeaderFields(b []byte, h http.Header) []byte {
	for k, vs := range h {
		if !isToken(k) {
			continue
		}
		for _, v := range vs {
			b = append(b, k...)
			b = append(b, ": "...)
			for i := 0; i < len(v); i++ {
				if ch := v[i]; ch == '\r' || ch == '\n' {
					b = append(b, ' ')
				} else {
					b = append(b, ch)
				}
			}
			b = append(b, "\r\n"...)
		}
	}
	return b
}

// listHasToken reports whether the comma-separated list v holds token,
// compared without regard to case.
func listHasToken(v, token string) bool {
	for v != "" {
		var t string
		t, v, _ = strings.Cut(v, ",")
		if strings.EqualFold(strings.TrimSpace(t), token) {
			return true
		}
	}
	return false
}

// isToken reports whether s is a non-empty RFC 9110 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if ch := s[i]; ch >= 0x80 || tokenChars[ch] == 0 {
			return false
		}
	}
	return true
}

var tokenChars = func() (t [128]byte) {
	for ch := '0'; ch <= '9'; ch++ {
		t[ch] = 1
	}
	for ch := 'a'; ch <= 'z'; ch++ {
		t[ch], t[ch-'a'+'A'] = 1, 1
	}
	for _, ch := range "!#$%&'*+-.^_`|~" {
		t[ch] = 1
	}
	return t
}()
