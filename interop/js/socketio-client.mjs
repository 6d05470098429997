// socketio-client.mjs drives the official socket.io-client (npm) against a
// Socket.IO server under test, and reports what it sees as JSON lines on
// stdout, one object per event, for the Go tests in ../socketio_test.go to
// assert. The Go side reads the lines as they come, so it can act on them
// (kill the process, restart the server) while the script runs.
//
// Usage:
//
//	node js/socketio-client.mjs '<json config>'
//	node js/socketio-client.mjs @config.json
//	SIO_CLIENT_CONFIG='<json config>' node js/socketio-client.mjs
//
// Config:
//
//	url          server base URL, e.g. "http://127.0.0.1:1234" (the path is /socket.io/)
//	transports   optional transports list, e.g. ["polling"] or ["websocket"];
//	             omitted: the client's default (polling, then upgrade)
//	waitUpgrade  start the scenario once the Engine.IO connection has
//	             upgraded to WebSocket (socket.io.engine "upgrade" event)
//	scenario     see the scenarios object below
//	params       the scenario's parameters
//	timeoutMs    hard limit for the whole run (default 10000)
//	parser       "msgpack": every Manager uses socket.io-msgpack-parser;
//	             omitted: the default parser
//
// Values: binary data is reported as {"$bin": "<hex>"} (with "$type" for
// anything but a Buffer), and params may hold {"$bin": "<hex>", "as":
// "Uint8Array"|"ArrayBuffer"} for binary data to send. A function is
// reported as {"$fn": true}, undefined as {"$undefined": true}.
//
// Events (field "event") common to every scenario: open and upgrade (per
// Manager, field client), connect, connect_error, disconnect (per socket,
// fields client and nsp), reconnect_attempt, reconnect, reconnect_error,
// close (per Manager), done, fatal; the scenarios add their own. The
// process exits 0 after "done" and non-zero after "fatal" (a scenario that
// did not finish in time, an exception, or a failed expectation).

import { Manager } from "socket.io-client";
import { Socket as Engine } from "engine.io-client";
import msgpackParser from "socket.io-msgpack-parser";
import { readFileSync, writeSync } from "node:fs";

let raw = process.argv[2] ?? process.env.SIO_CLIENT_CONFIG;
if (!raw) {
  writeLine({ event: "fatal", error: "no config: pass JSON (or @file) as argv[2] or SIO_CLIENT_CONFIG" });
  process.exit(2);
}
if (raw.startsWith("@")) raw = readFileSync(raw.slice(1), "utf8");
const cfg = JSON.parse(raw);
const P = cfg.params ?? {};
const timeoutMs = cfg.timeoutMs ?? 10000;

let finished = false;

// report writes one event synchronously, so that nothing is lost when the
// process exits or is killed right after. Nothing is reported after "done"
// (the clean-up's own disconnections) or "fatal".
function report(obj) {
  if (!finished) writeLine(obj);
}

function writeLine(obj) {
  writeSync(1, JSON.stringify(obj) + "\n");
}

function fatal(error) {
  if (finished) return;
  finished = true;
  writeLine({ event: "fatal", error: String(error && error.stack ? error.stack : error) });
  process.exit(1);
}

const managers = [];
const engines = [];

function done() {
  if (finished) return;
  finished = true;
  writeLine({ event: "done" });
  // Close whatever is still open, then let the event loop drain (pending
  // close requests reach the server); do not wait for a stray handle.
  for (const m of managers) m._close();
  for (const e of engines) e.close();
  setTimeout(() => process.exit(0), 1500).unref();
}

const hard = setTimeout(() => fatal(`scenario ${cfg.scenario} did not finish within ${timeoutMs} ms`), timeoutMs);
hard.unref();
process.on("exit", () => {
  if (!finished) {
    writeLine({ event: "fatal", error: `event loop drained before scenario ${cfg.scenario} finished` });
    process.exitCode = 1;
  }
});
process.on("uncaughtException", fatal);
process.on("unhandledRejection", fatal);

// expect fails the run when cond is false.
function expect(cond, what) {
  if (!cond) throw new Error(`client expectation failed: ${what}`);
}

