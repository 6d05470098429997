package wire

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/ab218a8d/socketio/parser"
)

// The messages the reference captured from @socket.io/redis-adapter 8.3.0
// (socketio.md §4.2.6, §4.3, §4.5). Where it gives the bytes, or some of
// them, they must match; every message must come back as its JSON.
var referenceMessages = []struct {
	name string
	json string
	atts []string // hex
	// hex is the whole message when the reference gives it; else parts,
	// "…"-separated, that must appear in it in order.
	hex string
}{
	{
		name: `io.emit("hello","world")`,
		json: `["H2V8hc",{"type":2,"data":["hello","world"],"nsp":"/"},{"rooms":[],"except":[],"flags":{}}]`,
		hex:  "93a648325638686383a47479706502a46461746192a568656c6c6fa5776f726c64a36e7370a12f83a5726f6f6d7390a665786365707490a5666c61677380",
	},
	{
		name: `io.to("room1").emit("hello",1,{a:true})`,
		json: `["H2V8hc",{"type":2,"data":["hello",1,{"a":true}],"nsp":"/"},{"rooms":["room1"],"except":[],"flags":{}}]`,
		hex:  "…",
	},
	{
		name: `io.to(["room1","room2"]).except("room3").volatile.compress(false).emit("hello")`,
		json: `["H2V8hc",{"type":2,"data":["hello"],"nsp":"/"},{"rooms":["room1","room2"],"except":["room3"],"flags":{"volatile":true,"compress":false}}]`,
		hex:  "…",
	},
	{
		name: `io.emit("bin", Buffer.from([1,2,3]))`,
		json: `["H2V8hc",{"type":2,"data":["bin",{"_placeholder":true,"num":0}],"nsp":"/"},{"rooms":[],"except":[],"flags":{}}]`,
		atts: []string{"010203"},
		hex:  "…a362696ec403010203…",
	},
	{
		name: `io.of("/admin").emit("x")`,
		json: `["Jxdx9V",{"type":2,"data":["x"],"nsp":"/admin"},{"rooms":[],"except":[],"flags":{}}]`,
		hex:  "…",
	},
	{
		name: `io.timeout(1000).emit("withack","a",cb)`,
		json: `{"uid":"H2V8hc","requestId":"q-NvB9","type":7,"packet":{"type":2,"data":["withack","a"],"nsp":"/"},"opts":{"rooms":[],"except":[],"flags":{"timeout":1000}}}`,
		hex:  "85a3756964…cd03e8",
	},
	{
		name: "BROADCAST_ACK",
		json: `{"type":9,"requestId":"RQ4","packet":"ack-z"}`,
		hex:  "83a47479706509a9726571756573744964a3525134a67061636b6574a561636b2d7a",
	},
	{
		name: "sharded BROADCAST with binary (§4.3)",
		json: `{"type":3,"data":{"packet":{"type":2,"data":["bin",{"_placeholder":true,"num":0}]},"opts":{"rooms":[],"except":[],"flags":{}}},"uid":"7380a47c97424506","nsp":"/"}`,
		atts: []string{"010203"},
		hex:  "…a362696ec403010203…",
	},
	{
		// @msgpack/msgpack, whose choices agree with notepack's here.
		name: "streams XADD data (§4.5)",
		json: `{"packet":{"type":2,"data":["hello",{"_placeholder":true,"num":0}]},"opts":{"rooms":["room1"],"except":["room2"],"flags":{}}}`,
		atts: []string{"0102"},
		hex:  b64hex("gqZwYWNrZXSCpHR5cGUCpGRhdGGSpWhlbGxvxAIBAqRvcHRzg6Vyb29tc5Glcm9vbTGmZXhjZXB0kaVyb29tMqVmbGFnc4A="),
	},
}

func b64hex(s string) string {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// matchParts reports whether s is pattern, where each "…" in pattern
// stands for any bytes.
func matchParts(s, pattern string) bool {
	parts := strings.Split(pattern, "…")
	last := len(parts) - 1
	if last == 0 {
		return s == pattern
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1:last] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[last])
}

