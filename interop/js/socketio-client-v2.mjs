// socketio-client-v2.mjs drives socket.io-client 2.x (npm, installed under
// the alias socket.io-client-v2), which speaks Socket.IO protocol v4 over
// Engine.IO v3, against a Socket.IO server under test, and reports what it
// sees as JSON lines on stdout, as socketio-client.mjs does for today's
// client; the Go tests in ../sioclient2_test.go read them as they come.
//
// Usage:
//
//	node js/socketio-client-v2.mjs '<json config>'
//	node js/socketio-client-v2.mjs @config.json
//
// Config:
//
//	url          server base URL, e.g. "http://127.0.0.1:1234" (the path is /socket.io/)
//	transports   optional transports list, ["polling"] or ["websocket"];
//	             omitted: the client's default (polling, then upgrade)
//	forceBase64  polling asks for text payloads (b64=1) instead of binary ones
//	waitUpgrade  go on once each Manager's connection has upgraded to WebSocket
//	scenario     see the scenarios object below
//	params       the scenario's parameters
//	timeoutMs    hard limit for the whole run (default 10000)
//
// Values are reported and given as in socketio-client.mjs: binary data as
// {"$bin": "<hex>"} (with "$type" for anything but a Buffer).
//
// Events (field "event") common to every scenario: open and upgrade (per
// Manager, field client, at each connection), connect, error (a refusal
// by the server, field data), connect_error, disconnect (per socket,
// fields client and nsp), reconnect_attempt, reconnect, close (per
// Manager), done, fatal. The process exits 0 after "done" and non-zero
// after "fatal".
//
// The 2.x client differs from today's in what matters here: a Manager
// connects to "/" without asking (the server sends CONNECT first), so its
// sockets must listen before the Manager opens; a socket's id is computed
// by the client from the engine's id; a refusal is an "error" event; the
// client, not the server, sends the pings.

import io from "socket.io-client-v2";
import { readFileSync, writeSync } from "node:fs";

const { Manager } = io;

let raw = process.argv[2];
if (!raw) {
  writeLine({ event: "fatal", error: "no config: pass JSON (or @file) as argv[2]" });
  process.exit(2);
}
if (raw.startsWith("@")) raw = readFileSync(raw.slice(1), "utf8");
const cfg = JSON.parse(raw);
const P = cfg.params ?? {};
const timeoutMs = cfg.timeoutMs ?? 10000;

let finished = false;

// report writes one event synchronously, so that nothing is lost when the
// process exits or is killed right after; nothing after "done" or "fatal".
function report(obj) {
  if (!finished) writeLine(obj);
}

// writeLine writes obj as one line, whole: a write to a pipe may take
// only part of a long line.
function writeLine(obj) {
  const buf = Buffer.from(JSON.stringify(obj) + "\n");
  for (let off = 0; off < buf.length; ) {
    try {
      off += writeSync(1, buf, off);
    } catch (err) {
      if (err.code !== "EAGAIN") throw err;
    }
  }
}

function fatal(error) {
  if (finished) return;
  finished = true;
  writeLine({ event: "fatal", error: String(error && error.stack ? error.stack : error) });
  process.exit(1);
}

const managers = [];

