package engineio

// JSONP polling: a long-polling variant for browsers that cannot make
// cross-origin XHR requests, chosen by the client with the query parameter
// j (Engine.IO v3 clients; the reference server still accepts it from
// any). A poll's response is a script that calls ___eio[j] with the
// payload as a string literal; the client POSTs a form with the payload in
// the field d. The reference is engine.io's transports/polling-jsonp.ts.

import (
	"bytes"
	"errors"

	"github.com/ab218a8d/socketio/internal/jsval"
)

// jsonpIndex returns the ASCII digits of j, the index of the client's
// callback, dropping everything else as the reference does
// (j.replace(/[^0-9]/g, "")).
func jsonpIndex(j string) string {
	for i := 0; i < len(j); i++ {
		if !isDigit(j[i]) {
			b := make([]byte, 0, len(j)-1)
			for i := 0; i < len(j); i++ {
				if isDigit(j[i]) {
					b = append(b, j[i])
				}
			}
			return string(b)
		}
	}
	return j
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// appendJSONP appends the script that hands payload, a text payload in
// UTF-8, to the client's callback index (from jsonpIndex):
//
//	___eio[<index>]("<payload>");
//
// The payload is escaped as JavaScript's JSON.stringify escapes a string,
// and then U+2028 and U+2029, which JSON allows in a string but
// JavaScript before ES2019 does not, become \u2028 and \u2029, as in the
// reference.
//
// Bytes that are not valid UTF-8 are written as U+FFFD, one for each
// maximal invalid sequence (packet.DecodeRune), which is what the
// reference's string would hold had Node decoded them, and what a v3
// payload's length counted.
func appendJSONP(dst []byte, index string, payload []byte) []byte {
	dst = append(dst, "___eio["...)
	dst = append(dst, index...)
	dst = append(dst, `]("`...)
	dst = jsval.AppendScriptEscaped(dst, payload)
	return append(dst, `");`...)
}

var (
	errJSONPNoData  = errors.New("engineio: JSONP body has no d field")
	errJSONPDupData = errors.New("engineio: JSONP body has more than one d field")
)

// jsonpMaxFields is how many fields of a form querystring.parse reads (its
// maxKeys).
const jsonpMaxFields = 1000

// decodeJSONPBody returns the payload in a JSONP POST body, the form
// "d=<payload>", read as the reference reads it: with Node's
// querystring.parse, then turning the client's escaped newlines back.
//
// It decodes in place: the result aliases body, whose contents are
// overwritten, and is never longer.
//
// As querystring.parse does, it reads only the first 1000 &-separated
// fields, matches the key after decoding ("%64" is d), decodes '+' as a
// space, and keeps a '%' that is not followed by two hex digits as it is.
// It decodes escapes to bytes and leaves bytes that are not valid UTF-8 as
// they are, for the payload decoder to count as Node would (see
// packet.DecodeRune); Node differs only when a value mixes such an escape
// (or a bad one) with non-ASCII characters: it then falls back to a
// decoder that mangles those characters, which we do not imitate.
//
// Then an escaped newline, backslash n, becomes a newline, and an escaped
// backslash followed by n, \\n, becomes backslash n, as the reference's
//
//	data.replace(/(\\)?\\n/g, (m, s) => s ? m : "\n").replace(/\\\\n/g, "\\n")
//
// does.
//
// A body with no d field, or more than one (which querystring.parse makes
// an array), is an error: the reference ignores such a body and answers
// "ok", which hides a broken client.
func decodeJSONPBody(body []byte) ([]byte, error) {
	var data []byte
	found := false
	rest := body
	for n := 0; n < jsonpMaxFields && rest != nil; n++ {
		field := rest
		if i := bytes.IndexByte(rest, '&'); i >= 0 {
			field, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		key, value := field, field[len(field):]
		if i := bytes.IndexByte(field, '='); i >= 0 {
			key, value = field[:i], field[i+1:]
		}
		// Nothing else decodes to "d".
		if string(key) != "d" && string(key) != "%64" {
			continue
		}
		if found {
			return nil, errJSONPDupData
		}
		found, data = true, value
	}
	if !found {
		return nil, errJSONPNoData
	}
	return unescapeJSONPNewlines(unescapeForm(data)), nil
}

// unescapeForm decodes a form value in place: '+' is a space, "%XX" the
// byte XX, and any other '%' stays.
func unescapeForm(b []byte) []byte {
	w := 0
	for r := 0; r < len(b); r++ {
		c := b[r]
		switch {
		case c == '+':
			c = ' '
		case c == '%' && r+2 < len(b) && isHex(b[r+1]) && isHex(b[r+2]):
			c = unhex(b[r+1])<<4 | unhex(b[r+2])
			r += 2
		}
		b[w] = c
		w++
	}
	return b[:w]
}

func isHex(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// unescapeJSONPNewlines undoes, in place, the client's escaping of
// newlines: backslash n is a newline, backslash backslash n is backslash
// n. One pass left to right does what the reference's two replaces do:
// the second only ever matches what the first kept.
func unescapeJSONPNewlines(b []byte) []byte {
	w := 0
	for r := 0; r < len(b); {
		switch {
		case b[r] == '\\' && r+2 < len(b) && b[r+1] == '\\' && b[r+2] == 'n':
			b[w], b[w+1] = '\\', 'n'
			w += 2
			r += 3
		case b[r] == '\\' && r+1 < len(b) && b[r+1] == 'n':
			b[w] = '\n'
			w++
			r += 2
		default:
			b[w] = b[r]
			w++
			r++
		}
	}
	return b[:w]
}
