package main

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		in   string
		want kind
	}{
		{`0{"sid":"a"}`, kindOpen},
		{"1", kindClose},
		{"2", kindPing},
		{"3", kindIgnored},
		{"3probe", kindIgnored},
		{"5", kindIgnored},
		{"6", kindIgnored},
		{"4", kindIgnored},
		{"4hello", kindIgnored},
		{`40{"sid":"x"}`, kindConnect},
		{"41", kindDisconnect},
		{`42["echo","x"]`, kindEvent},
		{`431["x"]`, kindAck},
		{`44{"message":"no"}`, kindConnectError},
		{`451-["a",{"_placeholder":true,"num":0}]`, kindIgnored},
		{"bAQID", kindIgnored},
		{"", kindInvalid},
		{"x", kindInvalid},
		{"9", kindInvalid},
	}
	for _, tt := range tests {
		if got := classify([]byte(tt.in)); got != tt.want {
			t.Errorf("classify(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestParseOpen(t *testing.T) {
	o, err := parseOpen([]byte(`0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`))
	if err != nil {
		t.Fatal(err)
	}
	want := openInfo{SID: "lv_VI97HAXpY6yYWAAAC", Upgrades: []string{"websocket"}, PingInterval: 25000, PingTimeout: 20000, MaxPayload: 1000000}
	if o.SID != want.SID || !slices.Equal(o.Upgrades, want.Upgrades) || o.PingInterval != want.PingInterval ||
		o.PingTimeout != want.PingTimeout || o.MaxPayload != want.MaxPayload {
		t.Errorf("parseOpen = %+v, want %+v", o, want)
	}
	for _, bad := range []string{"", "2", `0`, `0{}`, `0{"sid":""}`, `0{"sid":1}`, `0{"sid":"a"`, `40{"sid":"a"}`} {
		if _, err := parseOpen([]byte(bad)); err == nil {
			t.Errorf("parseOpen(%q) succeeded", bad)
		}
	}
}

func TestParseConnectReply(t *testing.T) {
	for _, ok := range []string{`40{"sid":"y8zCpZ1jGmKWXHu9AAAC"}`, `40{"sid":"a","pid":"b"}`} {
		if err := parseConnectReply([]byte(ok)); err != nil {
			t.Errorf("parseConnectReply(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"40", `40/admin,{"sid":"a"}`, `40{}`, `40{"sid":`, "2", `42["x"]`, ""} {
		if err := parseConnectReply([]byte(bad)); err == nil {
			t.Errorf("parseConnectReply(%q) succeeded", bad)
		}
	}
	err := parseConnectReply([]byte(`44{"message":"Not authorized"}`))
	if !errors.Is(err, errConnectRefused) || !strings.Contains(err.Error(), "Not authorized") {
		t.Errorf("parseConnectReply(CONNECT_ERROR) = %v", err)
	}
}

func TestEncode(t *testing.T) {
	p := jsonPayload(3)
	if string(p) != `"xxx"` {
		t.Errorf("jsonPayload(3) = %s", p)
	}
	if p := jsonPayload(0); string(p) != `""` {
		t.Errorf("jsonPayload(0) = %s", p)
	}
	if got := string(appendEcho(nil, p)); got != `42["echo","xxx"]` {
		t.Errorf("appendEcho = %s", got)
	}
	if got := string(appendEchoAck([]byte("keep"), 12, p)); got != `keep4212["echo-ack","xxx"]` {
		t.Errorf("appendEchoAck = %s", got)
	}
	if got := string(appendBroadcast(nil, 7, p)); got != `42["broadcast",7,"xxx"]` {
		t.Errorf("appendBroadcast = %s", got)
	}
	if got := string(appendPacket(appendPacket(nil, []byte("3")), []byte(`42["a"]`))); got != "3\x1e42[\"a\"]" {
		t.Errorf("appendPacket = %q", got)
	}
}

func TestDecodeReplies(t *testing.T) {
	for in, want := range map[string]bool{
		`42["echo","x"]`:     true,
		`42["echo"]`:         true,
		`42["echo-ack","x"]`: false,
		`42["echoes","x"]`:   false,
		`42["echo"`:          false,
		`431["echo","x"]`:    false,
		`42/admin,["echo"]`:  false,
	} {
		if got := isEchoReply([]byte(in)); got != want {
			t.Errorf("isEchoReply(%q) = %v", in, got)
		}
	}
	type idCase struct {
		id uint64
		ok bool
	}
	for in, want := range map[string]idCase{
		`430["x"]`:                   {0, true},
		`4312345["xxx"]`:             {12345, true},
		`4318446744073709551615[]`:   {}, // 20 digits: not an id this generator sent
		`43["x"]`:                    {},
		`43`:                         {},
		`4312`:                       {},
		`42["echo"]`:                 {},
		`431234567890123456789["x"]`: {1234567890123456789, true},
		`43/admin,1["x"]`:            {},
	} {
		id, ok := ackID([]byte(in))
		if (idCase{id, ok}) != want {
			t.Errorf("ackID(%q) = %d, %v, want %+v", in, id, ok, want)
		}
	}
	for in, want := range map[string]idCase{
		`42["broadcast",0,"x"]`:   {0, true},
		`42["broadcast",987,"x"]`: {987, true},
		`42["broadcast",987]`:     {987, true},
		`42["broadcast","x",1]`:   {},
		`42["broadcast",12`:       {},
		`42["echo",1]`:            {},
		`42["broadcasts",1,"x"]`:  {},
	} {
		seq, ok := broadcastSeq([]byte(in))
		if (idCase{seq, ok}) != want {
			t.Errorf("broadcastSeq(%q) = %d, %v, want %+v", in, seq, ok, want)
		}
	}
}

func TestSplitPayload(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"2", []string{"2"}},
		{"4hello\x1e2\x1e4world", []string{"4hello", "2", "4world"}},
		{"2\x1e42[\"echo\",\"x\"]", []string{"2", `42["echo","x"]`}},
		{"40{\"sid\":\"a\"}\x1e42[\"foo\",1]", []string{`40{"sid":"a"}`, `42["foo",1]`}},
		{"bAQIDBA==\x1e6", []string{"bAQIDBA==", "6"}},
		{"2\x1e", []string{"2"}},
	}
	for _, tt := range tests {
		var got []string
		splitPayload([]byte(tt.in), func(p []byte) bool {
			got = append(got, string(p))
			return true
		})
		if !slices.Equal(got, tt.want) {
			t.Errorf("splitPayload(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	var got []string
	splitPayload([]byte("1\x1e2\x1e3"), func(p []byte) bool {
		got = append(got, string(p))
		return string(p) != "2"
	})
	if !slices.Equal(got, []string{"1", "2"}) {
		t.Errorf("splitPayload stopping at 2 = %q", got)
	}
}

func TestRing(t *testing.T) {
	r := newRing(2)
	if _, ok := r.pop(); ok {
		t.Fatal("pop from an empty ring succeeded")
	}
	r.push(1)
	r.push(2)
	if v, _ := r.pop(); v != 1 {
		t.Fatalf("pop = %d, want 1", v)
	}
	r.push(3)
	r.push(4) // full: drops 2
	var got []int64
	for {
		v, ok := r.pop()
		if !ok {
			break
		}
		got = append(got, v)
	}
	if !slices.Equal(got, []int64{3, 4}) {
		t.Fatalf("ring = %v, want [3 4]", got)
	}
}

func TestPercentile(t *testing.T) {
	if got := percentile(nil, 0.5); got != 0 {
		t.Errorf("percentile(nil) = %d", got)
	}
	s := make([]int64, 1000)
	for i := range s {
		s[i] = int64(i + 1)
	}
	for q, want := range map[float64]int64{0.5: 500, 0.99: 990, 0.999: 999, 1: 1000, 0: 1} {
		if got := percentile(s, q); got != want {
			t.Errorf("percentile(1..1000, %v) = %d, want %d", q, got, want)
		}
	}
	if got := percentile([]int64{7}, 0.999); got != 7 {
		t.Errorf("percentile([7], 0.999) = %d", got)
	}
}

func TestPubTable(t *testing.T) {
	tb := newPubTable()
	tb.arm(5, 3)
	for i := range 2 {
		if tb.deliver(5) {
			t.Fatalf("publish complete after delivery %d of 3", i+1)
		}
	}
	if tb.deliver(5 + pubSlots) {
		t.Fatal("a delivery for another sequence number in the same slot counted")
	}
	if !tb.deliver(5) {
		t.Fatal("publish not complete after its third delivery")
	}
	if tb.deliver(5) {
		t.Fatal("a fourth delivery completed the publish again")
	}
	tb.arm(6, 1)
	tb.expire(6)
	if tb.deliver(6) {
		t.Fatal("an expired publish completed")
	}
	tb.arm(6+pubSlots, 1)
	tb.expire(6) // stale: must not touch the slot's new publish
	if !tb.deliver(6 + pubSlots) {
		t.Fatal("expiring an old publish disarmed the new one in its slot")
	}
}

func TestValidate(t *testing.T) {
	good := Config{URL: "http://127.0.0.1:1", Workload: "echo", Clients: 1, Duration: 1, Inflight: 1, Concurrency: 1}
	if err := good.validate(); err != nil {
		t.Fatalf("validate(%+v) = %v", good, err)
	}
	if good.Path != "/socket.io/" || good.Timeout <= 0 {
		t.Errorf("defaults not filled in: %+v", good)
	}
	cluster := good
	cluster.Workload, cluster.URL = "broadcast", "http://127.0.0.1:1,http://127.0.0.1:2/"
	if err := cluster.validate(); err != nil {
		t.Errorf("validate(%+v) = %v", cluster, err)
	}
	for name, change := range map[string]func(*Config){
		"workload":    func(c *Config) { c.Workload = "nope" },
		"scheme":      func(c *Config) { c.URL = "ws://127.0.0.1:1" },
		"tls":         func(c *Config) { c.URL = "https://127.0.0.1:1" },
		"host":        func(c *Config) { c.URL = "http://" },
		"clients":     func(c *Config) { c.Clients = 0 },
		"inflight":    func(c *Config) { c.Inflight = maxInflight + 1 },
		"concurrency": func(c *Config) { c.Concurrency = 0 },
		"payload":     func(c *Config) { c.Payload = -1 },
		"duration":    func(c *Config) { c.Duration = 0 },
		"rate":        func(c *Config) { c.Rate = -1 },
		"rate on ack": func(c *Config) { c.Workload, c.Rate = "ack", 100 },
		"pace tick":   func(c *Config) { c.PaceTick = -1 },
		"two urls":    func(c *Config) { c.URL = "http://127.0.0.1:1,http://127.0.0.1:2" },
		"second url":  func(c *Config) { c.Workload, c.URL = "broadcast", "http://127.0.0.1:1,ws://127.0.0.1:2" },
	} {
		c := good
		change(&c)
		if err := c.validate(); err == nil {
			t.Errorf("%s: validate(%+v) succeeded", name, c)
		}
	}
}

func TestEndpoints(t *testing.T) {
	for in, want := range map[string]endpoints{
		"http://127.0.0.1:3000": {addr: "127.0.0.1:3000", host: "127.0.0.1:3000",
			wsURI: "/socket.io/?EIO=4&transport=websocket", pollURI: "/socket.io/?EIO=4&transport=polling"},
		"http://example.com/": {addr: "example.com:80", host: "example.com",
			wsURI: "/socket.io/?EIO=4&transport=websocket", pollURI: "/socket.io/?EIO=4&transport=polling"},
		"http://h:1/custom/?x=1": {addr: "h:1", host: "h:1",
			wsURI: "/custom/?EIO=4&transport=websocket", pollURI: "/custom/?EIO=4&transport=polling"},
		"http://[::1]/a%20b/": {addr: "[::1]:80", host: "[::1]",
			wsURI: "/a%20b/?EIO=4&transport=websocket", pollURI: "/a%20b/?EIO=4&transport=polling"},
	} {
		e, err := parseEndpoints(in, "/socket.io/")
		if err != nil {
			t.Fatal(err)
		}
		if e.addr != want.addr || e.host != want.host || e.wsURI != want.wsURI || e.pollURI != want.pollURI {
			t.Errorf("newEndpoints(%q) = %q, %q, %q, %q, want %q, %q, %q, %q", in,
				e.addr, e.host, e.wsURI, e.pollURI, want.addr, want.host, want.wsURI, want.pollURI)
		}
	}
}