function done() {
  if (finished) return;
  finished = true;
  writeLine({ event: "done" });
  for (const m of managers) m.close();
  setTimeout(() => process.exit(0), 1000).unref();
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
// hex} becomes a Buffer.
function dec(v) {
  if (Array.isArray(v)) return v.map(dec);
  if (v !== null && typeof v === "object") {
    if (typeof v.$bin === "string") return Buffer.from(v.$bin, "hex");
    const o = {};
    for (const k of Object.keys(v)) o[k] = dec(v[k]);
    return o;
  }
  return v;
}

// binaryTypes lists the types of the binary values in v, depth first.
function binaryTypes(v, out = []) {
  if (Buffer.isBuffer(v)) out.push("Buffer");
  else if (v instanceof ArrayBuffer) out.push("ArrayBuffer");
  else if (ArrayBuffer.isView(v)) out.push(v.constructor.name);
  else if (Array.isArray(v)) v.forEach((x) => binaryTypes(x, out));
  else if (v !== null && typeof v === "object") Object.values(v).forEach((x) => binaryTypes(x, out));
  return out;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// once resolves with the arguments of emitter's next ev event.
function once(emitter, ev) {
  return new Promise((resolve) => emitter.once(ev, (...args) => resolve(args)));
}

// ack emits ev with args and resolves with the acknowledgement's
// arguments.
function ack(s, ev, ...args) {
  return new Promise((resolve) => s.emit(ev, ...args, (...res) => resolve(res)));
}

// openClient makes a Manager named name with a socket for each [nsp,
// opts] of nsps, and opens them. It returns the Manager, its sockets by
// namespace, and ready, which resolves once the Manager is open and, with
// waitUpgrade, upgraded.
function openClient(name, nsps, extra = {}) {
  const o = {
    autoConnect: false,
    reconnectionDelay: 100,
    reconnectionDelayMax: 300,
    timeout: 5000,
    ...extra,
  };
  if (cfg.transports) o.transports = cfg.transports;
  if (cfg.forceBase64) o.forceBase64 = true;
  const m = new Manager(cfg.url, o);
  managers.push(m);
  let opened;
  const ready = new Promise((resolve) => (opened = resolve));
  m.on("open", () => {
    const engine = m.engine;
    report({ event: "open", client: name, transport: engine.transport.name, engineId: engine.id });
    engine.on("upgrade", (t) => {
      report({ event: "upgrade", client: name, transport: t.name });
      // The engine emits "upgrade" while it is still upgrading.
      if (cfg.waitUpgrade) setImmediate(opened);
    });
    engine.on("upgradeError", (err) => report({ event: "upgradeError", client: name, error: enc(err) }));
    if (!cfg.waitUpgrade) opened();
  });
  m.on("reconnect_attempt", (n) => report({ event: "reconnect_attempt", client: name, attempt: n }));
  m.on("reconnect", (n) => report({ event: "reconnect", client: name, attempt: n }));
  m.on("close", (reason) => report({ event: "close", client: name, reason }));
  const sockets = {};
  for (const [nsp, opts] of nsps) sockets[nsp] = socket(m, name, nsp, opts);
  for (const s of Object.values(sockets)) s.open();
  return { m, sockets, ready };
}

// socket returns the Manager's socket for nsp, reporting its events with
// client set to name.
function socket(m, name, nsp, opts) {
  const s = m.socket(nsp, opts);
  // The Manager sets s.id in a "connect" listener of its own, added first.
  s.on("connect", () =>
    report({
      event: "connect",
      client: name,
      nsp,
      id: s.id,
      engineId: m.engine.id,
      transport: m.engine.transport.name,
    }),
  );
  s.on("error", (data) => report({ event: "error", client: name, nsp, data: enc(data) }));
  s.on("connect_error", (err) => report({ event: "connect_error", client: name, nsp, error: enc(err) }));
  s.on("disconnect", (reason) => report({ event: "disconnect", client: name, nsp, reason, at: Date.now() }));
  return s;
}

// connected resolves once s is connected, and rejects on an error.
function connected(s) {
  if (s.connected) return Promise.resolve(s);
  return new Promise((resolve, reject) => {
    const ok = () => {
      s.off("error", ko);
      resolve(s);
    };
    const ko = (data) => {
      s.off("connect", ok);
      reject(new Error(`${s.nsp}: error ${JSON.stringify(enc(data))}`));
    };
    s.once("connect", ok);
    s.once("error", ko);
  });
}

const scenarios = {
  // namespaces: client "c" connects to "/" and to "/admin" with the query
  // params.adminQuery, and asks the server who each socket is; client
  // "refused" tries "/admin" with params.badQuery and "/plain"; client
  // "denied" (its engine's query has deny=1) is refused "/". Then c leaves
  // "/admin", "/" goes on working, and leaves too.
  async namespaces() {
    const c = openClient("c", [
      ["/", {}],
      ["/admin", { query: P.adminQuery }],
    ]);
    const main = c.sockets["/"];
    const admin = c.sockets["/admin"];
    await Promise.all([connected(main), connected(admin), c.ready]);
    for (const s of [main, admin]) {
      const [info] = await ack(s, "whoami");
      report({ event: "whoami", nsp: s.nsp, id: s.id, info });
    }

    const refused = openClient("refused", [
      ["/admin", { query: P.badQuery }],
      ["/plain", {}],
    ]);
    const denied = openClient("denied", [["/", {}]], { query: { deny: "1" } });
    await Promise.all([
      once(refused.sockets["/admin"], "error"),
      once(refused.sockets["/plain"], "error"),
      once(denied.sockets["/"], "error"),
    ]);

    admin.disconnect();
    const [info] = await ack(main, "whoami");
    report({ event: "whoami-after", nsp: main.nsp, id: main.id, info });
    main.disconnect();
    done();
  },

  // emits: events with acknowledgements both ways, binary (Buffers)
  // nested in objects and arrays, and events without.
  async emits() {
    const c = openClient("c", [["/", {}]]);
    const s = c.sockets["/"];
    s.on("sbin", (...args) => {
      const cb = args.pop();
      report({ event: "sbin", args: enc(args), types: binaryTypes(args), callback: typeof cb === "function" });
      cb(...dec(P.sbinReply));
    });
    s.on("tell", (...args) => report({ event: "tell", args: enc(args), types: binaryTypes(args) }));
    await Promise.all([connected(s), c.ready]);

    const echo = await ack(s, "echo", ...dec(P.echoArgs));
    report({ event: "echo-ack", args: enc(echo), types: binaryTypes(echo) });
    s.emit("note", ...dec(P.noteArgs));
    const [served] = await ack(s, "serve-me");
    report({ event: "served", value: served });
    s.disconnect();
    done();
  },

  // rooms: as socketio-client.mjs's rooms, one Manager per client of
  // params.clients ([{name, rooms}]): each joins its rooms and reports the
  // bc events ([tag, ...rest]) it got once it got "flush". Nobody asks the
  // server to run the broadcasts: another process does.
  async rooms() {
    const clients = [];
    for (const spec of P.clients) {
      const c = openClient(spec.name, [["/", {}]]);
      const s = c.sockets["/"];
      const got = [];
      s.on("bc", (tag, ...rest) => got.push(rest.length ? [tag, enc(rest)] : tag));
      const flushed = once(s, "flush");
      await Promise.all([connected(s), c.ready]);
      const [joined] = await ack(s, "join", { name: spec.name, rooms: spec.rooms });
      report({ event: "joined", client: spec.name, rooms: joined });
      clients.push({ spec, s, got, flushed });
    }
    await Promise.all(clients.map((c) => c.flushed));
    for (const c of clients) report({ event: "received", client: c.spec.name, tags: c.got });
    for (const c of clients) c.s.disconnect();
    done();
  },

  // reasons: "leaver" disconnects; "kicked" asks for Disconnect();
  // "closed" asks for Close() (DISCONNECT, then the connection closes);
  // "dropped" asks the server to close its Engine.IO session: the Manager
  // reconnects by itself, the server connects it to "/" again, and it
  // says hello.
  async reasons() {
    const roles = {};
    for (const role of ["leaver", "kicked", "closed", "dropped"]) {
      const c = openClient(role, [["/", {}]], { query: { role } });
      await Promise.all([connected(c.sockets["/"]), c.ready]);
      roles[role] = c.sockets["/"];
    }

    const leaverGone = once(roles.leaver, "disconnect");
    roles.leaver.disconnect();
    await leaverGone;

    const kickedGone = once(roles.kicked, "disconnect");
    roles.kicked.emit("kick-me");
    await kickedGone;

    const closedGone = once(roles.closed, "disconnect");
    roles.closed.emit("close-me");
    await closedGone;

    const s = roles.dropped;
    const droppedGone = once(s, "disconnect");
    const back = droppedGone.then(() => once(s, "connect"));
    s.emit("drop-me");
    await droppedGone;
    await back;
    const [answer] = await ack(s, "hello-again");
    report({ event: "hello-again", id: s.id, value: answer });
    s.disconnect();
    done();
  },

  // shutdown: connect, report "ready"; the server shuts down; the client
  // sees the disconnection and starts reconnecting, then stops.
  async shutdown() {
    const c = openClient("c", [["/", {}]]);
    const s = c.sockets["/"];
    const gone = once(s, "disconnect");
    const attempt = once(c.m, "reconnect_attempt");
    await Promise.all([connected(s), c.ready]);
    report({ event: "ready" });
    await gone;
    await attempt;
    done();
  },

  // heartbeat: stay connected for params.stayMs, counting the pings the
  // client sends and the pongs it gets, then ask the server whether the
  // socket is still the same.
  async heartbeat() {
    const c = openClient("c", [["/", {}]], { reconnection: false });
    const s = c.sockets["/"];
    let pings = 0;
    let pongs = 0;
    s.on("ping", () => pings++);
    s.on("pong", () => pongs++);
    await Promise.all([connected(s), c.ready]);
    const id = s.id;
    await sleep(P.stayMs);
    const [answer] = await ack(s, "still-there");
    report({ event: "heartbeat", pings, pongs, id, value: answer, engineId: c.m.engine.id, transport: c.m.engine.transport.name });
    s.disconnect();
    done();
  },

  // silent: once connected and params.pongs pongs received, the engine
  // stops its heartbeat: no more pings, and no timeout of its own (it
  // still reads). The server must close the connection.
  async silent() {
    const c = openClient("c", [["/", {}]], { reconnection: false });
    const s = c.sockets["/"];
    let lastPing = 0;
    let pongs = 0;
    s.on("ping", () => (lastPing = Date.now()));
    await Promise.all([connected(s), c.ready]);
    while (pongs < P.pongs) {
      await once(s, "pong");
      pongs++;
    }
    const engine = c.m.engine;
    // engine.io-client 3.x: setPing schedules the next ping (again on
    // each pong), and onHeartbeat, run on every packet received, the
    // client's own timeout.
    clearTimeout(engine.pingIntervalTimer);
    clearTimeout(engine.pingTimeoutTimer);
    engine.setPing = () => {};
    engine.removeListener("heartbeat", engine.onHeartbeat);
    report({ event: "silent", at: Date.now(), lastPing, pongs });
    const [reason] = await once(s, "disconnect");
    report({ event: "gone", reason, lastPing, at: Date.now() });
    done();
  },
};

const run = scenarios[cfg.scenario];
if (!run) fatal(`unknown scenario ${cfg.scenario}`);
else run().then(() => done(), fatal);
