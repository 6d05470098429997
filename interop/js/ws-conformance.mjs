// ws-conformance.mjs speaks to the Engine.IO server's WebSocket transport
// with the ws package directly, a strict client: it fails a connection
// (an "error" event) on any protocol violation by the server, such as a
// masked server frame, reserved bits without an extension, invalid UTF-8
// in a text message or a close code no peer may send. It reports what it
// sees as JSON lines on stdout for ../websocket_test.go to assert.
//
// Usage: node js/ws-conformance.mjs '<json config>'
//
// Config:
//
//	url        server base URL, e.g. "http://127.0.0.1:1234" (the path is /engine.io/)
//	deflate    offer permessage-deflate, compressing every message sent
//	sizes      the message sizes to send, as text and as binary, for echo
//	overLimit  the size of a text message over the server's limit
//	timeoutMs  hard limit for the whole run
//
// Events (field "event"): open, echo, pong, fragmented, overLimit,
// clientClose, error, done, fatal. The process exits 0 after "done", and
// non-zero after "fatal".

import WebSocket from "ws";
import { writeSync } from "node:fs";

function emit(obj) {
  writeSync(1, JSON.stringify(obj) + "\n");
}

const cfg = JSON.parse(process.argv[2]);
const timer = setTimeout(() => {
  emit({ event: "fatal", error: `not done after ${cfg.timeoutMs} ms` });
  process.exit(1);
}, cfg.timeoutMs);

// genText and genBinary match the Go tests' helpers of the same names.
function genText(n) {
  let s = "";
  const abc = "abcdefghijklmnopqrstuvwxyz";
  while (s.length + 26 <= n) s += abc;
  return s + abc.slice(0, n - s.length);
}
function genBinary(n) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) % 251;
  return b;
}

// connect opens an Engine.IO WebSocket and waits for the open packet. The
// returned object's next() resolves to the next message that is not an
// Engine.IO ping (pings are answered).
function connect(name) {
  const url = cfg.url.replace(/^http/, "ws") + "/engine.io/?EIO=4&transport=websocket";
  const ws = new WebSocket(url, {
    perMessageDeflate: cfg.deflate ? { threshold: 0 } : false,
    maxPayload: 64 << 20,
  });
  const queue = [];
  const waiters = [];
  let closed = null;
  const closeWaiters = [];
  ws.on("error", (err) => emit({ event: "error", conn: name, error: String(err && err.message || err) }));
  ws.on("message", (data, isBinary) => {
    if (!isBinary && data.length > 0 && data[0] === 0x32 /* "2": ping */) {
      ws.send("3" + data.subarray(1).toString());
      return;
    }
    const m = { data, isBinary };
    if (waiters.length > 0) waiters.shift()(m);
    else queue.push(m);
  });
  ws.on("close", (code, reason) => {
    closed = { code, reason: reason.toString() };
    for (const w of closeWaiters) w(closed);
  });
  const next = () => new Promise((resolve) => {
    if (queue.length > 0) resolve(queue.shift());
    else waiters.push(resolve);
  });
  const closedP = () => new Promise((resolve) => {
    if (closed) resolve(closed);
    else closeWaiters.push(resolve);
  });
  return { ws, next, closed: closedP };
}

async function open(name) {
  const c = connect(name);
  const m = await c.next();
  const s = m.data.toString();
  let sid = "";
  if (!m.isBinary && s[0] === "0") sid = JSON.parse(s.slice(1)).sid;
  emit({ event: "open", conn: name, ok: sid !== "", extensions: c.ws.extensions });
  return c;
}

async function main() {
  const c = await open("main");
  const sock = c.ws._socket;

  for (const n of cfg.sizes) {
    for (const kind of ["text", "binary"]) {
      const before = sock.bytesRead;
      const sent = kind === "text" ? "4" + genText(n) : genBinary(n);
      c.ws.send(sent);
      const m = await c.next();
      const ok = kind === "text"
        ? !m.isBinary && m.data.toString() === sent
        : m.isBinary && Buffer.compare(m.data, sent) === 0;
      emit({ event: "echo", type: kind, length: n, ok, wire: sock.bytesRead - before });
    }
  }

  // A WebSocket ping: the pong carries its payload.
  const payload = Buffer.from("are you there?");
  const pong = new Promise((resolve) => c.ws.once("pong", resolve));
  c.ws.ping(payload);
  const got = await pong;
  emit({ event: "pong", ok: Buffer.compare(got, payload) === 0 });

  // Fragmented messages, text and binary, with a ping between fragments.
  c.ws.send("4frag", { fin: false });
  c.ws.ping();
  c.ws.send("men", { fin: false });
  c.ws.send("ted", { fin: true });
  let m = await c.next();
  emit({ event: "fragmented", type: "text", ok: !m.isBinary && m.data.toString() === "4fragmented" });
  c.ws.send(Buffer.from([1, 2]), { fin: false, binary: true });
  c.ws.send(Buffer.from([3]), { fin: true, binary: true });
  m = await c.next();
  emit({ event: "fragmented", type: "binary", ok: m.isBinary && Buffer.compare(m.data, Buffer.from([1, 2, 3])) === 0 });

  // The client closes with a code of its own; the server answers.
  c.ws.close(4000, "bye");
  const cc = await c.closed();
  emit({ event: "clientClose", code: cc.code });

  // Over the limit: close 1009.
  const o = await open("over");
  o.ws.send("4" + genText(cfg.overLimit));
  const oc = await o.closed();
  emit({ event: "overLimit", code: oc.code });

  clearTimeout(timer);
  emit({ event: "done" });
}

main().catch((err) => {
  emit({ event: "fatal", error: String(err && err.stack || err) });
  process.exit(1);
});
