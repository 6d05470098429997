// Command sio is a Socket.IO client for the command line, to debug any
// Socket.IO server (protocol v5: socket.io 3 and 4, or this module's
// server). It connects to a namespace, emits events given as flags or read
// from standard input, and prints what happens as JSON lines. It is built
// on package client.
//
//	sio [flags] URL
//
// URL's path is the namespace: http://localhost:3000/admin connects to
// /admin, http://localhost:3000 to /. Its scheme is http, https, ws or
// wss, and its query is sent with every request. The flags:
//
//	-auth JSON           the CONNECT auth payload, a JSON object
//	-transports LIST     polling,websocket (the default: long-polling, then
//	                     the upgrade to WebSocket), websocket, or polling
//	-H 'Name: value'     an extra HTTP header (repeatable)
//	-query k=v           a query parameter (repeatable)
//	-path /socket.io/    the server's Socket.IO path
//	-emit 'event [JSON args...]'
//	                     emit an event once connected (repeatable, in order)
//	-ack                 ask for an acknowledgement of each emit, wait for
//	                     it and print it
//	-timeout 10s         the wait to connect, and for each acknowledgement
//	                     (0: no limit)
//	-stdin               emit the events of standard input, one JSON array
//	                     a line: ["event", arg1, ...], after those of -emit
//	-exit                exit after the emits and their acknowledgements,
//	                     instead of staying connected
//	-insecure            do not verify the server's TLS certificate
//	-no-reconnect        exit when the connection fails or breaks, instead
//	                     of reconnecting
//
// In -emit, the event's name is bare up to the first space, or a JSON
// string; the arguments are JSON values separated by spaces, so strings
// are quoted: -emit 'chat "hello" {"x":1}'. With -ack, each emit (of -emit
// or of standard input) waits for its acknowledgement before the next.
//
// # Output
//
// Standard output has one JSON object a line, each written at once:
//
//	{"type":"connect","id":"<socket id>"}
//	{"type":"event","event":"name","args":[...]}
//	{"type":"event","event":"name","args":[...],"ack":true}
//	{"type":"ack","event":"name","args":[...]}
//	{"type":"disconnect","reason":"transport close","error":"..."}
//	{"type":"connect_error","message":"not authorized","data":{...}}
//	{"type":"reconnect_attempt","attempt":1}
//
// An event line comes for every event the server sends; "ack":true tells
// that the server asked for an acknowledgement, which sio sends at once,
// with no arguments. An ack line is the server's acknowledgement of an
// emit (with -ack). Arguments are written as they came, but for binary
// data, written {"$binary":"<base64>"}; arguments to emit may hold binary
// data written so (an argument that does has its objects' keys sorted).
// The disconnect reasons are the JavaScript client's ("io server
// disconnect", "io client disconnect", "transport close", "transport
// error", "ping timeout", "parse error"); "error" is there when there is
// more to say. A connect_error line comes for each failed attempt to
// connect: the server's refusal, with its message and data, or the
// failure of the connection, with its error as the message. sio
// reconnects as the JavaScript client does, announcing each attempt with a
// reconnect_attempt line, unless -no-reconnect.
//
// Errors go to standard error. The exit status is 0 on success, when the
// server disconnects the socket, and on SIGINT or SIGTERM, which close
// the socket cleanly whatever happened before; 1 when the server refuses
// the connection, when the connection fails (not connected within
// -timeout, or lost under -no-reconnect), or when an emit failed (a bad
// line of standard input, no acknowledgement within -timeout or before the
// server disconnected the socket); 2 on bad usage.
//
// # Examples
//
// Watch the events of the main namespace:
//
//	sio http://localhost:3000
//
// Emit "chat" asking for an acknowledgement, print it, and exit:
//
//	sio -emit 'chat "hi"' -ack -exit http://localhost:3000
//
// Emit the events read from standard input:
//
//	echo '["chat","hi"]' | sio -stdin -exit http://localhost:3000/admin
//
// An auth payload, WebSocket only, over TLS:
//
//	sio -auth '{"token":"x"}' -transports websocket wss://example.com/
package main
