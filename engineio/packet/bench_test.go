package packet

import (
	"strings"
	"testing"
)

var benchText = Packet{Type: Message, Data: []byte(`2["echo","` + strings.Repeat("x", 32) + `"]`)}

func BenchmarkAppendText(b *testing.B) {
	b.ReportAllocs()
	buf := make([]byte, 0, 128)
	for b.Loop() {
		buf = AppendText(buf[:0], benchText)
	}
}

func BenchmarkDecodeText(b *testing.B) {
	b.ReportAllocs()
	enc := AppendText(nil, benchText)
	for b.Loop() {
		if _, err := DecodeText(enc); err != nil {
			b.Fatal(err)
		}
	}
}

func benchPayload() []Packet {
	pkts := make([]Packet, 0, 10)
	for range 8 {
		pkts = append(pkts, benchText)
	}
	return append(pkts, Packet{Type: Message, Data: []byte{1, 2, 3, 4, 5, 6, 7, 8}, Binary: true}, Packet{Type: Ping})
}

func BenchmarkAppendPayload(b *testing.B) {
	b.ReportAllocs()
	pkts := benchPayload()
	buf := make([]byte, 0, 1024)
	for b.Loop() {
		buf = AppendPayload(buf[:0], pkts)
	}
}

func BenchmarkDecodePayload(b *testing.B) {
	b.ReportAllocs()
	enc := AppendPayload(nil, benchPayload())
	n := 0
	for b.Loop() {
		if err := DecodePayload(enc, func(Packet) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
