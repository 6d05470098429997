package nodepeer

import (
	"encoding/hex"
	"encoding/json"
)

// An Event is a line that the peer reported on its own, not as the answer
// to a command: a connection, a received event, a disconnection.
type Event struct {
	// Name is the line's "event" field: "connection", "serverRecv",
	// "serverSideEmit", "serverDisconnect" (servers), "connect",
	// "connect_error", "recv", "disconnect" (clients), "redisError",
	// "ready", "fatal".
	Name string
	// Line is the line as the peer wrote it.
	Line string

	fields map[string]json.RawMessage
}

func (e Event) String() string { return e.Line }

// Has reports whether the event has the field k.
func (e Event) Has(k string) bool {
	_, ok := e.fields[k]
	return ok
}

// Raw returns field k as JSON, or nil.
func (e Event) Raw(k string) json.RawMessage { return e.fields[k] }

// Decode decodes field k into v.
func (e Event) Decode(k string, v any) error { return json.Unmarshal(e.fields[k], v) }

// Value returns field k decoded as encoding/json decodes into an any, or
// nil.
func (e Event) Value(k string) any {
	var v any
	if raw, ok := e.fields[k]; ok {
		json.Unmarshal(raw, &v)
	}
	return v
}

// Str returns field k if it is a string, or "".
func (e Event) Str(k string) string {
	s, _ := e.Value(k).(string)
	return s
}

// Match returns a matcher of the events named name whose string fields
// are as given in pairs: Match("recv", "client", "c1", "name", "hello").
func Match(name string, fieldValues ...string) func(Event) bool {
	if len(fieldValues)%2 != 0 {
		panic("nodepeer.Match: field values must come in pairs")
	}
	return func(e Event) bool {
		if e.Name != name {
			return false
		}
		for i := 0; i < len(fieldValues); i += 2 {
			if e.Str(fieldValues[i]) != fieldValues[i+1] {
				return false
			}
		}
		return true
	}
}

// Bin is how the peer carries binary data both ways, as {"$bin": hex}: an
// argument Bin(b) reaches Node as a Buffer, and a Buffer is reported as
// Bin(b).
func Bin(b []byte) map[string]any { return map[string]any{"$bin": hex.EncodeToString(b)} }

// ParseBin returns the bytes of a value that encoding/json decoded from
// {"$bin": hex}.
func ParseBin(v any) ([]byte, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return nil, false
	}
	s, ok := m["$bin"].(string)
	if !ok {
		return nil, false
	}
	b, err := hex.DecodeString(s)
	return b, err == nil
}

// ServerSideAnswer is what a Node server named server answers to a
// server-side emit with an acknowledgement whose first argument is arg (a
// string; other values are sent as their JSON).
func ServerSideAnswer(server, arg string) string { return "node-" + arg + "@" + server }

// ClientAck is what a client answers to an event with an acknowledgement.
type ClientAck struct {
	Client string `json:"client"`
	Event  string `json:"event"`
}
