// The chat page: the official socket.io-client (the global `io`) against
// the Go server of cmd/chat. User text only ever goes into textContent.
"use strict";

const $ = (id) => document.getElementById(id);

// el makes an element with properties and children (strings become text).
function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

const socket = io();

const state = {
  nick: null, // chosen on the first screen
  rooms: new Map(), // joined rooms by name: {list, users, typers, unread}
  current: null, // the room shown
  catalog: [], // the rooms on offer: [{name, users}]
  online: false, // connected, and rooms rejoined
};

// request emits an event and resolves with the server's reply, or rejects
// with its error or on timeout.
async function request(event, arg) {
  const reply = await socket.timeout(10000).emitWithAck(event, arg);
  if (reply.error) throw new Error(reply.error);
  return reply;
}

// --- connection -----------------------------------------------------------

function setTransport(name) {
  document.body.dataset.transport = name;
  $("transport").textContent = name;
}

function setOnline(online) {
  state.online = online;
  document.body.dataset.state = online ? "connected" : "disconnected";
  for (const b of document.querySelectorAll("#send-form button, #join-form button, #rename-form button")) {
    b.disabled = !online;
  }
}

function showBanner(text) {
  $("banner").textContent = text;
  $("banner").hidden = false;
}

// The Manager (socket.io) owns the connection and its reconnection.
socket.io.on("open", () => {
  const engine = socket.io.engine;
  setTransport(engine.transport.name);
  engine.on("upgrade", (t) => setTransport(t.name));
});
socket.io.on("reconnect_attempt", (n) => showBanner(`Connection lost. Reconnecting (attempt ${n})…`));
socket.io.on("reconnect", () => { $("banner").hidden = true; });

socket.on("connect", async () => {
  $("banner").hidden = true;
  if (!state.nick) {
    setOnline(true);
    return;
  }
  // A reconnection: a new socket on the server, so tell it again who we
  // are and which rooms we are in.
  try {
    await request("nick", state.nick);
    for (const name of state.rooms.keys()) {
      const reply = await request("join", name);
      setUsers(name, reply.users);
    }
    setOnline(true);
  } catch (err) {
    showBanner(`Could not rejoin: ${err.message}`);
  }
});

socket.on("disconnect", (reason) => {
  setOnline(false);
  setTransport("–");
  if (reason === "io client disconnect") return;
  showBanner("Connection lost. Reconnecting…");
  if (reason === "io server disconnect") socket.connect(); // not automatic
});

// --- first screen and nickname ----------------------------------------------

$("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("login-error").textContent = "";
  try {
    const reply = await request("nick", $("nick").value);
    state.nick = reply.nick;
    $("me-nick").textContent = reply.nick;
    $("login").hidden = true;
    $("app").hidden = false;
    setOnline(socket.connected);
    await join("general");
    $("text").focus();
  } catch (err) {
    $("login-error").textContent = err.message;
  }
});

$("rename").addEventListener("click", () => {
  $("rename-form").hidden = !$("rename-form").hidden;
  $("rename-nick").value = state.nick;
  $("rename-nick").select();
});

$("rename-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const reply = await request("nick", $("rename-nick").value);
    state.nick = reply.nick;
    $("me-nick").textContent = reply.nick;
    $("rename-form").hidden = true;
    sideError("");
  } catch (err) {
    sideError(err.message);
  }
});

function sideError(text) {
  $("side-error").textContent = text;
}

// --- rooms ---------------------------------------------------------------------

// join joins a room and shows it; it reports whether that worked.
async function join(name) {
  try {
    const reply = await request("join", name);
    if (!state.rooms.has(reply.room)) {
      state.rooms.set(reply.room, { list: el("ol"), users: [], typers: new Map(), unread: 0 });
      addNotice(reply.room, `You joined #${reply.room}`);
    }
    setUsers(reply.room, reply.users);
    select(reply.room);
    sideError("");
    return true;
  } catch (err) {
    sideError(err.message);
    return false;
  }
}

async function leave(name) {
  try {
    await request("leave", name);
  } catch (err) {
    sideError(err.message);
    return;
  }
  state.rooms.delete(name);
  if (state.current === name) select(state.rooms.keys().next().value ?? null);
  renderRooms();
}

function select(name) {
  stopTyping();
  state.current = name;
  const room = state.rooms.get(name);
  $("messages").replaceChildren(room ? room.list : el("p", { className: "empty" }, "Join a room to start chatting."));
  $("room-title").textContent = room ? `#${name}` : "No room";
  $("leave").hidden = !room;
  $("send-form").hidden = !room;
  $("text").placeholder = room ? `Message #${name}` : "";
  if (room) room.unread = 0;
  renderRooms();
  renderUsers();
  renderTyping();
  scrollDown(true);
}

$("join-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  join($("join-name").value).then((ok) => { if (ok) $("join-name").value = ""; });
});

$("leave").addEventListener("click", () => state.current && leave(state.current));

socket.on("rooms", (catalog) => {
  state.catalog = catalog;
  renderRooms();
});

