// sioserver.mjs runs the official socket.io server (npm, the version pinned
// in ../package.json) on 127.0.0.1, for the Go tests of the Go Socket.IO
// client (../nodeserver_test.go starts and controls it). It reports what
// the server sees as JSON lines on stdout and takes commands as JSON lines
// on stdin.
//
// Usage:
//
//	node js/sioserver.mjs '<json config>'
//
// Config (every field optional; a missing one keeps the server's default):
//
//	port               port to listen on; 0 or missing: a free one
//	pingInterval       ms
//	pingTimeout        ms
//	maxHttpBufferSize  bytes
//	transports         e.g. ["polling"], ["websocket"]
//	connectTimeout     ms a client has to join a namespace
//	allowUpgrades      bool
//	upgradeTimeout     ms
//	parser             "msgpack": socket.io-msgpack-parser; missing: the
//	                   default parser
//
// Values: binary data (Buffer, ArrayBuffer, typed arrays) is written as
// {"$binary": "<base64>"} at any depth; commands' args may hold the same
// form for a Buffer.
//
// Lines written (field "event"):
//
//	listening        {port}, once the server listens
//	listenError      {code, message}, then the process exits with status 3
//	connection       {nsp, id, auth, query, engineId, transport}
//	rejected         {nsp, auth, engineId}: the /private middleware refused
//	disconnect       {nsp, id, reason}
//	received         {nsp, id, name, args, ack}: every event a client
//	                 sends to a socket, before its handler runs; ack tells
//	                 whether the client asked for an acknowledgement
//	engineOpen       {engineId, transport}
//	upgrade          {engineId, transport}
//	engineClose      {engineId, reason}
//	connectionError  {code, message}: engine.io refused a request
//	done             {cmd, seq, ...}: a command's answer; "error" if it
//	                 could not be carried out
//	error            {message}: an uncaught exception or rejection
//
// Namespaces "/", "/custom" and "/private" (whose middleware wants
// auth.token === "secret") handle the events:
//
//	echo           acks with its arguments, or, without an ack, emits "echo"
//	               with them
//	ask            emits "question" with its arguments to the client with
//	               an ack and a 5 s timeout, then emits "answer" with the
//	               client's reply arguments, or {error: message} on timeout;
//	               acks with no arguments at once if asked
//	engine         replies {clientsCount, engineId, transport}
//	handshake      replies {auth, query, headers}
//	disconnect-me  socket.disconnect()
//	close-me       socket.disconnect(true)
//	emit-binary    emits "binary" with {a: <01 02 03>, list: ["xyz" bytes, 7]}
//	               and <00 ff>; acks with no arguments if asked
//	ordered        acks with no arguments
//	flaky          acks with args[0] every second time it sees that value
//	               (the first try of each goes unacknowledged)
//
// where "replies" means acks with the value, or, without an ack, emits the
// event's name back with it.
//
// Commands on stdin, one JSON object a line; each is answered with a done
// line carrying its cmd and seq (seq is the caller's, echoed):
//
//	{"cmd":"emit","nsp":"/","event":"news","args":[...],"to":"<socket id or room>"}
//	    broadcasts to the namespace (or to the "to" room only)
//	{"cmd":"emitWithAck","nsp":"/","id":"<socket id>","event":"q","args":[...],"timeout":5000}
//	    done carries the client's reply as "args", or "reason" on timeout
//	{"cmd":"disconnect","nsp":"/","id":"<socket id>","close":false}
//	{"cmd":"disconnectAll","nsp":"/","close":false}
//	{"cmd":"close"}  io.close(); done once the server no longer listens
//
// The process exits when its stdin ends.

import { createServer } from "node:http";
import { writeSync } from "node:fs";
import { createInterface } from "node:readline";
import { Server } from "socket.io";
import msgpackParser from "socket.io-msgpack-parser";

process.on("uncaughtException", (err) => print({ event: "error", message: describe(err) }));
process.on("unhandledRejection", (err) => print({ event: "error", message: describe(err) }));

function describe(err) {
  return String(err && err.stack ? err.stack : err);
}

