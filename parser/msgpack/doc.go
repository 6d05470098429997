// Package msgpack is a Socket.IO parser wire-compatible with the npm
// package socket.io-msgpack-parser 3.0.2, which encodes with notepack.io
// 2.2.0. Server and client take it through their Options:
//
//	srv := socketio.NewServer(&socketio.Options{Parser: &msgpack.Parser{}})
//	mgr, err := client.NewManager(url, &client.Options{Parser: &msgpack.Parser{}})
//
// and a JavaScript peer with parser: require("socket.io-msgpack-parser").
// The two ends of a connection must use the same parser.
//
// # Wire format
//
// Every packet is one binary Engine.IO message: a msgpack map of the
// packet object, {type, nsp, data, id}. There are no BINARY_EVENT or
// BINARY_ACK packets and no attachment messages: binary values travel
// inside the map as msgpack bin. A text message is an error.
//
// The layers above see the packet model of package parser: Data as JSON
// text, binary values as attachments with placeholders. Encode writes
// Data as msgpack in one pass over the text, with no tree of Go values in
// between, each placeholder replaced by its attachment; a Decoder writes
// the data as the JSON text JSON.stringify would write for what
// notepack.io decodes, each bin taken out as an attachment.
//
// # Encoding, byte for byte
//
// Encode writes what notepack.io writes for the packet object the
// socket.io 4.8 server builds, so its messages are byte-identical to the
// reference server's (the tests check it against vectors that the real
// packages produced, testdata/vectors.json). The server's keys come in
// the order its code sets them:
//
//	CONNECT        type, data, nsp
//	DISCONNECT     type, nsp
//	EVENT          type, data, id, nsp    (socket.emit; a broadcast with an ack: type, data, nsp, id)
//	ACK            id, type, data, nsp
//	CONNECT_ERROR  type, data, nsp
//
// The JavaScript client orders some differently (ACK: type, id, data,
// nsp) and adds options: {compress: true} to its events; decoders ignore
// both. Values: an integer in the smallest of fixint, uint 8-64 or int
// 8-64 that holds it, every other number as float64 (never float32), a
// string as fixstr, str 8, 16 or 32, an attachment as bin 8, 16 or 32
// (as notepack.io writes a Buffer), arrays and maps with fix, 16-bit or
// 32-bit headers. Where this package writes other bytes than the
// reference would for the same value, on purpose:
//
//   - An integer of more than 53 bits keeps all its digits, up to 64 bits,
//     where JavaScript would round it to a float64 first; a JavaScript
//     peer reads the same number either way, a Go peer reads the exact one.
//     Past 64 bits the number is a float64, where notepack.io writes it
//     modulo 2^64 (1e21 as 3875820019684212736).
//   - Keys stay in the order of the JSON text; a JavaScript object puts
//     integer-like keys ("1", "42") first.
//   - The server's CONNECT data {sid, pid: undefined} and CONNECT_ERROR
//     data {message, data: undefined} write the undefined field (fixext
//     1, type 0); JSON text has no undefined, so it is left out.
//
// # Decoding
//
// Values become JSON as JavaScript would write them: integers as their
// digits (exact to 64 bits), floats as Number.prototype.toString (NaN
// and the infinities as null), strings with each invalid UTF-8 sequence
// replaced by U+FFFD as Node.js's Buffer.toString does and escaped as
// JSON.stringify escapes, a Date extension (fixext 8, type 0) as its ISO
// 8601 string (null when out of a Date's range), undefined (fixext 1,
// type 0) left out of a map and null in an array, another extension type
// as the array [type, <bin>] notepack.io makes of it. Every bin, and
// every ext 8/16/32 of type 0 (an ArrayBuffer), at any depth, is taken
// out as an attachment: handlers get it as []byte, as with the default
// parser. Map keys become strings: a string or bin key as its text; a
// number, nil, a boolean or undefined as JavaScript's String() writes it;
// an array, map or other extension as a key is an error (JavaScript
// would name it "[object Object]" and the like). A "__proto__" key is
// left out: in JavaScript it sets the prototype, not a property.
// Duplicate keys are all written, in order; readers of JSON take the
// last value, as JavaScript does (except that a key whose last value is
// undefined stays with its earlier value here).
//
// The checks are those of the reference's Decoder, in its order: the
// message is one msgpack value with nothing after it; it is a map (other
// keys ignored, the last of a repeated key taken); type is an integer
// (an integral float counts) from 0 to 4; nsp is a string; data fits the
// type: absent (or undefined) or a map for CONNECT, absent for
// DISCONNECT, a string or a map for CONNECT_ERROR, an array for EVENT
// and ACK (an extension that notepack.io decodes into an array counts);
// id is absent, undefined or an integer. On top of them, so that the
// packets the layers above see pass the default parser's rules, this
// package refuses what the reference lets through:
//
//   - an EVENT whose data does not start with its name, a string that is
//     not one of parser.ReservedEvents or a number (the reference would
//     let a client trigger "disconnect" handlers);
//   - a negative id, or one past 2^64: Packet.ID cannot hold it (no
//     client or server makes one);
//   - a map whose _placeholder is true in a packet with attachments: in
//     the JSON text it could not be told from a placeholder;
//   - data nested deeper than MaxDepth.
//
// Every error wraps parser.ErrInvalidPacket; the connection must close,
// as the reference closes it.
//
// # Hostile input
//
// A length claimed in a header (str 32, bin 32, array 32, map 32, ext 32)
// is checked against the bytes left before anything is read or
// allocated; a truncated message is an error. Nesting is bounded by
// MaxDepth (DefaultMaxDepth, 1000; notepack.io has no bound but Node.js's
// stack, near 4000), and values of keys the packet does not use are
// skipped without recursion. Data is at most 20 bytes per byte of the
// message (the worst case, a message of empty bins, gives 17); the
// attachments alias the message, one slice header each.
//
// # Why not a msgpack library
//
// A library encodes Go values: the JSON text would be decoded into a
// tree first, and decoding would build a tree to marshal into JSON, whose
// semantics (undefined, Date, extension arrays, key order, placeholders)
// would still need this code. Measured for an EVENT ["echo", <32-byte
// string>] with github.com/vmihailenco/msgpack/v5 v5.4.1 and
// encoding/json: encoding 1700 ns and 14 allocations against 180 ns and
// 2 here, decoding 1160 ns and 15 allocations against 350 ns and 2.
//
// # Concurrency
//
// A Parser is safe for concurrent use; so is a Decoder, which keeps no
// state between messages.
package msgpack
