// browser-page.js holds the scenarios that js/browser.mjs runs in a page
// of headless Chromium, after the page has loaded a Socket.IO client
// bundle, which defines the global io: socket.io-client 2.x's for
// "legacy", 4.x's with socket.io-msgpack-parser for "msgpack". A plain
// script, as such pages had them.
//
// Values are reported as socketio-client.mjs reports them, binary data as
// {"$bin": "<hex>"} (its types listed apart), and params give binary data
// to send as {"$bin": "<hex>", "as": "Uint8Array"} (an ArrayBuffer
// without "as").
"use strict";

(function () {
  const pending = [];

  // report hands one event to browser.mjs (window.report, exposed by
  // Playwright); runScenario waits for them all before it resolves.
  function report(obj) {
    pending.push(window.report(obj));
  }

  function expect(cond, what) {
    if (!cond) throw new Error(`page expectation failed: ${what}`);
  }

  function isBinary(v) {
    return v instanceof ArrayBuffer || ArrayBuffer.isView(v);
  }

  function hex(v) {
    const u8 = v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function enc(v) {
    if (v === undefined) return { $undefined: true };
    if (typeof v === "function") return { $fn: true };
    if (isBinary(v)) return { $bin: hex(v) };
    if (Array.isArray(v)) return v.map(enc);
    if (v instanceof Error) return { $error: v.message };
    if (v !== null && typeof v === "object") {
      const o = {};
      for (const k of Object.keys(v)) o[k] = enc(v[k]);
      return o;
    }
    return v;
  }

  function dec(v) {
    if (Array.isArray(v)) return v.map(dec);
    if (v !== null && typeof v === "object") {
      if (typeof v.$bin === "string") {
        const u8 = new Uint8Array(v.$bin.length / 2);
        for (let i = 0; i < u8.length; i++) u8[i] = parseInt(v.$bin.substr(2 * i, 2), 16);
        return v.as === "Uint8Array" ? u8 : u8.buffer;
      }
      const o = {};
      for (const k of Object.keys(v)) o[k] = dec(v[k]);
      return o;
    }
    return v;
  }

  // binaryTypes lists the types of the binary values in v, depth first.
  function binaryTypes(v, out = []) {
    if (isBinary(v)) out.push(v.constructor.name);
    else if (Array.isArray(v)) v.forEach((x) => binaryTypes(x, out));
    else if (v !== null && typeof v === "object") Object.values(v).forEach((x) => binaryTypes(x, out));
    return out;
  }

  function once(emitter, ev) {
    return new Promise((resolve) => emitter.once(ev, (...args) => resolve(args)));
  }

  function ack(s, ev, ...args) {
    return new Promise((resolve) => s.emit(ev, ...args, (...res) => resolve(res)));
  }

  // watch reports a socket's connections, refusals and disconnections,
  // with client set to name.
  function watch(s, name, nsp, engine) {
    s.on("connect", () => report({ event: "connect", client: name, nsp, id: s.id, engineId: engine().id }));
    s.on("disconnect", (reason) => report({ event: "disconnect", client: name, nsp, reason }));
    s.on("error", (data) => report({ event: "error", client: name, nsp, data: enc(data) }));
    s.on("connect_error", (err) =>
      report({ event: "connect_error", client: name, nsp, message: err.message, data: enc(err.data) }),
    );
  }

  // answer makes s answer the server's sbin (with params.sbinReply) and
  // report it and tell.
  function answer(s, P) {
    s.on("sbin", (...args) => {
      const cb = args.pop();
      report({ event: "sbin", args: enc(args), types: binaryTypes(args), callback: typeof cb === "function" });
      cb(...dec(P.sbinReply));
    });
    s.on("tell", (...args) => report({ event: "tell", args: enc(args), types: binaryTypes(args) }));
  }

  // emits emits echo (with params.echoArgs) and serve-me, and reports
  // their acknowledgements.
  async function emits(s, P) {
    const echo = await ack(s, "echo", ...dec(P.echoArgs));
    report({ event: "echo-ack", args: enc(echo), types: binaryTypes(echo) });
    const [served] = await ack(s, "serve-me");
    report({ event: "served", value: served });
  }

  const scenarios = {
    // legacy: socket.io-client 2.x with params.opts (JSONP polling, or
    // XHR polling). Client "c" on "/" and "/admin" (query token abc):
    // who am I, then emits both ways; client "refused" on "/admin" with a
    // bad token.
    async legacy(P) {
      const m = new io.Manager(P.url, { autoConnect: false, reconnection: false, ...P.opts });
      const engine = () => m.engine;
      m.on("open", () =>
        report({ event: "open", client: "c", transport: m.engine.transport.name, engineId: m.engine.id, query: m.engine.transport.query }),
      );
      const main = m.socket("/");
      const admin = m.socket("/admin", { query: { token: "abc" } });
      watch(main, "c", "/", engine);
      watch(admin, "c", "/admin", engine);
      answer(main, P);
      const up = Promise.all([once(main, "connect"), once(admin, "connect")]);
      main.open();
      admin.open();
      await up;
      for (const s of [main, admin]) {
        const [info] = await ack(s, "whoami");
        report({ event: "whoami", nsp: s.nsp, id: s.id, info });
      }
      await emits(main, P);

      const r = new io.Manager(P.url, { autoConnect: false, reconnection: false, ...P.opts });
      const bad = r.socket("/admin", { query: { token: "bad" } });
      watch(bad, "refused", "/admin", () => r.engine);
      const refused = once(bad, "error");
      bad.open();
      await refused;

      admin.disconnect();
      main.disconnect();
      r.close();
    },

    // msgpack: socket.io-client 4.x with socket.io-msgpack-parser, on
    // params.transports. Client "c" on "/" and "/admin" (auth token abc):
    // who am I, emits both ways; client "d" on "/" too: both join a room,
    // and get its broadcast; client "refused" on "/admin" with a bad
    // token.
    async msgpack(P) {
      const opts = { autoConnect: false, reconnection: false, transports: P.transports };
      const m = new io.Manager(P.url, opts);
      const d = new io.Manager(P.url, opts);
      const main = m.socket("/");
      const admin = m.socket("/admin", { auth: { token: "abc" } });
      const other = d.socket("/");
      watch(main, "c", "/", () => m.engine);
      watch(admin, "c", "/admin", () => m.engine);
      watch(other, "d", "/", () => d.engine);
      answer(main, P);
      const up = Promise.all([once(main, "connect"), once(admin, "connect"), once(other, "connect")]);
      main.connect();
      admin.connect();
      other.connect();
      await up;
      for (const [name, mgr] of [["c", m], ["d", d]]) {
        report({ event: "open", client: name, transport: mgr.engine.transport.name, engineId: mgr.engine.id });
      }
      for (const s of [main, admin]) {
        const [info] = await ack(s, "whoami");
        report({ event: "whoami", nsp: s.nsp, id: s.id, info });
      }
      await emits(main, P);

      const got = [];
      const bc = (name) =>
        new Promise((resolve) => {
          const s = name === "c" ? main : other;
          s.once("bc", (...args) => {
            got.push({ event: "bc", client: name, args: enc(args), types: binaryTypes(args) });
            resolve();
          });
        });
      const both = Promise.all([bc("c"), bc("d")]);
      for (const s of [main, other]) await ack(s, "join", "room");
      const [ran] = await ack(other, "broadcast");
      await both;
      got.forEach(report);
      report({ event: "broadcast-ack", value: ran });

      const r = new io.Manager(P.url, opts);
      const bad = r.socket("/admin", { auth: { token: "bad" } });
      watch(bad, "refused", "/admin", () => r.engine);
      const refused = once(bad, "connect_error");
      bad.connect();
      await refused;
      expect(!bad.active, "the refused socket is inactive");

      // The last socket of a Manager to go closes it.
      bad.disconnect();
      admin.disconnect();
      main.disconnect();
      other.disconnect();
    },
  };

  window.runScenario = async (name, P) => {
    try {
      await scenarios[name](P);
    } finally {
      await Promise.all(pending);
    }
  };
})();
