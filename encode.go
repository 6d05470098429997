package socketio

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/ab218a8d/socketio/parser"
)

// Outgoing EVENT and ACK packets are built in two steps: their data (the
// JSON array of the arguments) into a scratch buffer taken from a pool,
// then their message, by the parser's Appender, into a buffer of its own
// (client.writeData). The scratch buffer goes back to the pool once the
// message is made, unless a catch-all handler of outgoing events was given
// the data; a parser without Appender gets the packet to Encode.

// scratchPool holds the buffers that packets' data are built in.
var scratchPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// getScratch returns an empty buffer from the pool.
func getScratch() *[]byte { return scratchPool.Get().(*[]byte) }

// putScratch returns buf, which b grew from, to the pool, unless it grew
// too large to keep.
func putScratch(buf *[]byte, b []byte) {
	if cap(b) > 64<<10 {
		return
	}
	*buf = b[:0]
	scratchPool.Put(buf)
}

// appendEventData appends the data of an EVENT: the JSON array of its
// name and arguments, each []byte taken out into *attachments.
func appendEventData(dst []byte, attachments *[][]byte, event string, args []any) ([]byte, error) {
	dst = append(dst, '[')
	dst = parser.AppendString(dst, event)
	dst, err := parser.AppendArgs(dst, attachments, args)
	if err != nil {
		return nil, fmt.Errorf("socketio: encoding the arguments of %q: %w", event, err)
	}
	return append(dst, ']'), nil
}

// eventPacket builds the EVENT packet for event and args.
func eventPacket(nsp, event string, args []any) (*parser.Packet, error) {
	p := &parser.Packet{Type: parser.Event, Namespace: nsp}
	data, err := appendEventData(make([]byte, 0, len(event)+3+argsSize(args)), &p.Attachments, event, args)
	if err != nil {
		return nil, err
	}
	p.Data = data
	return p, nil
}

// argsSize guesses how long args are in JSON, brackets and commas
// included, so that the buffer they are written to rarely has to grow.
func argsSize(args []any) int {
	n := 2
	for _, a := range args {
		switch x := a.(type) {
		case string:
			n += len(x) + 3
		case json.RawMessage:
			n += len(x) + 1
		case Args:
			for i := range x.Len() {
				n += len(x.Raw(i)) + 1
			}
		default:
			n += 24
		}
	}
	return n
}
