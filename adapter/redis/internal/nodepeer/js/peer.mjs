// peer.mjs is the Node.js side of a mixed Go/Node Socket.IO cluster in the
// Go tests of the Redis adapter: one process that runs, on command, any
// number of socket.io servers with @socket.io/redis-adapter (classic or
// sharded), @socket.io/redis-emitter emitters, and socket.io-client
// clients. The Go driver is ../peer.go.
//
// Protocol: one JSON object a line on stdin, each a command with an "id"
// and an "op"; each command is answered, in the order it finishes (commands
// run concurrently), by one line on stdout:
//
//	{"id": <id>, "ok": true, "result": <value>}
//	{"id": <id>, "error": "<message>"}
//
// What happens meanwhile is reported as lines with an "event" field and no
// "id". The first line is {"event": "ready", "versions": {...}}. stdin's
// end, like the "exit" op, closes everything and exits 0, so that a Go test
// that dies leaves no node process behind.
//
// Values: binary data is {"$bin": "<hex>"} both ways (a Buffer in Node);
// undefined is reported as {"$undefined": true}, an Error as {"$error":
// message}.
//
// Deterministic answers, so that the Go side can predict them:
//   - a client that receives an event with an acknowledgement callback
//     answers {"client": <client name>, "event": <event name>};
//   - a server that receives a server-side emit with an acknowledgement
//     callback answers "node-<first arg>@<server name>", the first argument
//     as a string, or as JSON when it is not one;
//   - a server socket answers a client's "ack" event with the event's first
//     argument.
//
// The ops and their fields are listed in README.md beside this file.

import { createServer } from "node:http";
import { writeSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { Server } from "socket.io";
import { createAdapter, createShardedAdapter } from "@socket.io/redis-adapter";
import { Emitter } from "@socket.io/redis-emitter";
import { io as connectClient } from "socket.io-client";
import { createClient, createCluster } from "redis";

// ---- output ----

// writeLine writes one line synchronously, so that nothing is lost when the
// process exits right after. A full pipe (EAGAIN) is waited out.
function writeLine(obj) {
  const buf = Buffer.from(JSON.stringify(obj) + "\n");
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off);
    } catch (err) {
      if (err.code !== "EAGAIN") throw err;
    }
  }
}

let exiting = false;

function report(obj) {
  if (!exiting) writeLine(obj);
}

