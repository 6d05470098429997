// Package parser is the Socket.IO v5 packet model and its default parser,
// wire-compatible with the reference socket.io-parser 4.x.
//
// A Packet travels as one Engine.IO text message,
//
//	<type>[<attachments>-][<namespace>,][<ack id>][<JSON data>]
//
// followed, for BINARY_EVENT and BINARY_ACK, by one binary message per
// attachment. Each []byte in the data is taken out as an attachment and
// replaced by {"_placeholder":true,"num":N}.
//
// The Parser interface is what a Socket.IO server or client needs from a
// parser: encode a packet into messages, and decode a connection's
// messages with a Decoder that holds the one piece of state (a packet
// waiting for its attachments). Default is the JSON parser; others (such
// as a msgpack one) can plug in.
//
// The decoder applies every validation rule of the reference: a packet
// type from 0 to 6, at most MaxAttachments attachments (10 by default), a
// JSON payload of the right shape for the type (an object for CONNECT, a
// non-empty array starting with a non-reserved name for EVENT, and so on),
// attachments only when announced, and placeholders that point at them.
// Any error means the connection must be closed.
//
// Arguments are decoded lazily: Args keeps each argument's JSON text, and
// Decode or Bind turns it into the Go value a handler asks for, putting
// attachments back as []byte. AppendArray and AppendValue encode Go values,
// taking []byte out as attachments.
//
// Everything here is safe for concurrent use except a Decoder, which
// belongs to one connection.
package parser
