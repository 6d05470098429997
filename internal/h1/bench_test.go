package h1

import (
	"testing"
)

// BenchmarkParse parses a long-polling POST as the JavaScript client sends
// it.
func BenchmarkParse(b *testing.B) {
	s := &Server{Match: func(string, string) bool { return true }, MaxBody: 1 << 20}
	c := &conn{s: s}
	req := []byte("POST /socket.io/?EIO=4&transport=polling&t=PqWzK3b&sid=3fXu0Zk5AAAB HTTP/1.1\r\n" +
		"Host: localhost:3000\r\nUser-Agent: node-XMLHttpRequest\r\nAccept: */*\r\n" +
		"Content-type: text/plain;charset=UTF-8\r\nContent-Length: 37\r\nConnection: keep-alive\r\n\r\n" +
		`42["echo","xxxxxxxxxxxxxxxxxxxxxxxx"]`)
	b.ReportAllocs()
	for b.Loop() {
		c.in = req
		if _, _, _, res := c.parse(); res != ready {
			b.Fatal(res)
		}
	}
}
