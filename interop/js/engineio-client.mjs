// engineio-client.mjs drives the official engine.io-client (npm) against a
// server under test, and reports what it sees as JSON lines on stdout, one
// object per event, for the Go tests in ../engineio_test.go to assert.
//
// Usage:
//
//	node js/engineio-client.mjs '<json config>'
//	EIO_CLIENT_CONFIG='<json config>' node js/engineio-client.mjs
//
// Config:
//
//	url          server base URL, e.g. "http://127.0.0.1:1234" (the path is /engine.io/)
//	transports   optional transports list, e.g. ["polling"] or ["websocket"];
//	             omitted: the client's default (polling, then upgrade)
//	upgrade      optional, default true: the client's upgrade option
//	waitUpgrade  start the scenario on the "upgrade" event instead of "open"
//	scenario     echo | order | client-close | server-close | ping-timeout | over-limit
//	send         for echo, server-close and over-limit: the messages to send once
//	             ready, each {kind: "text"|"binary", text?, hex?, size?}
//	             (size: generated content, see materialize)
//	serverFirst  for echo: how many messages the server sends on its own
//	             before the echoes (they are reported, not compared)
//	count        for order: how many numbered messages to send (default 100)
//	freezeMs     for ping-timeout: how long to block the event loop
//	timeoutMs    hard limit for the whole run (default 5000)
//
// Events (field "event"): open, upgrade, upgradeError, message, error,
// close, echo, order, freeze, unfreeze, done, fatal. The process exits 0 after "done"
// once its event loop drains, and non-zero after "fatal" (a scenario that
// did not finish in time, an exception, or a failed check).

import { Socket } from "engine.io-client";
import { createHash } from "node:crypto";
import { writeSync } from "node:fs";

const raw = process.argv[2] ?? process.env.EIO_CLIENT_CONFIG;
if (!raw) {
  emit({ event: "fatal", error: "no config: pass JSON as argv[2] or EIO_CLIENT_CONFIG" });
  process.exit(2);
}
const cfg = JSON.parse(raw);

let finished = false;
let failed = false;

// emit writes one event synchronously, so that nothing is lost when the
// process exits right after.
function emit(obj) {
  writeSync(1, JSON.stringify(obj) + "\n");
}

function fatal(error) {
  if (finished) return;
  finished = true;
  failed = true;
  emit({ event: "fatal", error: String(error) });
  process.exit(1);
}

function done() {
  if (finished) return;
  finished = true;
  emit({ event: "done" });
  // Let the event loop drain by itself (pending close requests reach the
  // server); do not wait forever for a stray handle though.
  setTimeout(() => process.exit(0), 2000).unref();
}

const hard = setTimeout(() => fatal(`scenario ${cfg.scenario} did not finish within ${cfg.timeoutMs ?? 5000} ms`), cfg.timeoutMs ?? 5000);
hard.unref();
process.on("exit", (code) => {
  if (!finished) {
    emit({ event: "fatal", error: `event loop drained before scenario ${cfg.scenario} finished` });
    process.exitCode = 1;
  } else if (failed && code === 0) {
    process.exitCode = 1;
  }
});
process.on("uncaughtException", (err) => fatal(err && err.stack ? err.stack : err));

// materialize turns a message spec into a string (text) or a Buffer
// (binary). Generated contents, which the Go side reproduces:
// text of size n: byte i is 'a' + i%26; binary of size n: byte i is
// (i*31 + 7) % 251.
function materialize(spec) {
  if (spec.kind === "text") {
    if (spec.size !== undefined) {
      const b = Buffer.alloc(spec.size);
      for (let i = 0; i < spec.size; i++) b[i] = 97 + (i % 26);
      return b.toString("latin1");
    }
    return spec.text;
  }
  if (spec.size !== undefined) {
    const b = Buffer.alloc(spec.size);
    for (let i = 0; i < spec.size; i++) b[i] = (i * 31 + 7) % 251;
    return b;
  }
  return Buffer.from(spec.hex, "hex");
}

function bytesOf(data) {
  return typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data);
}

