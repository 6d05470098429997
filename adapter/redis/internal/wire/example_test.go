package wire_test

import (
	"fmt"

	"github.com/ab218a8d/socketio/adapter/redis/internal/wire"
)

// A packet's data, as the server holds it, to msgpack and back.
func Example() {
	data := []byte(`["bin",{"_placeholder":true,"num":0},1.5]`)
	msg, err := wire.AppendJSON(nil, data, [][]byte{{1, 2, 3}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%x\n", msg)

	var atts [][]byte
	text, rest, err := wire.AppendMsgpackAsJSON(nil, msg, &atts)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s %x, %d bytes left\n", text, atts, len(rest))
	// Output:
	// 93a362696ec403010203cb3ff8000000000000
	// ["bin",{"_placeholder":true,"num":0},1.5] [010203], 0 bytes left
}