function renderRooms() {
  const names = state.catalog.map((r) => r.name);
  for (const name of state.rooms.keys()) if (!names.includes(name)) names.push(name);
  const counts = new Map(state.catalog.map((r) => [r.name, r.users]));
  $("rooms").replaceChildren(...names.map((name) => {
    const room = state.rooms.get(name);
    const classes = [room ? "joined" : "", name === state.current ? "current" : ""];
    const button = el("button", { type: "button", title: room ? `Show #${name}` : `Join #${name}` },
      el("span", { className: "name" }, name),
      room && room.unread ? el("span", { className: "unread" }, String(room.unread)) : null,
      el("span", { className: "count" }, String(counts.get(name) ?? 0)));
    button.addEventListener("click", () => (room ? select(name) : join(name)));
    return el("li", { className: classes.join(" ").trim() }, button);
  }));
}

// --- people ----------------------------------------------------------------------

socket.on("users", ({ room, users }) => setUsers(room, users));

function setUsers(name, users) {
  const room = state.rooms.get(name);
  if (!room) return;
  room.users = users;
  for (const id of room.typers.keys()) {
    if (!users.some((u) => u.id === id)) clearTyper(room, id);
  }
  if (name === state.current) {
    renderUsers();
    renderTyping();
  }
}

function renderUsers() {
  const room = state.rooms.get(state.current);
  const users = room ? room.users : [];
  $("user-count").textContent = room ? `(${users.length})` : "";
  $("users").replaceChildren(...users.map((u) =>
    el("li", {}, u.nick, u.id === socket.id ? el("span", { className: "you" }, "(you)") : null)));
}

// --- messages ----------------------------------------------------------------------

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

function messageItem({ from, text, time, mine }) {
  return el("li", { className: mine ? "msg mine" : "msg" },
    el("div", { className: "meta" },
      el("span", { className: "from" }, from),
      el("time", {}, timeFormat.format(new Date(time))),
      mine ? el("span", { className: "status" }) : null),
    el("div", { className: "text" }, text));
}

function setStatus(item, status, title) {
  const marks = { pending: "○", sent: "✓", failed: "!" };
  item.dataset.status = status;
  const s = item.querySelector(".status");
  s.textContent = marks[status];
  s.title = title;
}

function append(name, item) {
  const room = state.rooms.get(name);
  if (!room) return;
  const atBottom = isAtBottom();
  room.list.append(item);
  if (name === state.current) {
    scrollDown(atBottom);
  } else if (!item.classList.contains("notice")) {
    room.unread++;
    renderRooms();
  }
}

function addNotice(name, text) {
  append(name, el("li", { className: "notice" }, text));
}

function isAtBottom() {
  const m = $("messages");
  return m.scrollHeight - m.scrollTop - m.clientHeight < 40;
}

function scrollDown(really) {
  if (really) $("messages").scrollTop = $("messages").scrollHeight;
}

$("send-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const text = $("text").value.trim();
  const room = state.current;
  if (!text || !room || !state.online) return;
  $("text").value = "";
  stopTyping();
  const item = messageItem({ from: state.nick, text, time: Date.now(), mine: true });
  append(room, item);
  setStatus(item, "pending", "Sending…");
  scrollDown(true);
  try {
    await request("msg", { room, text });
    setStatus(item, "sent", "Delivered to the server");
  } catch (err) {
    setStatus(item, "failed", `Not sent: ${err.message}`);
  }
});

socket.on("msg", (m) => {
  const room = state.rooms.get(m.room);
  if (!room) return;
  clearTyper(room, m.fromId);
  if (m.room === state.current) renderTyping();
  append(m.room, messageItem({ from: m.from, text: m.text, time: m.time, mine: false }));
});

socket.on("notice", ({ room, text }) => addNotice(room, text));

// --- typing indicator ----------------------------------------------------------------
// While we type, the server hears "typing" at most every 2 s; it hears
// that we stopped after 3 s without a key, or when we send. Others forget
// a typer they have not heard from in 5 s.

const typing = { room: null, sent: 0, stop: null };

$("text").addEventListener("input", () => {
  if (!$("text").value.trim() || !state.current) {
    stopTyping();
    return;
  }
  const now = Date.now();
  if (typing.room !== state.current || now - typing.sent > 2000) {
    socket.emit("typing", { room: state.current, typing: true });
    typing.room = state.current;
    typing.sent = now;
  }
  clearTimeout(typing.stop);
  typing.stop = setTimeout(stopTyping, 3000);
});

function stopTyping() {
  clearTimeout(typing.stop);
  if (typing.room) socket.emit("typing", { room: typing.room, typing: false });
  typing.room = null;
}

socket.on("typing", ({ room: name, id, nick, typing: on }) => {
  const room = state.rooms.get(name);
  if (!room || id === socket.id) return;
  clearTyper(room, id);
  if (on) room.typers.set(id, { nick, timer: setTimeout(() => { clearTyper(room, id); renderTyping(); }, 5000) });
  if (name === state.current) renderTyping();
});

function clearTyper(room, id) {
  const t = room.typers.get(id);
  if (t) clearTimeout(t.timer);
  room.typers.delete(id);
}

function renderTyping() {
  const room = state.rooms.get(state.current);
  const nicks = room ? [...room.typers.values()].map((t) => t.nick) : [];
  let text = "";
  if (nicks.length === 1) text = `${nicks[0]} is typing…`;
  else if (nicks.length === 2) text = `${nicks[0]} and ${nicks[1]} are typing…`;
  else if (nicks.length > 2) text = `${nicks.length} people are typing…`;
  $("typing").textContent = text;
}

select(null);
