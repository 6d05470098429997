package parser

import (
	"strings"
	"testing"
)

var benchPayload = strings.Repeat("x", 32)

func BenchmarkEncodeEvent(b *testing.B) {
	b.ReportAllocs()
	buf := make([]byte, 0, 128)
	var att [][]byte
	for b.Loop() {
		data, err := AppendArray(buf[:0], &att, "echo", benchPayload)
		if err != nil {
			b.Fatal(err)
		}
		p := Packet{Type: Event, Namespace: "/", Data: data}
		if _, err := Default.Encode(&p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeEvent(b *testing.B) {
	b.ReportAllocs()
	msg := []byte(`2["echo","` + benchPayload + `"]`)
	d := Default.NewDecoder()
	for b.Loop() {
		p, err := d.Add(msg, false)
		if err != nil {
			b.Fatal(err)
		}
		args := NewArgs(p.Data, p.Attachments)
		var s string
		if err := args.Decode(1, &s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeBinaryEvent(b *testing.B) {
	b.ReportAllocs()
	msg := []byte(`51-["file",{"name":"a","data":{"_placeholder":true,"num":0}}]`)
	att := make([]byte, 1024)
	d := Default.NewDecoder()
	for b.Loop() {
		if _, err := d.Add(msg, false); err != nil {
			b.Fatal(err)
		}
		p, err := d.Add(att, true)
		if err != nil || p == nil {
			b.Fatal(err)
		}
		var v struct {
			Name string
			Data []byte
		}
		if err := NewArgs(p.Data, p.Attachments).Decode(1, &v); err != nil {
			b.Fatal(err)
		}
	}
}