// enc turns a received value into JSON, binary data as {"$bin": hex}.
function enc(v) {
  if (v === undefined) return { $undefined: true };
  if (typeof v === "function") return { $fn: true };
  if (Buffer.isBuffer(v)) return { $bin: v.toString("hex") };
  if (v instanceof ArrayBuffer) return { $bin: Buffer.from(v).toString("hex"), $type: "ArrayBuffer" };
  if (ArrayBuffer.isView(v)) {
    return { $bin: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex"), $type: v.constructor.name };
  }
  if (Array.isArray(v)) return v.map(enc);
  if (v instanceof Error) return { $error: v.message };
  if (v !== null && typeof v === "object") {
    const o = {};
    for (const k of Object.keys(v)) o[k] = enc(v[k]);
    return o;
  }
  return v;
}

// dec turns a value of the config into what the client sends: {"$bin":
// hex} becomes a Buffer (or a Uint8Array or an ArrayBuffer, with "as").
function dec(v) {
  if (Array.isArray(v)) return v.map(dec);
  if (v !== null && typeof v === "object") {
    if (typeof v.$bin === "string") {
      const b = Buffer.from(v.$bin, "hex");
      if (v.as === "Uint8Array") return new Uint8Array(b);
      if (v.as === "ArrayBuffer") return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
      return b;
    }
    const o = {};
    for (const k of Object.keys(v)) o[k] = dec(v[k]);
    return o;
  }
  return v;
}

// describe flattens a disconnect or error description to JSON.
function describe(d) {
  if (d === undefined || d === null) return null;
  if (typeof d === "string" || typeof d === "number") return d;
  const o = {};
  if (d instanceof Error) o.message = d.message;
  if (d.message !== undefined) o.message = String(d.message);
  if (d.description !== undefined) o.description = describe(d.description);
  if (d.type !== undefined && typeof d.type === "string") o.type = d.type;
  const ctx = d.context;
  if (ctx && typeof ctx === "object") {
    if (ctx.code !== undefined) o.closeCode = ctx.code;
    if (ctx.status !== undefined) o.status = ctx.status;
  }
  return o;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// once resolves with the arguments of emitter's next ev event.
function once(emitter, ev) {
  return new Promise((resolve) => emitter.once(ev, (...args) => resolve(args)));
}

// freeze blocks the event loop for ms, reporting when it starts and ends
// (as Date.now(), comparable with the Go side's clock).
function freeze(ms) {
  const at = Date.now();
  report({ event: "freeze", at, ms });
  while (Date.now() < at + ms) {
    // busy-wait: nothing is read, written, or timed out meanwhile
  }
  report({ event: "unfreeze", at: Date.now() });
}

function managerOptions(extra) {
  const o = {
    autoConnect: false,
    reconnectionDelay: 100,
    reconnectionDelayMax: 300,
    randomizationFactor: 0,
    timeout: 5000,
    ...extra,
  };
  if (cfg.transports) o.transports = cfg.transports;
  if (cfg.parser === "msgpack") o.parser = msgpackParser;
  else if (cfg.parser) throw new Error(`unknown parser ${cfg.parser}`);
  return o;
}

// openManager opens a Manager (one Engine.IO connection) and resolves once
// it is open and, with waitUpgrade, upgraded to WebSocket. Its events are
// reported with client set to name.
function openManager(name, extra = {}) {
  const m = new Manager(cfg.url, managerOptions(extra));
  managers.push(m);
  m.on("reconnect_attempt", (n) => report({ event: "reconnect_attempt", client: name, attempt: n }));
  m.on("reconnect", (n) => report({ event: "reconnect", client: name, attempt: n }));
  m.on("reconnect_error", (err) => report({ event: "reconnect_error", client: name, error: describe(err) }));
  m.on("close", (reason, d) => report({ event: "close", client: name, reason, description: describe(d) }));
  return new Promise((resolve, reject) => {
    m.open((err) => {
      if (err) {
        reject(new Error(`client ${name}: the manager did not open: ${err.message}`));
        return;
      }
      const engine = m.engine;
      report({ event: "open", client: name, transport: engine.transport.name, engineId: engine.id });
      engine.on("upgrade", (t) => {
        report({ event: "upgrade", client: name, transport: t.name });
        // engine.io-client emits "upgrade" while it is still upgrading:
        // go on from the next turn of the event loop.
        if (cfg.waitUpgrade) setImmediate(() => resolve(m));
      });
      engine.on("upgradeError", (err) => report({ event: "upgradeError", client: name, error: describe(err) }));
      if (!cfg.waitUpgrade) resolve(m);
    });
  });
}

// socket returns the Manager's socket for nsp, reporting its events with
// client set to name.
function socket(m, name, nsp, opts = {}) {
  const s = m.socket(nsp, opts);
  s.on("connect", () =>
    report({
      event: "connect",
      client: name,
      nsp,
      id: s.id,
      engineId: s.io.engine.id,
      transport: s.io.engine.transport.name,
    }),
  );
  s.on("connect_error", (err) =>
    report({ event: "connect_error", client: name, nsp, message: err.message, data: enc(err.data), active: s.active }),
  );
  s.on("disconnect", (reason, d) =>
    report({ event: "disconnect", client: name, nsp, reason, active: s.active, description: describe(d) }),
  );
  return s;
}

// connect connects s and resolves once connected; it rejects on
// connect_error.
function connect(s) {
  return new Promise((resolve, reject) => {
    const ok = () => {
      s.off("connect_error", ko);
      resolve(s);
    };
    const ko = (err) => {
      s.off("connect", ok);
      reject(err);
    };
    s.once("connect", ok);
    s.once("connect_error", ko);
    s.connect();
  });
}

// ack emits ev with args and resolves with all the acknowledgement's
// arguments.
function ack(s, ev, ...args) {
  return new Promise((resolve) => s.emit(ev, ...args, (...res) => resolve(res)));
}

// rawEngine opens a bare engine.io-client connection to the Socket.IO path,
// which speaks Socket.IO only as the scenario makes it.
function rawEngine(name) {
  const opts = { path: "/socket.io/" };
  if (cfg.transports) opts.transports = cfg.transports;
  const e = new Engine(cfg.url, opts);
  engines.push(e);
  const messages = [];
  const closed = new Promise((resolve) => {
    e.on("close", (reason, d) => {
      report({ event: "close", client: name, reason, description: describe(d), at: Date.now() });
      resolve(reason);
    });
  });
  e.on("message", (data) => {
    messages.push(data);
    report({ event: "message", client: name, data: typeof data === "string" ? data : enc(data) });
  });
  const ready = new Promise((resolve, reject) => {
    e.on("open", () => {
      report({ event: "open", client: name, transport: e.transport.name, engineId: e.id, at: Date.now() });
      if (!cfg.waitUpgrade) resolve();
    });
    e.on("upgrade", (t) => {
      report({ event: "upgrade", client: name, transport: t.name });
      if (cfg.waitUpgrade) setImmediate(resolve);
    });
    e.on("error", (err) => {
      report({ event: "error", client: name, error: describe(err) });
      reject(err);
    });
  });
  // next resolves with the next message (or the first one not taken yet).
  let taken = 0;
  const next = async () => {
    while (messages.length <= taken) await once(e, "message");
    return messages[taken++];
  };
  return { e, ready, closed, next };
}

const scenarios = {
  // namespaces: one Manager, sockets on "/" and "/custom" multiplexed over
  // its Engine.IO connection; each asks the server who it is; "/" leaves
  // first, "/custom" goes on working, then leaves too.
  async namespaces() {
    const m = await openManager("c");
    const main = socket(m, "c", "/");
    const custom = socket(m, "c", "/custom");
    await Promise.all([connect(main), connect(custom)]);
    expect(main.id !== custom.id, "the two sockets have distinct ids");
    for (const s of [main, custom]) {
      const [info] = await ack(s, "whoami");
      report({ event: "whoami", nsp: s.nsp, id: s.id, info });
    }
    main.disconnect();
    const [info] = await ack(custom, "whoami");
    report({ event: "whoami-after", nsp: custom.nsp, engineId: m.engine.id, info });
    custom.disconnect();
    done();
  },

  // dynamic: sockets on params.sockets ([{nsp, auth?}]), all at once on
  // one Manager; the connected ones ask the server where they are.
  async dynamic() {
    const m = await openManager("c");
    const sockets = P.sockets.map((spec) => socket(m, "c", spec.nsp, spec.auth ? { auth: spec.auth } : {}));
    const results = await Promise.allSettled(sockets.map(connect));
    for (let i = 0; i < sockets.length; i++) {
      if (results[i].status !== "fulfilled") continue;
      const [info] = await ack(sockets[i], "where");
      report({ event: "where", nsp: sockets[i].nsp, info });
    }
    for (const s of sockets) s.disconnect();
    done();
  },

  // auth: client "ok" connects to "/" with params.goodAuth and to "/open"
  // without auth, and asks the server what it saw; client "refused" tries
  // "/" with an auth function giving params.badAuth, and "/plain".
  async auth() {
    const ok = await openManager("ok", { query: { tag: P.query }, extraHeaders: { "x-interop": P.header } });
    const main = socket(ok, "ok", "/", { auth: P.goodAuth });
    const open = socket(ok, "ok", "/open");
    await Promise.all([connect(main), connect(open)]);
    for (const s of [main, open]) {
      const [seen] = await ack(s, "handshake");
      report({ event: "handshake", nsp: s.nsp, seen });
    }

    const refused = await openManager("refused");
    const bad = socket(refused, "refused", "/", { auth: (cb) => cb(P.badAuth) });
    const plain = socket(refused, "refused", "/plain");
    const results = await Promise.allSettled([connect(bad), connect(plain)]);
    expect(results.every((r) => r.status === "rejected"), "both refused connections fail");
    main.disconnect();
    open.disconnect();
    done();
  },

  // emits: emits with acknowledgements from the client, then the server's
  // emits with acknowledgements to the client (asked for with serve-me).
  async emits() {
    const m = await openManager("c");
    const s = socket(m, "c", "/");
    s.on("ask", (...args) => {
      const cb = args.pop();
      report({ event: "ask", args: enc(args), callback: typeof cb === "function" });
      cb(...dec(P.askReply));
    });
    s.on("ask2", (...args) => {
      const cb = args.pop();
      report({ event: "ask2", args: enc(args) });
      cb(...dec(P.ask2Reply));
    });
    s.on("ask3", (q, cb) => {
      report({ event: "ask3", args: enc([q]) });
      cb();
    });
    s.on("tell", (...args) => report({ event: "tell", args: enc(args) }));
    await connect(s);

    const echo = await ack(s, "echo", ...dec(P.echoArgs));
    report({ event: "echo-ack", args: enc(echo) });
    const sum = await s.emitWithAck("sum", 2, 3);
    report({ event: "sum", value: sum });
    s.emit("note", "no ack wanted");
    const empty = await ack(s, "empty-ack");
    report({ event: "empty-ack", args: enc(empty) });
    const [served] = await ack(s, "serve-me");
    report({ event: "served", value: served });
    s.disconnect();
    done();
  },

  // binary: Buffers (and Uint8Arrays, ArrayBuffers) nested in objects and
  // arrays, in an event with an acknowledgement; then the server's binary
  // event with an acknowledgement and its binary broadcast.
  async binary() {
    const m = await openManager("c");
    const s = socket(m, "c", "/");
    s.on("sbin", (...args) => {
      const cb = args.pop();
      report({ event: "sbin", args: enc(args), types: binaryTypes(args) });
      cb(...dec(P.sbinReply));
    });
    const bbin = new Promise((resolve) =>
      s.on("bbin", (...args) => {
        report({ event: "bbin", args: enc(args), types: binaryTypes(args) });
        resolve();
      }),
    );
    await connect(s);

    const res = await ack(s, "bin", ...dec(P.binArgs));
    report({ event: "bin-ack", args: enc(res), types: binaryTypes(res) });
    const [r] = await ack(s, "send-binary");
    report({ event: "send-binary-ack", value: r });
    await bbin;
    s.disconnect();
    done();
  },

  // rooms: clients params.clients ([{name, rooms}]) join their rooms; the
  // first one asks the server to run its broadcasts; each client reports
  // the bc events it got once it got the final "flush": the tag, or [tag,
  // [rest]] when the event had more arguments.
  async rooms() {
    const clients = [];
    for (const spec of P.clients) {
      const m = await openManager(spec.name);
      const s = socket(m, spec.name, "/");
      const got = [];
      s.on("bc", (tag, ...rest) => got.push(rest.length ? [tag, enc(rest)] : tag));
      const flushed = once(s, "flush");
      await connect(s);
      const [joined] = await ack(s, "join", { name: spec.name, rooms: spec.rooms });
      report({ event: "joined", client: spec.name, rooms: joined });
      clients.push({ spec, s, got, flushed });
    }
    const [ran] = await ack(clients[0].s, "run");
    report({ event: "ran", value: ran });
    await Promise.all(clients.map((c) => c.flushed));
    for (const c of clients) report({ event: "received", client: c.spec.name, tags: c.got });
    for (const c of clients) c.s.disconnect();
    done();
  },

  // volatile: phase 1, an idle client gets the volatile event the server
  // sends; phase 2, the client freezes its event loop for params.freezeMs
  // and the server emits, meanwhile, a large event, params.count
  // volatile ones, and "end".
  async volatile() {
    const m = await openManager("c");
    const s = socket(m, "c", "/");
    const vols = [];
    s.on("vol", (i) => vols.push(i));
    s.on("fill", (b) => report({ event: "fill", length: b.byteLength ?? b.length }));
    const phase1 = once(s, "phase1-done");
    const end = once(s, "end");
    await connect(s);

    s.emit("phase1");
    await phase1;
    report({ event: "phase1", vols: [...vols] });
    vols.length = 0;

    s.emit("freezing");
    // The packet is out (polling: its POST was answered; WebSocket: it was
    // handed to the socket); leave a moment for the I/O, then freeze.
    await once(m.engine, "drain");
    await sleep(30);
    freeze(P.freezeMs);
    await end;
    report({ event: "phase2", vols });
    s.disconnect();
    done();
  },

  // timeouts: the client's timeouts (socket.timeout) to a server that
  // never acknowledges, then the server's (asked for with server-timeouts)
  // to a client that never acknowledges or acknowledges late.
  async timeouts() {
    const m = await openManager("c");
    const s = socket(m, "c", "/");
    s.on("ignore-me", (...args) => {
      const cb = args[args.length - 1];
      report({ event: "ignored", args: enc(args.slice(0, -1)), callback: typeof cb === "function" });
    });
    s.on("late", (x, cb) => {
      setTimeout(() => {
        cb("late answer");
        report({ event: "late-acked", arg: x });
        // After the acknowledgement on the same connection: once the
        // server has this, it has handled the acknowledgement.
        s.emit("late-done");
      }, P.lateMs);
    });
    await connect(s);

    let calls = 0;
    let t0 = Date.now();
    await new Promise((resolve) =>
      s.timeout(P.timeoutMs).emit("never", "x", (err, ...rest) => {
        calls++;
        report({ event: "timeout-callback", error: err ? err.message : null, rest: enc(rest), elapsed: Date.now() - t0 });
        resolve();
      }),
    );
    t0 = Date.now();
    try {
      const v = await s.timeout(P.timeoutMs).emitWithAck("never", "y");
      report({ event: "timeout-promise", resolved: enc(v) });
    } catch (err) {
      report({ event: "timeout-promise", error: err.message, elapsed: Date.now() - t0 });
    }
    await new Promise((resolve) =>
      s.timeout(2000).emit("quick", (err, v) => {
        report({ event: "quick-callback", error: err ? err.message : null, value: v });
        resolve();
      }),
    );
    const [summary] = await ack(s, "server-timeouts");
    report({ event: "server-timeouts", value: summary });
    // An acknowledgement still pending when the socket disconnects.
    s.timeout(5000).emit("never", "z", (err) =>
      report({ event: "pending-at-disconnect", error: err ? err.message : null }),
    );
    expect(calls === 1, "the timed out callback was called once");
    s.disconnect();
    done();
  },

  // reasons: four Managers, each with its own way to disconnect:
  // "leaver" disconnects; "kicked" asks for Disconnect(false); "closed",
  // on "/" and "/custom", asks for Disconnect(true); "engine" closes its
  // Engine.IO connection, reconnects, and then disconnects.
  async reasons() {
    const roles = {};
    for (const role of ["leaver", "kicked", "closed", "engine"]) {
      const m = await openManager(role);
      const s = socket(m, role, "/", { auth: { role } });
      await connect(s);
      roles[role] = { m, s };
    }
    const closedCustom = socket(roles.closed.m, "closed", "/custom", { auth: { role: "closed" } });
    await connect(closedCustom);

    const leaverGone = once(roles.leaver.s, "disconnect");
    roles.leaver.s.disconnect();
    await leaverGone;

    const kickedGone = once(roles.kicked.s, "disconnect");
    roles.kicked.s.emit("kick-me");
    await kickedGone;

    const closedGone = Promise.all([once(roles.closed.s, "disconnect"), once(closedCustom, "disconnect")]);
    roles.closed.s.emit("close-me");
    await closedGone;

    const { m, s } = roles.engine;
    const back = once(s, "connect");
    const engineGone = once(s, "disconnect");
    m.engine.close();
    await engineGone;
    await back;
    const [answer] = await ack(s, "hello-again");
    report({ event: "hello-again", value: answer });
    s.disconnect();
    done();
  },

  // kill: connect, report "ready", and wait to be killed.
  async kill() {
    const m = await openManager("c");
    const s = socket(m, "c", "/");
    await connect(s);
    report({ event: "ready" });
    await new Promise(() => setInterval(() => {}, 1000)); // until killed
  },

  // ping-timeout: freeze the event loop (from setImmediate, see
  // engineio-client.mjs) for params.freezeMs; the heartbeat fails on both
  // sides; the Manager reconnects; the socket says hello and disconnects.
  async "ping-timeout"() {
    const m = await openManager("c");
    const s = socket(m, "c", "/");
    await connect(s);
    const gone = once(s, "disconnect");
    setImmediate(() => freeze(P.freezeMs));
    await gone;
    await once(s, "connect");
    const [answer] = await ack(s, "hello-again");
    report({ event: "hello-again", value: answer });
    s.disconnect();
    done();
  },

  // shutdown: connect, report "ready"; the server shuts down; the client
  // sees the disconnection and starts reconnecting (to a server that
  // refuses), then stops.
  async shutdown() {
    const m = await openManager("c");
    const s = socket(m, "c", "/");
    const gone = once(s, "disconnect");
    const attempt = once(m, "reconnect_attempt");
    await connect(s);
    report({ event: "ready" });
    await gone;
    await attempt;
    done();
  },

  // raw: bare Engine.IO connections to the Socket.IO path, one per name in
  // params.clients: "silent" never sends CONNECT; the others connect to
  // "/" and then send: "stray" an event for a namespace it did not join,
  // "garbage" an invalid Socket.IO packet, "corrupt" an invalid Engine.IO
  // packet. The scenario ends when the server has closed them all.
  async raw() {
    const clients = P.clients.map((name) => ({ name, ...rawEngine(name) }));
    await Promise.all(clients.map((c) => c.ready));
    for (const c of clients) {
      if (c.name === "silent") continue;
      c.e.send("0"); // CONNECT to "/"
      const reply = await c.next();
      expect(typeof reply === "string" && reply.startsWith('0{"sid":'), `CONNECT reply ${reply}`);
      report({ event: "connected", client: c.name, reply });
    }
    for (const c of clients) {
      switch (c.name) {
        case "stray":
          c.e.send('2/nope,["stray"]');
          break;
        case "garbage":
          c.e.send("9garbage");
          break;
        case "corrupt":
          if (c.e.transport.name === "websocket") {
            c.e.transport.ws.send("z"); // not an Engine.IO packet type
          } else {
            c.e.transport.doWrite("z", () => {});
          }
          break;
      }
    }
    await Promise.all(clients.map((c) => c.closed));
    done();
  },

  // restart: connect and ask the server for its generation; the server
  // goes away and comes back; an event emitted while disconnected is
  // buffered; once reconnected, ask again.
  async restart() {
    const m = await openManager("c");
    const s = socket(m, "c", "/");
    await connect(s);
    const gone = once(s, "disconnect");
    const [first] = await ack(s, "generation");
    report({ event: "generation", value: first });
    await gone;
    const back = once(s, "connect");
    s.emit("buffered", "sent while disconnected");
    await back;
    const [second] = await ack(s, "generation");
    report({ event: "generation", value: second });
    s.disconnect();
    done();
  },

  // catchall: onAny and onAnyOutgoing on the client while it emits to the
  // server (which has OnAny and OnAnyOutgoing) and the server emits back.
  async catchall() {
    const m = await openManager("c");
    const s = socket(m, "c", "/");
    const anyIn = [];
    const anyOut = [];
    s.onAny((ev, ...args) => anyIn.push([ev, enc(args)]));
    s.onAnyOutgoing((ev, ...args) => anyOut.push([ev, enc(args)]));
    const removed = () => anyIn.push(["removed listener called"]);
    s.onAny(removed);
    s.offAny(removed);
    await connect(s);

    s.emit("a", 1);
    s.emit("b", { x: [1, 2] }, Buffer.from([1, 2, 3]));
    const c = await s.emitWithAck("c", "q");
    report({ event: "c-ack", value: c });
    const [served] = await ack(s, "emit-to-me");
    report({ event: "emit-to-me-ack", value: served });
    report({ event: "catchall", anyIn, anyOut });
    s.disconnect();
    done();
  },
};

// binaryTypes lists the types of the binary values in v, depth first.
function binaryTypes(v, out = []) {
  if (Buffer.isBuffer(v)) out.push("Buffer");
  else if (v instanceof ArrayBuffer) out.push("ArrayBuffer");
  else if (ArrayBuffer.isView(v)) out.push(v.constructor.name);
  else if (Array.isArray(v)) v.forEach((x) => binaryTypes(x, out));
  else if (v !== null && typeof v === "object") Object.values(v).forEach((x) => binaryTypes(x, out));
  return out;
}

const run = scenarios[cfg.scenario];
if (!run) fatal(`unknown scenario ${cfg.scenario}`);
else run().then(() => done(), fatal);
