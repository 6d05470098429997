package engineio

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"io"
	"strconv"
	"strings"
	"sync"
)

// acceptedEncoding picks gzip or deflate from an Accept-Encoding header as
// the reference (the npm "accepts" package) does: the highest quality wins,
// ties go to the one the client listed first, "*" stands for both, and q=0
// refuses. It returns "" when neither is acceptable.
func acceptedEncoding(header string) string {
	if header == "" {
		return ""
	}
	type pref struct {
		q   float64
		pos int
		set bool
	}
	var gz, df, wild pref
	pos := 0
	for part := range strings.SplitSeq(header, ",") {
		pos++
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		p := pref{q: 1, pos: pos, set: true}
		for param := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(param), "=")
			if ok && strings.TrimSpace(k) == "q" {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					p.q = f
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "gzip":
			gz = p
		case "deflate":
			df = p
		case "*":
			wild = p
		}
	}
	if !gz.set {
		gz = wild
	}
	if !df.set {
		df = wild
	}
	switch {
	case gz.q <= 0 && df.q <= 0:
		return ""
	case gz.q > df.q, gz.q == df.q && gz.pos <= df.pos:
		return "gzip"
	default:
		return "deflate"
	}
}

var (
	gzipPool = sync.Pool{New: func() any { return gzip.NewWriter(io.Discard) }}
	zlibPool = sync.Pool{New: func() any { return zlib.NewWriter(io.Discard) }}
)

// compressBytes compresses data with "gzip" or "deflate" (zlib format, as
// HTTP and Node's createDeflate mean it).
func compressBytes(enc string, data []byte) ([]byte, error) {
	pool := &gzipPool
	if enc != "gzip" {
		pool = &zlibPool
	}
	zw := pool.Get().(resetWriter)
	defer pool.Put(zw)
	var out bytes.Buffer
	out.Grow(len(data)/2 + 64)
	zw.Reset(&out)
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// resetWriter is a pooled compressor: *gzip.Writer or *zlib.Writer.
type resetWriter interface {
	io.WriteCloser
	Reset(w io.Writer)
}
