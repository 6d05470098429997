package msgpack

import (
	"strings"
	"testing"

	"github.com/ab218a8d/socketio/parser"
)

// The benchmarks of package parser, with this parser, and with the
// default one for comparison.

var benchPayload = strings.Repeat("x", 32)

var benchParsers = []struct {
	name string
	p    parser.Parser
}{
	{"msgpack", &Parser{}},
	{"json", parser.Default},
}

func BenchmarkEncodeEvent(b *testing.B) {
	for _, bp := range benchParsers {
		b.Run(bp.name, func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 128)
			var att [][]byte
			for b.Loop() {
				data, err := parser.AppendArray(buf[:0], &att, "echo", benchPayload)
				if err != nil {
					b.Fatal(err)
				}
				p := parser.Packet{Type: parser.Event, Namespace: "/", Data: data}
				if _, err := bp.p.Encode(&p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAppendEncodeEvent: the encoding alone, into a reused buffer.
func BenchmarkAppendEncodeEvent(b *testing.B) {
	b.ReportAllocs()
	var p Parser
	data := []byte(`["echo","` + benchPayload + `",{"n":1,"ok":true,"list":[1.5,-2,"a"]}]`)
	buf := make([]byte, 0, 128)
	for b.Loop() {
		if _, _, err := p.AppendEncode(buf[:0], parser.Packet{Type: parser.Event, Namespace: "/", Data: data}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeEvent(b *testing.B) {
	for _, bp := range benchParsers {
		b.Run(bp.name, func(b *testing.B) {
			b.ReportAllocs()
			frames, err := bp.p.Encode(&parser.Packet{Type: parser.Event, Namespace: "/", Data: []byte(`["echo","` + benchPayload + `"]`)})
			if err != nil {
				b.Fatal(err)
			}
			msg := frames[0]
			d := bp.p.NewDecoder()
			for b.Loop() {
				p, err := d.Add(msg.Data, msg.Binary)
				if err != nil {
					b.Fatal(err)
				}
				var s string
				if err := parser.NewArgs(p.Data, p.Attachments).Decode(1, &s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecodeBinaryEvent(b *testing.B) {
	for _, bp := range benchParsers {
		b.Run(bp.name, func(b *testing.B) {
			b.ReportAllocs()
			frames, err := bp.p.Encode(&parser.Packet{Type: parser.Event, Namespace: "/",
				Data:        []byte(`["file",{"name":"a","data":{"_placeholder":true,"num":0}}]`),
				Attachments: [][]byte{make([]byte, 1024)}})
			if err != nil {
				b.Fatal(err)
			}
			d := bp.p.NewDecoder()
			for b.Loop() {
				var p *parser.Packet
				for _, f := range frames {
					if p, err = d.Add(f.Data, f.Binary); err != nil {
						b.Fatal(err)
					}
				}
				var v struct {
					Name string
					Data []byte
				}
				if err := parser.NewArgs(p.Data, p.Attachments).Decode(1, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
