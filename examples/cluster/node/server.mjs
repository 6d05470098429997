// server.mjs is the Node.js server of examples/cluster: the chat demo's
// events (internal/chat, the Go server of cmd/chat) on socket.io, in a
// cluster with Go servers through @socket.io/redis-adapter. A browser
// cannot tell it from a Go server: same events, same replies, same lists,
// and the same room names in the cluster ("room:" + the chat room), so
// that a room has members on every server.
//
//	node server.mjs --redis redis://127.0.0.1:6379 --port 3002 [--name node] [--polling]
//
// It serves Socket.IO only (the page comes from the Go servers, through
// nginx), names itself in an X-Chat-Server header on every HTTP response,
// and prints "listening on HOST:PORT" once it accepts connections (with
// --port 0, on a port the system chose). SIGTERM or SIGINT closes it.
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";

const { values: opt } = parseArgs({
  options: {
    name: { type: "string", default: "node" },
    redis: { type: "string", default: "redis://127.0.0.1:6379" },
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "3000" },
    polling: { type: "boolean", default: false },
  },
});
const log = (...args) => console.error(`${opt.name}:`, ...args);

// ---- the chat: the same events as internal/chat/chat.go ----

const MAX_NICK = 24; // code points
const MAX_ROOM = 32;
const MAX_TEXT = 2000;
const DEFAULT_ROOMS = ["general", "random", "golang"];
const ROOM_PREFIX = "room:";
const roomKey = (name) => ROOM_PREFIX + name;

const errNoNick = "choose a nickname first";
const errNotIn = "join the room first";

// trim is Go's strings.TrimSpace, whose spaces are Unicode's White_Space.
const trim = (s) => s.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, "");
const runes = (s) => [...s].length;

// cleanName is chat.go's cleanName: 1 to max code points, no control
// characters.
function cleanName(s, max, what) {
  s = trim(s.toWellFormed());
  if (s === "") throw new Error(`empty ${what}`);
  if (runes(s) > max) throw new Error(`${what} too long`);
  if (/\p{Cc}/u.test(s)) throw new Error(`${what} has control characters`);
  return s;
}

// A socket's data is {nick}, as a Go socket's Data is: each server reads
// the other's in FetchSockets.
const nickOf = (socket) => socket.data?.nick ?? "";

function chatRooms(socket) {
  return [...socket.rooms].filter((r) => r.startsWith(ROOM_PREFIX)).map((r) => r.slice(ROOM_PREFIX.length)).sort(byCodeUnits);
}

function byCodeUnits(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// serial runs the changes of nicknames and rooms one at a time, with the
// lists they send, as chat.go's mutex does: every client gets this
// server's lists in the order of its changes.
let queue = Promise.resolve();
function serial(fn) {
  const run = queue.then(fn);
  queue = run.catch(() => {});
  return run;
}

let nextID = 0;

// users is the members of room across the cluster who chose a nickname.
async function users(room) {
  let sockets;
  try {
    sockets = await io.in(roomKey(room)).fetchSockets();
  } catch (err) {
    log(`failed to fetch the sockets of ${room}: ${err.message}`);
    return null;
  }
  return sockets
    .filter((s) => nickOf(s) !== "")
    .map((s) => ({ id: s.id, nick: nickOf(s) }))
    .sort((a, b) => byCodeUnits(a.nick.toLowerCase(), b.nick.toLowerCase()) || byCodeUnits(a.id, b.id));
}

// rooms is the default rooms and the rooms someone is in, across the
// cluster, with how many are in each.
async function rooms() {
  const counts = new Map();
  try {
    for (const s of await io.fetchSockets()) {
      for (const r of s.rooms) {
        if (r.startsWith(ROOM_PREFIX)) {
          const name = r.slice(ROOM_PREFIX.length);
          counts.set(name, (counts.get(name) ?? 0) + 1);
        }
      }
    }
  } catch (err) {
    log(`failed to fetch the sockets: ${err.message}`);
  }
  const out = DEFAULT_ROOMS.map((name) => ({ name, users: counts.get(name) ?? 0 }));
  for (const name of DEFAULT_ROOMS) counts.delete(name);
  const others = [...counts].map(([name, users]) => ({ name, users })).sort((a, b) => byCodeUnits(a.name, b.name));
  return out.concat(others);
}

function notice(socket, room, text) {
  io.to(roomKey(room)).except(socket.id).emit("notice", { room, text });
}

async function sendUsers(room) {
  io.to(roomKey(room)).emit("users", { room, users: await users(room) });
}

async function sendRooms() {
  io.emit("rooms", await rooms());
}

// reply is chat.go's Reply: its empty fields are left out.
function reply(fields) {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== "" && v !== 0 && v != null && !(Array.isArray(v) && v.length === 0)));
}

// answer runs a request and acknowledges it with its reply or its error.
async function answer(ack, fn) {
  let r;
  try {
    r = reply(await fn());
  } catch (err) {
    r = { error: err.message };
  }
  if (typeof ack === "function") ack(r);
}