// enc turns a value into JSON, binary data as {"$bin": hex}.
function enc(v) {
  if (v === undefined) return { $undefined: true };
  if (typeof v === "function") return { $fn: true };
  if (Buffer.isBuffer(v)) return { $bin: v.toString("hex") };
  if (v instanceof ArrayBuffer) return { $bin: Buffer.from(v).toString("hex") };
  if (ArrayBuffer.isView(v)) return { $bin: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex") };
  if (Array.isArray(v)) return v.map(enc);
  if (v instanceof Error) return { $error: v.message };
  if (v instanceof Set) return [...v].map(enc);
  if (v !== null && typeof v === "object") {
    const o = {};
    for (const k of Object.keys(v)) o[k] = enc(v[k]);
    return o;
  }
  return v;
}

// dec turns a command's value into what is sent: {"$bin": hex} becomes a
// Buffer.
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

function errMessage(err) {
  return err && err.message !== undefined ? String(err.message) : String(err);
}

// describe flattens a disconnect or connect_error detail to JSON.
function describe(d) {
  if (d === undefined || d === null) return null;
  if (typeof d === "string" || typeof d === "number") return d;
  const o = {};
  if (d.message !== undefined) o.message = String(d.message);
  if (d.description !== undefined) o.description = describe(d.description);
  if (typeof d.type === "string") o.type = d.type;
  if (d.data !== undefined) o.data = enc(d.data);
  return o;
}

// ---- state ----

const servers = new Map(); // name -> {name, port, io, http, redis: [pub, sub], mode}
const emitters = new Map(); // name -> {name, emitter, client, pending: Set<Promise>}
const clients = new Map(); // name -> {name, socket}

function need(map, what, name) {
  if (name === undefined && map.size === 1) return map.values().next().value;
  const v = map.get(name);
  if (!v) throw new Error(`no ${what} named ${JSON.stringify(name)} (have ${JSON.stringify([...map.keys()])})`);
  return v;
}

// redisClients connects a publishing client and its duplicate for
// subscriptions, to a server ("redis": URL) or a cluster ("cluster":
// ["host:port", ...]). Errors are reported with owner as "owner".
async function redisClients(cmd, owner, count) {
  let first;
  if (Array.isArray(cmd.cluster) && cmd.cluster.length > 0) {
    first = createCluster({ rootNodes: cmd.cluster.map((a) => ({ url: a.includes("://") ? a : `redis://${a}` })) });
  } else if (typeof cmd.redis === "string") {
    first = createClient({ url: cmd.redis });
  } else {
    throw new Error(`"redis" (a URL) or "cluster" (addresses) is required`);
  }
  const all = [first];
  while (all.length < count) all.push(first.duplicate());
  for (const c of all) c.on("error", (err) => report({ event: "redisError", owner, error: errMessage(err) }));
  await Promise.all(all.map((c) => c.connect()));
  return all;
}

async function closeRedis(list) {
  await Promise.allSettled(
    list.map(async (c) => {
      try {
        await c.quit();
      } catch {
        await c.disconnect().catch(() => {});
      }
    }),
  );
}

// serverSideAnswer is the answer of server srv to a server-side emit.
function serverSideAnswer(srv, args) {
  const first = typeof args[0] === "string" ? args[0] : JSON.stringify(enc(args[0]));
  return `node-${first}@${srv.name}`;
}

// setupNamespace reports and answers what happens on namespace nsp of
// srv. It is called once per namespace object.
function setupNamespace(srv, nsp) {
  // Every server-side emit, whatever its event name, comes through here
  // (both adapters call it); the namespace has no listeners of its own.
  nsp._onServerSideEmit = (args) => {
    args = [...args];
    const cb = typeof args[args.length - 1] === "function" ? args.pop() : undefined;
    const [name, ...rest] = args;
    const ev = { event: "serverSideEmit", server: srv.name, nsp: nsp.name, name, args: enc(rest) };
    if (cb) ev.ack = serverSideAnswer(srv, rest);
    report(ev);
    if (cb) cb(ev.ack);
  };
  nsp.on("connection", (socket) => {
    const auth = socket.handshake.auth ?? {};
    if (auth.data !== undefined) socket.data = auth.data;
    if (Array.isArray(auth.rooms)) socket.join(auth.rooms);
    report({ event: "connection", server: srv.name, nsp: nsp.name, id: socket.id, rooms: [...socket.rooms] });
    socket.onAny((name, ...args) => {
      const cb = typeof args[args.length - 1] === "function" ? args.pop() : undefined;
      report({ event: "serverRecv", server: srv.name, nsp: nsp.name, id: socket.id, name, args: enc(args), ack: !!cb });
    });
    socket.on("ack", (...args) => {
      const cb = args[args.length - 1];
      if (typeof cb === "function") cb(args[0]);
    });
    socket.on("disconnect", (reason) =>
      report({ event: "serverDisconnect", server: srv.name, nsp: nsp.name, id: socket.id, reason }),
    );
  });
}

// namespace returns namespace name of srv, created (and its adapter
// subscribed to Redis) on first use.
function namespace(srv, name = "/") {
  return srv.io.of(name);
}

// target applies the selector sel to a namespace: a BroadcastOperator,
// or the namespace itself when sel selects nothing.
function target(nsp, sel = {}, { emitter = false } = {}) {
  let b = nsp;
  if (sel.rooms && sel.rooms.length) b = b.to(sel.rooms);
  if (sel.except && sel.except.length) b = b.except(sel.except);
  if (sel.volatile) b = b.volatile;
  if (sel.compress !== undefined) b = b.compress(sel.compress);
  if (emitter) return b;
  if (sel.local) b = b.local;
  if (sel.timeout !== undefined) b = b.timeout(sel.timeout);
  return b;
}

// withAck runs a promise-returning emit and reports its outcome as
// {responses} or {error, responses} (the partial responses).
async function withAck(p) {
  try {
    return { responses: enc(await p) };
  } catch (err) {
    return { error: errMessage(err), responses: enc(err.responses ?? []) };
  }
}

function socketInfo(s) {
  // A local socket's handshake holds no sessionStore; a remote one's is
  // plain JSON already.
  return {
    id: s.id,
    handshake: enc(s.handshake),
    rooms: [...s.rooms],
    data: enc(s.data),
    local: !!s.server,
  };
}

// ---- ops ----

const ops = {
  // server starts a socket.io server with a Redis adapter.
  async server(c) {
    const name = c.name ?? `node-${c.port}`;
    if (servers.has(name)) throw new Error(`server ${name} exists`);
    if (!Number.isInteger(c.port)) throw new Error(`"port" is required`);
    const mode = c.mode ?? "classic";
    const redis = await redisClients(c, name, 2);
    const [pub, sub] = redis;
    let adapter;
    if (mode === "classic") adapter = createAdapter(pub, sub, c.options ?? {});
    else if (mode === "sharded") adapter = createShardedAdapter(pub, sub, c.options ?? {});
    else {
      await closeRedis(redis);
      throw new Error(`unknown mode ${JSON.stringify(mode)}`);
    }
    const http = createServer();
    const io = new Server(http, { ...(c.serverOptions ?? {}), adapter });
    const srv = { name, port: c.port, io, http, redis, mode };
    setupNamespace(srv, io.sockets);
    io.on("new_namespace", (nsp) => setupNamespace(srv, nsp));
    // Any other namespace a client asks for exists, as a child of this one.
    io.of(/^\/.+$/);
    for (const n of c.namespaces ?? []) namespace(srv, n);
    try {
      await new Promise((resolve, reject) => {
        http.once("error", reject);
        http.listen(c.port, "127.0.0.1", () => {
          http.off("error", reject);
          resolve();
        });
      });
    } catch (err) {
      io.close();
      await closeRedis(redis);
      throw err;
    }
    servers.set(name, srv);
    return { name, port: c.port, url: `http://127.0.0.1:${c.port}`, uids: uids(srv) };
  },

  // uids returns the adapter uid of each namespace of a server.
  async uids(c) {
    return uids(need(servers, "server", c.server));
  },

  async serverClose(c) {
    const srv = need(servers, "server", c.server);
    servers.delete(srv.name);
    await closeServer(srv);
    return true;
  },

  async emit(c) {
    const srv = need(servers, "server", c.server);
    target(namespace(srv, c.nsp), c.select).emit(c.event, ...dec(c.args ?? []));
    return true;
  },

  async emitWithAck(c) {
    const srv = need(servers, "server", c.server);
    const sel = { timeout: 5000, ...(c.select ?? {}) };
    return withAck(target(namespace(srv, c.nsp), sel).emitWithAck(c.event, ...dec(c.args ?? [])));
  },

  async fetchSockets(c) {
    const srv = need(servers, "server", c.server);
    const sockets = await target(namespace(srv, c.nsp), c.select).fetchSockets();
    return sockets.map(socketInfo);
  },

  async socketsJoin(c) {
    const srv = need(servers, "server", c.server);
    target(namespace(srv, c.nsp), c.select).socketsJoin(c.rooms);
    return true;
  },

  async socketsLeave(c) {
    const srv = need(servers, "server", c.server);
    target(namespace(srv, c.nsp), c.select).socketsLeave(c.rooms);
    return true;
  },

  async disconnectSockets(c) {
    const srv = need(servers, "server", c.server);
    target(namespace(srv, c.nsp), c.select).disconnectSockets(!!c.close);
    return true;
  },

  async serverSideEmit(c) {
    const srv = need(servers, "server", c.server);
    namespace(srv, c.nsp).serverSideEmit(c.event, ...dec(c.args ?? []));
    return true;
  },

  async serverSideEmitWithAck(c) {
    const srv = need(servers, "server", c.server);
    return withAck(namespace(srv, c.nsp).serverSideEmitWithAck(c.event, ...dec(c.args ?? [])));
  },

  async serverCount(c) {
    const srv = need(servers, "server", c.server);
    return await namespace(srv, c.nsp).adapter.serverCount();
  },

  async allRooms(c) {
    const srv = need(servers, "server", c.server);
    const adapter = namespace(srv, c.nsp).adapter;
    if (typeof adapter.allRooms !== "function") throw new Error(`the ${srv.mode} adapter has no allRooms()`);
    return [...(await adapter.allRooms())].sort();
  },

  // remoteSocket finds socket c.socket with fetchSockets (through Redis
  // when it is on another server) and applies c.action to it.
  async remoteSocket(c) {
    const srv = need(servers, "server", c.server);
    const sockets = await namespace(srv, c.nsp).in(c.socket).fetchSockets();
    const s = sockets.find((x) => x.id === c.socket);
    if (!s) throw new Error(`no socket ${c.socket} in namespace ${c.nsp ?? "/"}`);
    switch (c.action) {
      case "emit":
        s.emit(c.event, ...dec(c.args ?? []));
        break;
      case "join":
        s.join(c.rooms);
        break;
      case "leave":
        for (const r of [].concat(c.rooms ?? [])) s.leave(r);
        break;
      case "disconnect":
        s.disconnect(!!c.close);
        break;
      default:
        throw new Error(`unknown remoteSocket action ${JSON.stringify(c.action)}`);
    }
    return { local: !!s.server };
  },

  // emitter creates a @socket.io/redis-emitter Emitter.
  async emitter(c) {
    const name = c.name ?? `emitter-${emitters.size + 1}`;
    if (emitters.has(name)) throw new Error(`emitter ${name} exists`);
    const [client] = await redisClients(c, name, 1);
    const pending = new Set();
    // The emitter publishes without waiting; this wrapper lets each op
    // answer only once Redis has taken its messages.
    const publisher = {
      publish(channel, msg) {
        const p = client.publish(channel, msg).finally(() => pending.delete(p));
        pending.add(p);
        return p;
      },
    };
    emitters.set(name, { name, emitter: new Emitter(publisher, c.options ?? {}), client, pending });
    return { name };
  },

  async emitterEmit(c) {
    return emitterDo(c, (e) => target(e, c.select, { emitter: true }).emit(c.event, ...dec(c.args ?? [])));
  },

  async emitterSocketsJoin(c) {
    return emitterDo(c, (e) => target(e, c.select, { emitter: true }).socketsJoin(c.rooms));
  },

  async emitterSocketsLeave(c) {
    return emitterDo(c, (e) => target(e, c.select, { emitter: true }).socketsLeave(c.rooms));
  },

  async emitterDisconnectSockets(c) {
    return emitterDo(c, (e) => target(e, c.select, { emitter: true }).disconnectSockets(!!c.close));
  },

  async emitterServerSideEmit(c) {
    return emitterDo(c, (e) => e.serverSideEmit(c.event, ...dec(c.args ?? [])));
  },

  // client connects a socket.io-client socket and answers once it is
  // connected, with its id.
  async client(c) {
    const name = c.name;
    if (typeof name !== "string" || name === "") throw new Error(`"name" is required`);
    if (clients.has(name)) throw new Error(`client ${name} exists`);
    const nsp = c.nsp ?? "/";
    const opts = { forceNew: true, reconnection: false, timeout: 5000, ...(c.options ?? {}) };
    if (c.transports) opts.transports = c.transports;
    if (c.auth !== undefined) opts.auth = dec(c.auth);
    const socket = connectClient(c.url.replace(/\/$/, "") + (nsp === "/" ? "" : nsp), { ...opts, autoConnect: false });
    const cl = { name, socket };
    clients.set(name, cl);
    socket.on("connect", () => report({ event: "connect", client: name, nsp, id: socket.id }));
    socket.on("disconnect", (reason, d) =>
      report({ event: "disconnect", client: name, nsp, reason, description: describe(d) }),
    );
    socket.on("connect_error", (err) =>
      report({ event: "connect_error", client: name, nsp, message: errMessage(err), data: enc(err.data) }),
    );
    socket.onAny((ev, ...args) => {
      const cb = typeof args[args.length - 1] === "function" ? args.pop() : undefined;
      const r = { event: "recv", client: name, nsp, name: ev, args: enc(args) };
      if (cb) r.ack = { client: name, event: ev };
      report(r);
      if (cb) cb(r.ack);
    });
    await new Promise((resolve, reject) => {
      const ok = () => {
        socket.off("connect_error", ko);
        resolve();
      };
      const ko = (err) => {
        socket.off("connect", ok);
        clients.delete(name);
        socket.close();
        reject(new Error(`client ${name}: connect_error: ${errMessage(err)}`));
      };
      socket.once("connect", ok);
      socket.once("connect_error", ko);
      socket.connect();
    });
    return { id: socket.id };
  },

  // clientEmit emits from a client; with "ack" it answers with the
  // acknowledgement's arguments (with "timeout", an error after that
  // many ms).
  async clientEmit(c) {
    const { socket } = need(clients, "client", c.client);
    const args = dec(c.args ?? []);
    if (!c.ack) {
      socket.emit(c.event, ...args);
      return true;
    }
    return await new Promise((resolve, reject) => {
      if (c.timeout !== undefined) {
        socket.timeout(c.timeout).emit(c.event, ...args, (err, ...res) => (err ? reject(err) : resolve(enc(res))));
      } else {
        socket.emit(c.event, ...args, (...res) => resolve(enc(res)));
      }
    });
  },

  async clientClose(c) {
    const cl = need(clients, "client", c.client);
    clients.delete(cl.name);
    cl.socket.disconnect();
    return true;
  },

  async exit() {
    setImmediate(() => shutdown(0));
    return true;
  },
};

function uids(srv) {
  const o = {};
  for (const [name, nsp] of srv.io._nsps) o[name] = nsp.adapter.uid;
  return o;
}

async function emitterDo(c, fn) {
  const e = need(emitters, "emitter", c.emitter);
  fn(c.nsp && c.nsp !== "/" ? e.emitter.of(c.nsp) : e.emitter);
  await Promise.allSettled([...e.pending]);
  return true;
}

async function closeServer(srv) {
  await srv.io.close();
  await closeRedis(srv.redis);
}

// ---- main loop ----

async function run(line) {
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (err) {
    writeLine({ id: null, error: `bad command line: ${errMessage(err)}` });
    return;
  }
  const id = cmd.id ?? null;
  const op = ops[cmd.op];
  if (!op) {
    writeLine({ id, error: `unknown op ${JSON.stringify(cmd.op)}` });
    return;
  }
  try {
    const result = await op(cmd);
    if (!exiting || cmd.op === "exit") writeLine({ id, ok: true, result: result === undefined ? null : result });
  } catch (err) {
    if (!exiting) writeLine({ id, error: `${cmd.op}: ${errMessage(err)}` });
  }
}

let shuttingDown = false;

async function shutdown(code) {
  if (shuttingDown) return;
  shuttingDown = true;
  exiting = true;
  setTimeout(() => process.exit(code), 3000).unref();
  for (const cl of clients.values()) cl.socket.disconnect();
  await Promise.allSettled([
    ...[...servers.values()].map(closeServer),
    ...[...emitters.values()].map((e) => closeRedis([e.client])),
  ]);
  process.exit(code);
}

process.on("uncaughtException", (err) => {
  writeLine({ event: "fatal", error: String(err && err.stack ? err.stack : err) });
  shutdown(1);
});
process.on("unhandledRejection", (err) => {
  report({ event: "unhandledRejection", error: String(err && err.stack ? err.stack : err) });
});

function version(pkg) {
  const url = new URL(`./node_modules/${pkg}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")).version;
}

writeLine({
  event: "ready",
  pid: process.pid,
  node: process.version,
  versions: Object.fromEntries(
    ["socket.io", "socket.io-adapter", "@socket.io/redis-adapter", "@socket.io/redis-emitter", "socket.io-client", "redis"].map(
      (p) => [p, version(p)],
    ),
  ),
});

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", (line) => {
  if (line.trim() !== "") run(line);
});
rl.on("close", () => shutdown(0));