// print writes one line synchronously, so that nothing is lost when the
// process is killed right after.
function print(obj) {
  let buf = Buffer.from(JSON.stringify(obj) + "\n");
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(1, buf));
    } catch (err) {
      if (err.code !== "EAGAIN") process.exit(1); // nobody reads us any more
    }
  }
}

// enc turns binary values into {"$binary": base64}, at any depth.
function enc(v) {
  if (Buffer.isBuffer(v)) return { $binary: v.toString("base64") };
  if (v instanceof ArrayBuffer) return { $binary: Buffer.from(v).toString("base64") };
  if (ArrayBuffer.isView(v)) return { $binary: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64") };
  if (Array.isArray(v)) return v.map(enc);
  if (v !== null && typeof v === "object") {
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = enc(x);
    return o;
  }
  return v;
}

// dec turns {"$binary": base64} back into Buffers, at any depth.
function dec(v) {
  if (Array.isArray(v)) return v.map(dec);
  if (v !== null && typeof v === "object") {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === "$binary" && typeof v.$binary === "string") {
      return Buffer.from(v.$binary, "base64");
    }
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = dec(x);
    return o;
  }
  return v;
}

const cfg = JSON.parse(process.argv[2] ?? "{}");

const opts = { serveClient: false };
for (const k of ["pingInterval", "pingTimeout", "maxHttpBufferSize", "transports", "connectTimeout", "allowUpgrades", "upgradeTimeout"]) {
  if (cfg[k] !== undefined && cfg[k] !== null) opts[k] = cfg[k];
}
if (cfg.parser === "msgpack") opts.parser = msgpackParser;
else if (cfg.parser) throw new Error(`unknown parser ${cfg.parser}`);

const httpServer = createServer();
const io = new Server(httpServer, opts);

io.engine.on("connection", (conn) => {
  print({ event: "engineOpen", engineId: conn.id, transport: conn.transport.name });
  conn.on("upgrade", (transport) => print({ event: "upgrade", engineId: conn.id, transport: transport.name }));
  conn.on("close", (reason) => print({ event: "engineClose", engineId: conn.id, reason }));
});
io.engine.on("connection_error", (err) => {
  print({ event: "connectionError", code: String(err.code), message: err.message });
});

io.of("/private").use((socket, next) => {
  const auth = socket.handshake.auth ?? {};
  if (auth.token === "secret") return next();
  print({ event: "rejected", nsp: "/private", auth: enc(auth), engineId: socket.conn.id });
  const err = new Error("not authorized");
  err.data = { reason: "bad token", token: auth.token ?? null };
  next(err);
});

for (const name of ["/", "/custom", "/private"]) handle(io.of(name));

// splitAck separates an event's arguments from its ack function.
function splitAck(args) {
  if (args.length > 0 && typeof args[args.length - 1] === "function") {
    return [args.slice(0, -1), args[args.length - 1]];
  }
  return [args, null];
}

