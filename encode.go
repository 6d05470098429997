package socketio

import (
	"encoding/json"
	"fmt"

	"github.com/ab218a8d/socketio/parser"
)

// Outgoing EVENT and ACK packets are encoded straight into the text
// message of the default parser: the packet's header, then its data, the
// JSON array of the arguments. That message is queued as it is, where
// building Data first and having Encode frame it would allocate and copy
// it twice more. Another parser gets the packet, Data set, to Encode.

// startText begins the text message of p, whose Data and Attachments are
// unset: the header the default parser writes for p without attachments,
// in a buffer with room for size more bytes.
func startText(p *parser.Packet, size int) []byte {
	var buf [64]byte
	header := parser.AppendText(buf[:0], p)
	return append(make([]byte, 0, len(header)+size), header...)
}

// finishText completes the message that startText began, whose data was
// appended from offset start on: it sets p.Data to that data, and returns
// the message, rewritten when the data took out attachments, which change
// the header.
func finishText(p *parser.Packet, text []byte, start int) []byte {
	p.Data = text[start:]
	if len(p.Attachments) == 0 {
		return text
	}
	return parser.AppendText(make([]byte, 0, start+8+len(p.Data)), p)
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
