package packet_test

import (
	"fmt"

	"github.com/ab218a8d/socketio/engineio/packet"
)

func ExampleAppendPayload() {
	payload := packet.AppendPayload(nil, []packet.Packet{
		{Type: packet.Message, Data: []byte("hello")},
		{Type: packet.Message, Data: []byte{1, 2, 3, 4}, Binary: true},
		{Type: packet.Ping},
	})
	fmt.Printf("%q\n", payload)
	// Output: "4hello\x1ebAQIDBA==\x1e2"
}

func ExampleDecodePayload() {
	err := packet.DecodePayload([]byte("4hello\x1ebAQIDBA==\x1e3"), func(p packet.Packet) error {
		fmt.Println(p.Type, p.Binary, p.Data)
		return nil
	})
	fmt.Println(err)
	// Output:
	// message false [104 101 108 108 111]
	// message true [1 2 3 4]
	// pong false []
	// <nil>
}