function handle(nsp) {
  const seen = new Map(); // flaky: times each args[0] was seen, by its JSON
  nsp.on("connection", (socket) => {
    print({
      event: "connection",
      nsp: nsp.name,
      id: socket.id,
      auth: enc(socket.handshake.auth),
      query: enc(socket.handshake.query),
      engineId: socket.conn.id,
      transport: socket.conn.transport.name,
    });
    socket.on("disconnect", (reason) => print({ event: "disconnect", nsp: nsp.name, id: socket.id, reason }));
    socket.onAny((name, ...rest) => {
      const [args, ack] = splitAck(rest);
      print({ event: "received", nsp: nsp.name, id: socket.id, name, args: enc(args), ack: ack !== null });
    });

    // reply acks with v, or emits name with it.
    const reply = (name, ack, v) => (ack ? ack(v) : socket.emit(name, v));

    socket.on("echo", (...rest) => {
      const [args, ack] = splitAck(rest);
      if (ack) ack(...args);
      else socket.emit("echo", ...args);
    });
    socket.on("ask", (...rest) => {
      const [args, ack] = splitAck(rest);
      if (ack) ack();
      socket.timeout(5000).emit("question", ...args, (err, ...answer) => {
        if (err) socket.emit("answer", { error: err.message });
        else socket.emit("answer", ...answer);
      });
    });
    socket.on("engine", (...rest) => {
      const [, ack] = splitAck(rest);
      reply("engine", ack, {
        clientsCount: io.engine.clientsCount,
        engineId: socket.conn.id,
        transport: socket.conn.transport.name,
      });
    });
    socket.on("handshake", (...rest) => {
      const [, ack] = splitAck(rest);
      const h = socket.handshake;
      reply("handshake", ack, { auth: h.auth, query: h.query, headers: h.headers });
    });
    socket.on("disconnect-me", () => socket.disconnect());
    socket.on("close-me", () => socket.disconnect(true));
    socket.on("emit-binary", (...rest) => {
      const [, ack] = splitAck(rest);
      socket.emit("binary", { a: Buffer.from([1, 2, 3]), list: [Buffer.from("xyz"), 7] }, Buffer.from([0, 255]));
      if (ack) ack();
    });
    socket.on("ordered", (...rest) => {
      const [, ack] = splitAck(rest);
      if (ack) ack();
    });
    socket.on("flaky", (...rest) => {
      const [args, ack] = splitAck(rest);
      const key = JSON.stringify(enc(args[0]) ?? null);
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      if (ack && n % 2 === 0) ack(args[0]);
    });
  });
}

// Commands.
const commands = {
  emit(cmd) {
    const nsp = io.of(cmd.nsp ?? "/");
    const target = cmd.to ? nsp.to(cmd.to) : nsp;
    target.emit(cmd.event, ...dec(cmd.args ?? []));
    return {};
  },
  emitWithAck(cmd) {
    const socket = io.of(cmd.nsp ?? "/").sockets.get(cmd.id);
    if (!socket) throw new Error(`no socket ${cmd.id} in ${cmd.nsp ?? "/"}`);
    return new Promise((resolve) => {
      socket.timeout(cmd.timeout ?? 5000).emit(cmd.event, ...dec(cmd.args ?? []), (err, ...answer) => {
        resolve(err ? { reason: err.message } : { args: enc(answer) });
      });
    });
  },
  disconnect(cmd) {
    const socket = io.of(cmd.nsp ?? "/").sockets.get(cmd.id);
    if (!socket) throw new Error(`no socket ${cmd.id} in ${cmd.nsp ?? "/"}`);
    socket.disconnect(Boolean(cmd.close));
    return {};
  },
  disconnectAll(cmd) {
    io.of(cmd.nsp ?? "/").disconnectSockets(Boolean(cmd.close));
    return {};
  },
  close() {
    // io.close() disconnects every socket, then stops listening; answer
    // once it no longer listens (its connections may end later).
    io.close();
    return new Promise((resolve) => {
      const check = () => (httpServer.listening ? setImmediate(check) : resolve({}));
      check();
    });
  },
};

createInterface({ input: process.stdin })
  .on("line", (line) => {
    if (line.trim() === "") return;
    let cmd = {};
    const done = (extra) => print({ event: "done", cmd: cmd.cmd ?? null, seq: cmd.seq, ...extra });
    const failed = (err) => done({ error: err instanceof Error ? err.message : String(err) });
    try {
      cmd = JSON.parse(line);
      if (!Object.hasOwn(commands, cmd.cmd)) throw new Error(`unknown command ${JSON.stringify(cmd.cmd)}`);
      const extra = commands[cmd.cmd](cmd);
      if (extra instanceof Promise) extra.then(done, failed);
      else done(extra);
    } catch (err) {
      failed(err);
    }
  })
  .on("close", () => process.exit(0));

let listening = false;
httpServer.on("error", (err) => {
  if (listening) {
    print({ event: "error", message: describe(err) });
    return;
  }
  print({ event: "listenError", code: err.code ?? null, message: err.message });
  process.exit(3);
});
httpServer.listen(cfg.port ?? 0, "127.0.0.1", () => {
  listening = true;
  print({ event: "listening", port: httpServer.address().port });
});