function onConnection(socket) {
  socket.data = {};
  serial(async () => socket.emit("rooms", await rooms()));

  // An argument of the wrong type is ignored, unanswered, as the Go
  // server's typed handlers do.
  socket.on("nick", (name, ack) => {
    if (typeof name !== "string") return;
    answer(ack, async () => {
      const nick = cleanName(name, MAX_NICK, "nickname");
      return serial(async () => {
        const old = nickOf(socket);
        socket.data = { nick };
        if (old !== "" && old !== nick) {
          for (const r of chatRooms(socket)) {
            notice(socket, r, `${old} is now ${nick}`);
            await sendUsers(r);
          }
        }
        return { nick };
      });
    });
  });

  socket.on("join", (name, ack) => {
    if (typeof name !== "string") return;
    answer(ack, async () => {
      const room = cleanName(name, MAX_ROOM, "room name");
      const nick = nickOf(socket);
      if (nick === "") throw new Error(errNoNick);
      return serial(async () => {
        if (!chatRooms(socket).includes(room)) {
          socket.join(roomKey(room));
          notice(socket, room, `${nick} joined`);
          await sendUsers(room);
          await sendRooms();
        }
        return { room, users: await users(room) };
      });
    });
  });

  socket.on("leave", (room, ack) => {
    if (typeof room !== "string") return;
    answer(ack, () =>
      serial(async () => {
        if (chatRooms(socket).includes(room)) {
          socket.leave(roomKey(room));
          notice(socket, room, `${nickOf(socket)} left`);
          await sendUsers(room);
          await sendRooms();
        }
        return { room };
      }),
    );
  });

  socket.on("msg", (m, ack) => {
    if (!isFields(m, { room: "string", text: "string" })) return;
    answer(ack, async () => {
      const nick = nickOf(socket);
      const room = m.room ?? "";
      const text = trim(m.text ?? "");
      if (nick === "") throw new Error(errNoNick);
      if (!chatRooms(socket).includes(room)) throw new Error(errNotIn);
      if (text === "") throw new Error("empty message");
      if (runes(text) > MAX_TEXT) throw new Error("message too long");
      const msg = { id: ++nextID, room, from: nick, fromId: socket.id, text, time: Date.now() };
      socket.to(roomKey(room)).emit("msg", msg);
      return { id: msg.id, time: msg.time };
    });
  });

  socket.on("typing", (t) => {
    if (!isFields(t, { room: "string", typing: "boolean" })) return;
    const nick = nickOf(socket);
    if (nick === "" || !chatRooms(socket).includes(t.room)) return;
    socket.to(roomKey(t.room)).emit("typing", { room: t.room, id: socket.id, nick, typing: t.typing ?? false });
  });

  // While disconnecting the socket is still in its rooms: note them, and
  // once it is gone tell them who is left.
  let left = [];
  socket.on("disconnecting", () => {
    left = chatRooms(socket);
  });
  socket.on("disconnect", () => {
    if (left.length === 0) return;
    serial(async () => {
      for (const r of left) {
        notice(socket, r, `${nickOf(socket)} left`);
        await sendUsers(r);
      }
      await sendRooms();
    });
  });
}

// isFields tells whether v is an object whose fields named in types are
// absent or of those types, as a Go struct decodes.
function isFields(v, types) {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  return Object.entries(types).every(([k, t]) => v[k] == null || typeof v[k] === t);
}

// sameOrigin is internal/chat's SameOrigin: a page of another site may not
// connect. Behind nginx, Host is the one the browser sent.
function sameOrigin(req) {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

// ---- the server ----

const pub = createClient({ url: opt.redis });
const sub = pub.duplicate();
pub.on("error", (err) => log(`redis: ${err.message}`));
sub.on("error", (err) => log(`redis (subscriber): ${err.message}`));
await Promise.all([pub.connect(), sub.connect()]);

const httpServer = createServer((req, res) => {
  res.writeHead(404, { "Content-Type": "text/plain" }).end("not found: this server serves Socket.IO only\n");
});
const io = new Server(httpServer, {
  adapter: createAdapter(pub, sub),
  transports: opt.polling ? ["polling"] : ["polling", "websocket"],
  allowRequest: (req, cb) => (sameOrigin(req) ? cb(null, true) : cb("cross-origin request refused", false)),
  serveClient: false,
});
// Before engine.io's handler, so that its answers carry it too.
httpServer.prependListener("request", (req, res) => res.setHeader("X-Chat-Server", opt.name));
io.on("connection", onConnection);

httpServer.listen(Number(opt.port), opt.host, () => {
  const { address, port } = httpServer.address();
  console.log(`listening on ${address.includes(":") ? `[${address}]` : address}:${port}`);
});

// close closes the sockets and the HTTP server, then exits. The Redis
// connections end with the process: quitting them first would fail the
// answers the adapter still owes the other servers, which are stopping
// too, with ClientClosedError.
let closing = false;
function close() {
  if (closing) process.exit(1); // a second signal stops at once
  closing = true;
  setTimeout(() => process.exit(0), 3000).unref();
  io.close(() => process.exit(0));
}
process.on("SIGTERM", close);
process.on("SIGINT", close);
