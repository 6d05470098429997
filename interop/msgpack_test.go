package interop

import "testing"

// The Socket.IO tests again with socket.io-msgpack-parser in Node.js and
// parser/msgpack in Go, on both sides of each connection: a side left
// on the default parser would fail the test, since either parser refuses
// the other's messages.

// TestMsgpackNamespaces: a custom namespace next to "/" on one
// connection.
func TestMsgpackNamespaces(t *testing.T) { testSocketIONamespaces(t, sioMsgpack) }

// TestMsgpackAuth: auth reaches the middlewares; a refusal reaches the
// client as connect_error with its message and data.
func TestMsgpackAuth(t *testing.T) { testSocketIOAuth(t, sioMsgpack) }

// TestMsgpackEmitsAndAcks: events and acknowledgements both ways.
func TestMsgpackEmitsAndAcks(t *testing.T) { testSocketIOEmitsAndAcks(t, sioMsgpack) }

// TestMsgpackBinary: binary at any depth both ways, Buffers, Uint8Arrays
// and ArrayBuffers (msgpack extension type 0) from the client.
func TestMsgpackBinary(t *testing.T) { testSocketIOBinary(t, sioMsgpack) }

// TestMsgpackRooms: broadcasts to several clients.
func TestMsgpackRooms(t *testing.T) { testSocketIORooms(t, sioMsgpack) }

// TestMsgpackGoClientNamespacesAndAuth: the Go client connects to two
// namespaces of the Node.js server, with auth; the middleware's refusal
// comes back as a ConnectError with its data.
func TestMsgpackGoClientNamespacesAndAuth(t *testing.T) {
	testGoClientNamespacesAndAuth(t, gcMsgpack)
}

// TestMsgpackGoClientEmitsAndAcks: the Go client's emits with and without
// acknowledgements, binary at any depth both ways, the server's events,
// acknowledged or broadcast.
func TestMsgpackGoClientEmitsAndAcks(t *testing.T) { testGoClientEmitsAndAcks(t, gcMsgpack) }
