package socketio

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"

	"github.com/ab218a8d/socketio/parser"
)

// Socket.IO protocol v4 is what socket.io-client 1.x and 2.x speak, over
// Engine.IO v3 (engineio.Options.AllowEIO3); a connection is of v4 when
// its Engine.IO session is of revision 3. Its packets are encoded as v5's;
// what differs is done here and where the client's v4 flag is read:
//
//   - The server connects every such client to the main namespace as soon
//     as its session opens (openSession), and answers CONNECTs with no
//     payload (Socket.onConnect).
//   - A CONNECT carries its auth as a query string inside the namespace,
//     "/admin?token=abc", which the reference reads as a URL (fromV4).
//   - A refusal sends the error's data, or its message when it has no
//     data, as the packet's whole payload (errorJSONV4).
//   - A socket's id is the Engine.IO session's id in the main namespace,
//     and "<namespace>#<session id>" in the others (socketIDV4).

// fromV4 rewrites a packet of protocol v4 as v5 has it: the namespace
// without its query string, and a CONNECT's auth, from that query string,
// as its payload.
func fromV4(p *parser.Packet) {
	nsp := p.Namespace
	if !strings.HasPrefix(nsp, "/") || strings.ContainsAny(nsp, "?#%\\ \t") || strings.Contains(nsp, "/.") {
		// As the reference: new URL(nsp, "https://socket.io").
		query := ""
		if u, err := v4Base.Parse(nsp); err == nil {
			nsp, query = u.EscapedPath(), u.RawQuery
		} else if i := strings.IndexByte(nsp, '?'); i >= 0 {
			nsp, query = nsp[:i], nsp[i+1:]
		}
		p.Namespace = nsp
		if p.Type == parser.Connect {
			p.Data = queryObject(query)
		}
		return
	}
	if p.Type == parser.Connect {
		p.Data = nil // a payload was never v4's: auth is {}
	}
}

var v4Base, _ = url.Parse("https://socket.io")

// queryObject returns the JSON object of a query string's parameters, as
// JavaScript's Object.fromEntries(new URLSearchParams(q)) builds it: each
// name once, in the order of its first appearance, with its last value.
func queryObject(q string) json.RawMessage {
	var names []string
	values := map[string]string{}
	for q != "" {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, v = unescapeQuery(k), unescapeQuery(v)
		if _, seen := values[k]; !seen {
			names = append(names, k)
		}
		values[k] = v
	}
	b := []byte{'{'}
	for i, k := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = parser.AppendString(b, k)
		b = append(b, ':')
		b = parser.AppendString(b, values[k])
	}
	return append(b, '}')
}

// unescapeQuery decodes one name or value of a query string, '+' as a
// space; an escape that does not decode stays as it is, as
// URLSearchParams leaves it.
func unescapeQuery(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return strings.ReplaceAll(s, "+", " ")
}

// socketIDV4 is the id of a socket of protocol v4, as the reference builds
// it.
func socketIDV4(nsp, sid string) string {
	if nsp == "/" {
		return sid
	}
	return nsp + "#" + sid
}

// errorJSONV4 is the payload of a refusal in protocol v4, what the
// reference sends: the error's data if it has some that JavaScript takes
// for true, its message otherwise.
func errorJSONV4(ce *ConnectError) []byte {
	if truthy(ce.Data) {
		var att [][]byte
		if b, err := parser.AppendValue(nil, &att, ce.Data); err == nil && len(att) == 0 {
			return b
		}
	}
	return parser.AppendString(nil, ce.Message)
}

// truthy reports whether JavaScript would take the JSON of v for true:
// not null, false, zero or the empty string.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case json.RawMessage:
		switch strings.TrimSpace(string(x)) {
		case "", "null", "false", "0", `""`, "-0":
			return false
		}
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Bool:
		return rv.Bool()
	case reflect.String:
		return rv.Len() > 0
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int() != 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return rv.Uint() != 0
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		return f != 0 && f == f
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
		return !rv.IsNil()
	}
	return true
}
