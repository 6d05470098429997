package jsval_test

import (
	"fmt"
	"math"

	"github.com/ab218a8d/socketio/internal/jsval"
)

func Example() {
	var b []byte
	b = jsval.AppendStringJSON(b, []byte("caf\xc3\xa9 \xe2\x82 \"ok\"\n"))
	b = append(b, ' ')
	b = jsval.AppendNumberJSON(b, 1e21)
	b = append(b, ' ')
	b = jsval.AppendNumberJSON(b, math.NaN())
	b = append(b, ' ')
	b = jsval.AppendDateJSON(b, jsval.TimeClip(1700000000123))
	fmt.Println(string(b))
	// Output: "café � \"ok\"\n" 1e+21 null "2023-11-14T22:13:20.123Z"
}

func ExampleDecodeRune() {
	b := []byte("\xe2\x82A") // a truncated €, then A
	for len(b) > 0 {
		r, size := jsval.DecodeRune(b)
		fmt.Printf("%U %d\n", r, size)
		b = b[size:]
	}
	// Output:
	// U+FFFD 2
	// U+0041 1
}