// describeMessage reports a received message: type, byte length, SHA-256,
// and the content itself when it is small.
function describeMessage(data) {
  const binary = typeof data !== "string";
  const bytes = bytesOf(data);
  const m = {
    event: "message",
    type: binary ? "binary" : "text",
    length: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
  if (bytes.length <= 64) {
    if (binary) m.hex = bytes.toString("hex");
    else m.text = data;
  }
  return m;
}

// describe flattens the close/error descriptions of engine.io-client
// (strings, Errors, TransportErrors, {description, context}) to JSON.
function describe(d) {
  if (d === undefined || d === null) return null;
  if (typeof d === "string" || typeof d === "number") return d;
  if (d instanceof Error) {
    const o = { message: d.message };
    if (d.type) o.type = d.type;
    if (d.description !== undefined) o.description = describe(d.description);
    if (d.code !== undefined) o.code = d.code;
    return o;
  }
  const o = {};
  if (d.description !== undefined) o.description = describe(d.description);
  const ctx = d.context;
  if (ctx && typeof ctx === "object") {
    if (ctx.code !== undefined) o.closeCode = ctx.code;
    if (ctx.status !== undefined) o.status = ctx.status;
  }
  if (d.message !== undefined) o.message = String(d.message);
  if (d.type !== undefined && typeof d.type === "string") o.type = d.type;
  if (d.error !== undefined) o.error = describe(d.error);
  return o;
}

function same(a, b) {
  if (typeof a === "string" || typeof b === "string") return a === b;
  return Buffer.compare(bytesOf(a), bytesOf(b)) === 0;
}

const scenarios = {
  // echo: send cfg.send, expect cfg.serverFirst messages from the server
  // and then the echoes, compare them, then close.
  echo() {
    let values;
    let checked = false;
    const first = cfg.serverFirst ?? 0;
    return {
      start() {
        values = sendAll(cfg.send);
        this.check();
      },
      onMessage() {
        this.check();
      },
      check() {
        if (checked || !values || received.length < first + values.length) return;
        checked = true;
        const echoes = received.slice(first);
        const mismatches = [];
        values.forEach((v, i) => {
          if (!same(v, echoes[i])) mismatches.push(i);
        });
        emit({ event: "echo", ok: mismatches.length === 0 && echoes.length === values.length, mismatches, count: echoes.length });
        socket.close();
      },
    };
  },

  // order: send cfg.count numbered messages ("0", "1", ...). Without
  // waitUpgrade they go out in one synchronous burst. With waitUpgrade
  // (the upgrade mode) the first goes out on open and the next ones one
  // per timer tick, so that they straddle the upgrade; sending pauses
  // after half of them until the upgrade is done, so that some are always
  // sent after it.
  order() {
    const count = cfg.count ?? 100;
    let upgraded = false;
    let waiting = false;
    const next = () => {
      if (sent >= count) return;
      if (sent >= count / 2 && !upgraded) {
        waiting = true;
        return;
      }
      socket.send(String(sent++));
      setTimeout(next, 1);
    };
    return {
      quiet: true,
      onOpen() {
        if (cfg.waitUpgrade) {
          socket.send(String(sent++)); // before the probe even starts
          setTimeout(next, 1);
        }
      },
      onUpgrade() {
        upgraded = true;
        if (waiting) {
          waiting = false;
          next();
        }
      },
      start() {
        if (!cfg.waitUpgrade) while (sent < count) socket.send(String(sent++));
      },
      onMessage() {
        if (received.length < count) return;
        const got = received.map((d) => (typeof d === "string" ? d : "<binary>"));
        const inOrder = got.every((d, i) => d === String(i));
        emit({ event: "order", count: got.length, inOrder, received: inOrder ? undefined : got });
        socket.close();
      },
    };
  },

  // client-close: close as soon as ready.
  "client-close"() {
    return {
      start() {
        socket.close();
      },
    };
  },

  // server-close: send cfg.send (the server answers with some messages and
  // closes), report everything up to the close.
  "server-close"() {
    return {
      start() {
        sendAll(cfg.send);
      },
    };
  },

  // ping-timeout: block the event loop for cfg.freezeMs right after ready,
  // so that no pong goes out: the server closes with "ping timeout".
  //
  // The freeze runs in a setImmediate callback (the "check" phase, at the
  // end of an event loop iteration), so that the next iteration starts
  // with the timers, with a fresh clock: the client's own heartbeat timer
  // (pingInterval + pingTimeout since the last ping) has expired and
  // closes the socket with "ping timeout" before the socket is read.
  // Frozen in a setTimeout callback instead, the client reports
  // "transport close" over WebSocket: Node runs the timers of one phase
  // against the clock read when the phase began (before the freeze), so
  // the expired heartbeat timer waits for the next iteration, and the
  // poll phase first delivers the server's ping (which the client answers
  // and which re-arms that timer) and then the server's close frame.
  "ping-timeout"() {
    return {
      start() {
        setImmediate(() => {
          const ms = cfg.freezeMs ?? 1000;
          emit({ event: "freeze", ms });
          const until = Date.now() + ms;
          while (Date.now() < until) {
            // busy-wait: the event loop, and so the pong, is held back
          }
          emit({ event: "unfreeze" });
        });
      },
    };
  },

  // over-limit: send cfg.send (a message over the server's limit) and
  // report what happens.
  "over-limit"() {
    return {
      start() {
        sendAll(cfg.send);
      },
    };
  },
};

const make = scenarios[cfg.scenario];
if (!make) fatal(`unknown scenario ${cfg.scenario}`);
const scenario = make();

const opts = { path: "/engine.io/" };
if (cfg.transports) opts.transports = cfg.transports;
if (cfg.upgrade !== undefined) opts.upgrade = cfg.upgrade;

const socket = new Socket(cfg.url, opts);
const received = [];
let sent = 0; // messages sent so far (order scenario)
let ready = false;

socket.on("open", () => {
  emit({ event: "open", transport: socket.transport.name });
  if (scenario.onOpen) scenario.onOpen();
  if (!cfg.waitUpgrade) start();
});
socket.on("upgrade", (transport) => {
  emit({ event: "upgrade", transport: transport.name, sentBefore: sent });
  if (scenario.onUpgrade) scenario.onUpgrade();
  // engine.io-client emits "upgrade" while its upgrading flag is still set:
  // a socket.close() right there waits for another upgrade that never
  // comes. Start on the next turn of the event loop instead.
  if (cfg.waitUpgrade) setImmediate(start);
});
socket.on("upgradeError", (err) => emit({ event: "upgradeError", error: describe(err) }));
socket.on("message", (data) => {
  // engine.io-parser decodes an empty text message ("4") with data
  // undefined; it is the empty string that was sent.
  const undef = data === undefined;
  if (undef) data = "";
  received.push(data);
  if (!scenario.quiet) emit({ ...describeMessage(data), ...(undef ? { undefinedData: true } : {}) });
  if (scenario.onMessage) scenario.onMessage(data);
});
socket.on("error", (err) => emit({ event: "error", error: describe(err) }));
socket.on("close", (reason, description) => {
  emit({ event: "close", reason, description: describe(description), transport: socket.transport ? socket.transport.name : null });
  if (scenario.onClose) scenario.onClose(reason);
  else done();
});

function start() {
  if (ready) return;
  ready = true;
  scenario.start();
}

function sendAll(specs) {
  const values = (specs || []).map(materialize);
  for (const v of values) socket.send(v);
  return values;
}

