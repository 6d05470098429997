// Package client is an Engine.IO v4 client: the transport layer under the
// Socket.IO client, wire-compatible with the official Node.js engine.io
// server and with this module's engineio package.
//
// Dial opens a connection on the first of Options.Transports: HTTP
// long-polling (a GET that waits for the server's packets, a POST for each
// batch of the client's) or WebSocket. A long-polling connection then
// upgrades to WebSocket as the reference client does: it probes a
// WebSocket ("2probe", "3probe"), pauses polling once the poll and the
// POST under way have ended, sends "5" and goes on over the WebSocket,
// losing and reordering nothing. The client answers the server's pings;
// when none came within pingInterval + pingTimeout, the connection closes
// with ReasonPingTimeout.
//
// Send queues a message and never blocks on the network. Long-polling
// batches what is queued into one POST, split so that each stays under the
// server's maxPayload. Options carry the rest of the reference's options:
// path, query, extra headers, TLS, the dialer, the proxy (from the
// environment by default), a custom http.Client, and a cookie jar for
// sticky sessions behind a load balancer.
//
// # Concurrency
//
// Conn's methods are safe for concurrent use. The callbacks (OnMessage,
// OnUpgrade, OnClose) run one at a time on the goroutine that reads the
// transport; OnClose is the last. Close returns at once; Done is closed
// once every goroutine of the connection has ended.
//
// # Dependencies
//
// The WebSocket transport is gorilla/websocket (the module's one
// dependency), with 1 KiB read and write buffers, the write buffer pooled
// between writes: many idle client connections cost little (see the
// Socket.IO client package for the figures).
package client
