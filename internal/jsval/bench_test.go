package jsval

import (
	"strings"
	"testing"
)

var benchText = []struct{ name, s string }{
	{"short", "chat message"},
	{"ascii", strings.Repeat("hello wo", 8)},
	{"escapes", "line one\nline \"two\"\tend\\"},
	{"utf8", "Grüße aus Köln — 你好世界 😀 ok"},
	{"invalid", "bad \xff\xe2\x82 bytes \xf0\x9f\x98 here"},
}

func BenchmarkAppendStringJSON(b *testing.B) {
	for _, bt := range benchText {
		b.Run(bt.name, func(b *testing.B) {
			in := []byte(bt.s)
			dst := make([]byte, 0, 256)
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				dst = AppendStringJSON(dst[:0], in)
			}
		})
	}
}

func BenchmarkAppendValid(b *testing.B) {
	in := []byte(benchText[len(benchText)-1].s)
	dst := make([]byte, 0, 256)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		dst = AppendValid(dst[:0], in)
	}
}

func BenchmarkAppendNumberJSON(b *testing.B) {
	for _, bt := range []struct {
		name string
		f    float64
	}{{"int", 42}, {"frac", 1.5}, {"pi", 3.141592653589793}, {"tiny", 2.5e-8}, {"huge", 1.5e22}} {
		b.Run(bt.name, func(b *testing.B) {
			dst := make([]byte, 0, 64)
			for b.Loop() {
				dst = AppendNumberJSON(dst[:0], bt.f)
			}
		})
	}
}

func BenchmarkAppendDateJSON(b *testing.B) {
	dst := make([]byte, 0, 64)
	for b.Loop() {
		dst = AppendDateJSON(dst[:0], 1700000000123)
	}
}