func TestReferenceMessages(t *testing.T) {
	t.Parallel()
	for _, m := range referenceMessages {
		var atts [][]byte
		for _, a := range m.atts {
			atts = append(atts, unhex(t, a))
		}
		msg, err := AppendJSON(nil, []byte(m.json), atts)
		if err != nil {
			t.Errorf("%s: %v", m.name, err)
			continue
		}
		if got := hex.EncodeToString(msg); !matchParts(got, m.hex) {
			t.Errorf("%s: encoded\n%s\nwant\n%s", m.name, got, m.hex)
		}
		var back [][]byte
		text, rest, err := AppendMsgpackAsJSON(nil, msg, &back)
		if err != nil || len(rest) != 0 || string(text) != m.json {
			t.Errorf("%s: decoded %s, %d bytes left, %v", m.name, text, len(rest), err)
		}
		if len(back) != len(atts) {
			t.Errorf("%s: %d attachments back, want %d", m.name, len(back), len(atts))
			continue
		}
		for i := range back {
			if !bytes.Equal(back[i], atts[i]) {
				t.Errorf("%s: attachment %d is %x, want %x", m.name, i, back[i], atts[i])
			}
		}
	}
}

// TestParserPacketToRedis takes a binary event as the server's parser
// decodes it from a client, publishes its data as the classic adapter
// would, and reads it back into arguments: the bytes are the reference's
// io.emit("bin", Buffer.from([1,2,3])), and the Buffer is a []byte again.
func TestParserPacketToRedis(t *testing.T) {
	t.Parallel()
	dec := parser.Default.NewDecoder()
	if p, err := dec.Add([]byte(`51-["bin",{"_placeholder":true,"num":0}]`), false); p != nil || err != nil {
		t.Fatalf("text message: %v, %v", p, err)
	}
	p, err := dec.Add([]byte{1, 2, 3}, true)
	if err != nil || p == nil {
		t.Fatalf("attachment: %v, %v", p, err)
	}

	msg := AppendArrayHeader(nil, 3)
	msg = AppendString(msg, "H2V8hc")
	msg = AppendMapHeader(msg, 3)
	msg = AppendString(msg, "type")
	msg = AppendInt(msg, 2)
	msg = AppendString(msg, "data")
	if msg, err = AppendJSON(msg, p.Data, p.Attachments); err != nil {
		t.Fatal(err)
	}
	msg = AppendString(msg, "nsp")
	msg = AppendString(msg, p.Namespace)
	msg, err = AppendJSON(msg, []byte(`{"rooms":[],"except":[],"flags":{}}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	const want = "93a648325638686383a47479706502a46461746192a362696ec403010203a36e7370a12f83a5726f6f6d7390a665786365707490a5666c61677380"
	if got := hex.EncodeToString(msg); got != want {
		t.Fatalf("published\n%s\nwant\n%s", got, want)
	}

	// The receiving side walks the envelope and decodes packet.data.
	n, rest, err := ReadArrayHeader(msg)
	if err != nil || n != 3 {
		t.Fatalf("envelope: %d, %v", n, err)
	}
	uid, rest, err := ReadString(rest)
	if err != nil || string(uid) != "H2V8hc" {
		t.Fatalf("uid %q, %v", uid, err)
	}
	pairs, rest, err := ReadMapHeader(rest)
	if err != nil {
		t.Fatal(err)
	}
	var data []byte
	var atts [][]byte
	for range pairs {
		var key []byte
		if key, rest, err = ReadString(rest); err != nil {
			t.Fatal(err)
		}
		switch string(key) {
		case "type":
			var typ int64
			if typ, rest, err = ReadInt(rest); err != nil || typ != 2 {
				t.Fatalf("type %d, %v", typ, err)
			}
		case "data":
			if data, rest, err = AppendMsgpackAsJSON(nil, rest, &atts); err != nil {
				t.Fatal(err)
			}
		default:
			if rest, err = Skip(rest); err != nil {
				t.Fatal(err)
			}
		}
	}
	if rest, err = Skip(rest); err != nil || len(rest) != 0 {
		t.Fatalf("opts: %v, %d bytes left", err, len(rest))
	}
	args := parser.NewArgs(data, atts)
	var name string
	var bin []byte
	if err := args.Bind(&name, &bin); err != nil || name != "bin" || !bytes.Equal(bin, []byte{1, 2, 3}) {
		t.Fatalf("arguments %q, %x, %v from %s", name, bin, err, data)
	}
}
