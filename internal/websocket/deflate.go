package websocket

import (
	"bytes"
	"compress/flate"
	"io"
	"sync"
)

// permessage-deflate without context takeover (RFC 7692): each message is
// compressed on its own, ending with an empty stored block whose four bytes
// 00 00 ff ff are left off the wire.

var deflateTail = []byte{0x00, 0x00, 0xff, 0xff}

// flateWriters holds compressors at BestSpeed: compression is for large
// messages on slow links, where its speed matters more than its ratio.
var flateWriters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed)
	return w
}}

// appendDeflated appends a compressed frame holding prefix (if not zero)
// and data.
func appendDeflated(dst []byte, op, prefix byte, data []byte) []byte {
	var buf bytes.Buffer
	w := flateWriters.Get().(*flate.Writer)
	w.Reset(&buf)
	if prefix != 0 {
		w.Write([]byte{prefix})
	}
	w.Write(data)
	w.Flush() // writes to a bytes.Buffer do not fail
	flateWriters.Put(w)
	out := bytes.TrimSuffix(buf.Bytes(), deflateTail)
	dst = appendHeader(dst, op, true, len(out))
	return append(dst, out...)
}

var flateReaders sync.Pool

// inflate decompresses a message, failing with ErrReadLimit past limit
// bytes (when limit is above zero).
func inflate(data []byte, limit int64) ([]byte, error) {
	// The tail ends the stream at the flush point; the final empty block
	// after it makes the reader stop without waiting for more.
	src := io.MultiReader(bytes.NewReader(data), bytes.NewReader(deflateTail), bytes.NewReader([]byte{0x01, 0x00, 0x00, 0xff, 0xff}))
	r, _ := flateReaders.Get().(io.ReadCloser)
	if r == nil {
		r = flate.NewReader(src)
	} else {
		r.(flate.Resetter).Reset(src, nil)
	}
	defer flateReaders.Put(r)
	var lr io.Reader = r
	if limit > 0 {
		lr = io.LimitReader(r, limit+1)
	}
	out, err := io.ReadAll(lr)
	if err != nil {
		return nil, &ProtocolError{Code: CloseInvalidPayload, Msg: "failed to decompress a message: " + err.Error()}
	}
	if limit > 0 && int64(len(out)) > limit {
		return nil, ErrReadLimit
	}
	return out, nil
}
