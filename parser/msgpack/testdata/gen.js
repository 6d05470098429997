// gen.js writes vectors.json, the test vectors of package msgpack, from
// the real socket.io-msgpack-parser and notepack.io (the versions pinned in
// interop/package.json). The Go tests read the file; they never run Node.
//
// From parser/msgpack, after `npm ci` in interop/:
//
//	NODE_PATH=../../interop/node_modules node testdata/gen.js > testdata/vectors.json
//
// encode: packets as socket.io 4.8's server builds them (its key order),
// each with its data as the Go side holds it (JSON text, a placeholder for
// each binary value) and the message notepack.io writes for it.
//
// decode: messages, made by notepack.io from JavaScript packets (the
// client's shapes included) or written by hand, with what the reference
// Decoder makes of them: the packet, its data as JSON.stringify writes it
// (binary values as placeholders, numbered in property order), or its
// error.

"use strict";

const notepack = require("notepack.io");
const { Decoder } = require("socket.io-msgpack-parser");
const parserVersion = require("socket.io-msgpack-parser/package.json").version;
const notepackVersion = require("notepack.io/package.json").version;

const hex = (b) => Buffer.from(b).toString("hex");
const h = (s) => Buffer.from(s.replace(/\s+/g, ""), "hex");

// deconstruct replaces each binary value in v by a placeholder, in
// JSON.stringify's order, and returns the JSON text and the attachments.
function deconstruct(v) {
  const attachments = [];
  const walk = (x) => {
    if (Buffer.isBuffer(x) || x instanceof ArrayBuffer || ArrayBuffer.isView(x)) {
      attachments.push(hex(x instanceof ArrayBuffer ? new Uint8Array(x) : x));
      return { _placeholder: true, num: attachments.length - 1 };
    }
    if (Array.isArray(x)) return x.map(walk);
    if (x !== null && typeof x === "object" && !(x instanceof Date)) {
      const o = {};
      for (const k of Object.keys(x)) o[k] = walk(x[k]);
      return o;
    }
    return x;
  };
  const data = v === undefined ? undefined : JSON.stringify(walk(v));
  return { data, attachments };
}

// msgpack writes the map header and entries of a hand-made packet, each
// entry [key, value] with both as hex (or a key as a plain string).
function str(s) {
  const b = Buffer.from(s);
  if (b.length < 32) return hex([0xa0 | b.length]) + hex(b);
  return "d9" + hex([b.length]) + hex(b);
}
function map(entries) {
  if (entries.length >= 16) throw new Error("map too large for map()");
  return hex([0x80 | entries.length]) + entries.map(([k, v]) => (k.startsWith("=") ? k.slice(1) : str(k)) + v).join("");
}
const pkt = (type, data, extra = []) => map([["type", type], ["nsp", str("/")], ...(data === null ? [] : [["data", data]]), ...extra]);

// Encode vectors: [name, packet object]. The data must mean the same to
// the Go side: no Date, no undefined, no integer-like keys (JavaScript
// moves those first).
const bin = (...b) => Buffer.from(b);
const numbers = [
  0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, 2 ** 53, -1, -32, -33, -128, -129, -32768, -32769,
  -2147483648, -2147483649, -(2 ** 53), 1.5, -0.25, 0.1, 1e-7, 5e-324, -(2 ** 63),
];
// Not in the encode vectors: notepack.io writes integers past 64 bits
// modulo 2^64 (package msgpack writes a float64), and JSON.stringify
// writes 2^63 as 9223372036854776000, an integer that package msgpack
// writes exactly.
const beyond64 = [2 ** 63, 1e21, 2 ** 64, -(2 ** 64), 1.7976931348623157e308];
const strings = ["", "a", "x".repeat(31), "x".repeat(32), "x".repeat(255), "x".repeat(256),
  "é", "ünïcödé ✓ 🎉", "\u2028\u2029", "\"\\/\b\f\n\r\t\u0001\u001f\u007f", "\u0000"];
const encodeCases = [
  ["connect", { type: 0, data: { sid: "oSO0OpakMV_3jnilAAAA" }, nsp: "/" }],
  ["connect-admin", { type: 0, data: { sid: "x", pid: "y" }, nsp: "/admin" }],
  ["connect-nodata", { type: 0, nsp: "/" }],
  ["disconnect", { type: 1, nsp: "/admin" }],
  ["event", { type: 2, data: ["echo", "x"], nsp: "/" }],
  ["event-id", { type: 2, data: ["echo", 1, { a: "b" }], id: 12, nsp: "/" }],
  ["event-id-large", { type: 2, data: ["e"], id: 4294967296, nsp: "/" }],
  ["ack", { id: 13, type: 3, data: ["bar", null, true, false], nsp: "/admin" }],
  ["ack-empty", { id: 300, type: 3, data: [], nsp: "/" }],
  ["connect-error", { type: 4, data: { message: "not authorized", data: { code: 42 } }, nsp: "/" }],
  ["connect-error-string", { type: 4, data: "bad", nsp: "/x" }],
  ["binary", { type: 2, data: ["file", { name: "a", data: bin(1, 2, 3) }, bin(), [bin(255)]], nsp: "/" }],
  ["binary-ack", { id: 1, type: 3, data: [{ deep: [[{ b: bin(0, 1) }]] }], nsp: "/" }],
  ["binary-sizes", { type: 2, data: ["b", Buffer.alloc(255, 7), Buffer.alloc(256, 8)], nsp: "/" }],
  ["numbers", { type: 2, data: ["n", ...numbers], nsp: "/" }],
  ["strings", { type: 2, data: ["s", ...strings], nsp: "/" }],
  ["arrays", { type: 2, data: ["a", [], new Array(15).fill(1), new Array(16).fill(2)], nsp: "/" }],
  ["maps", { type: 2, data: ["m", {}, obj(15), obj(16)], nsp: "/" }],
  ["keys", { type: 2, data: ["k", { "": 1, é: 2, "a b": 3, "\n": 4, _placeholder: false }], nsp: "/" }],
];
function obj(n) {
  const o = {};
  for (let i = 0; i < n; i++) o["k" + i] = i;
  return o;
}

// Encode vectors of JSON text: [name, JSON text of an EVENT's data]. The
// message is notepack.io's for JSON.parse of the text.
const textCases = [
  ["text-spaces", ' [ "a" , { "b" : [ 1 , 2 ] } , null ] '],
  ["text-number-forms", '["n", 1.0, 1e3, 1E3, -0, -0.0, 0.5e1, 1e-400, 100e-2, 9007199254740992, -9223372036854775808, 1e19]'],
  ["text-infinity", '["n", 1e400, -1e400]'],
  ["text-escapes", '["\\u00e9\\u2028\\ud83d\\ude00\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000", "é🎉"]'],
];

// Decode vectors: [name, message (a Buffer, or a packet object for
// notepack.io to encode)].
const deep = (n) => {
  let v = "c0";
  for (let i = 0; i < n; i++) v = "91" + v;
  return v;
};
const decodeCases = [
  // What the JavaScript client and server send.
  ["client-connect", { type: 0, data: undefined, nsp: "/" }],
  ["client-connect-auth", { type: 0, data: { token: "abc", n: 1.5 }, nsp: "/admin" }],
  ["client-event", { type: 2, data: ["hello", 1, { a: bin(1, 2) }], options: { compress: true }, nsp: "/" }],
  ["client-event-id", { type: 2, data: ["hello"], options: { compress: true }, id: 0, nsp: "/" }],
  ["client-ack", { type: 3, id: 5, data: ["ok", bin(9)], nsp: "/" }],
  ["client-disconnect", { type: 1, nsp: "/custom" }],
  ["client-typed-arrays", { type: 2, data: ["t", new Uint8Array([1, 2, 3]), new Uint8Array([4, 5]).buffer, Buffer.alloc(300, 1)], nsp: "/" }],
  ["server-connect", { type: 0, data: { sid: "abc", pid: undefined }, nsp: "/" }],
  ["server-connect-error", { type: 4, data: { message: "m", data: undefined }, nsp: "/" }],
  ["server-connect-error-data", { type: 4, data: { message: "m", data: { code: 1 } }, nsp: "/" }],
  ["server-invalid-namespace", { type: 4, nsp: "/x", data: { message: "Invalid namespace" } }],
  ["server-ack", { id: 7, type: 3, data: [], nsp: "/" }],
  ["server-broadcast-ack", { type: 2, data: ["b"], nsp: "/", id: 3 }],
  // Values.
  ["numbers", { type: 2, data: ["n", ...numbers, ...beyond64, NaN, Infinity, -Infinity, -0], nsp: "/" }, { exact: false }],
  ["strings", { type: 2, data: ["s", ...strings], nsp: "/" }],
  ["dates", { type: 2, data: ["d", new Date(0), new Date(1700000000123), new Date(-1), new Date(8.64e15), new Date(-8.64e15), new Date(-62198755200001), new Date(253402300800000), new Date(NaN)], nsp: "/" }],
  ["undefined", { type: 2, data: ["u", undefined, [undefined], { a: undefined, b: 1 }], nsp: "/" }],
  ["nested-binary", { type: 2, data: ["b", { x: [{ y: bin(1) }, bin(2)], z: { w: bin() } }], nsp: "/" }],
  ["float32", h(pkt("02", "93 a1 66 ca3f800000 ca3dcccccd".replace(/ /g, "")))],
  ["float32-special", h(pkt("02", "94 a1 66 ca7fc00000 ca7f800000 caff800000".replace(/ /g, "")))],
  ["uint64-max", h(pkt("02", "92a166cfffffffffffffffff")), { exact: false }],
  ["int64-min", h(pkt("02", "92a166d38000000000000000")), { exact: false }],
  ["ints-wide", h(pkt("02", "97a166cc05cd0005ce00000005cf0000000000000005d0fbd1fffb"))],
  ["ext-types", h(pkt("02", "98 a165 d4050a d505 0102 d6ff 01020304 d8 7f 000102030405060708090a0b0c0d0e0f c703 07 010203 c80003 08 040506 c900000002 09 0708".replace(/ /g, "")))],
  ["ext-arraybuffer", h(pkt("02", "94 a165 c70300010203 c8000100ff c90000000000".replace(/ /g, "")))],
  ["ext-date-other", h(pkt("02", "92a165d7010000000000000001"))],
  ["ext-undefined-byte", h(pkt("02", "93a165d400ffd4007f"))],
  ["invalid-utf8", h(pkt("02", "92a165ae61e28241eda080f09f98c0fff490"))],
  ["invalid-utf8-more", h(pkt("02", "96a165a180a2c0afa3e0809fa4f4908080a3efbfbd"))],
  ["key-kinds", h(pkt("02", "92a1658a 01 01 ff 02 cb3ff8000000000000 03 cb7ff8000000000000 04 c0 05 c3 06 c2 07 d40000 08 c403616263 09 cd1234 0a".replace(/ /g, ""))), { exact: false }],
  ["key-float-special", h(pkt("02", "92a16583 cb7ff0000000000000 01 cbfff0000000000000 02 cb8000000000000000 03".replace(/ /g, ""))), { exact: false }],
  ["key-invalid-utf8", h(pkt("02", "92a16581a2c0ff01"))],
  ["key-proto", h(pkt("02", "92a16583a17801a95f5f70726f746f5f5f81a17902a17a03"))],
  ["key-proto-scalar", h(pkt("02", "92a16582a95f5f70726f746f5f5f01a17a03"))],
  ["key-integer-like", h(pkt("02", "92a16583a16201a13102a13003")), { exact: false }],
  ["key-duplicate", h(pkt("02", "92a16583a16101a16202a16103")), { exact: false }],
  ["key-duplicate-undefined", h(pkt("02", "92a16582a16101a161d40000")), { exact: false }],
  // Packet fields.
  ["type-float", h(map([["type", "cb4000000000000000"], ["nsp", str("/")], ["data", "91a165"]]))],
  ["type-float32", h(map([["type", "ca40000000"], ["nsp", str("/")], ["data", "91a165"]]))],
  ["type-uint64", h(map([["type", "cf0000000000000002"], ["nsp", str("/")], ["data", "91a165"]]))],
  ["type-int8", h(map([["type", "d002"], ["nsp", str("/")], ["data", "91a165"]]))],
  ["type-negative-zero", h(map([["type", "cb8000000000000000"], ["nsp", str("/")]]))],
  ["type-fraction", h(map([["type", "cb4000000000000001"], ["nsp", str("/")], ["data", "91a165"]]))],
  ["type-5", h(map([["type", "05"], ["nsp", str("/")], ["data", "91a165"]]))],
  ["type-6", h(map([["type", "06"], ["nsp", str("/")], ["data", "91a165"]]))],
  ["type-negative", h(map([["type", "ff"], ["nsp", str("/")]]))],
  ["type-string", h(map([["type", str("2")], ["nsp", str("/")], ["data", "91a165"]]))],
  ["type-nil", h(map([["type", "c0"], ["nsp", str("/")]]))],
  ["type-missing", h(map([["nsp", str("/")], ["data", "91a165"]]))],
  ["type-duplicate", h(map([["type", str("x")], ["nsp", str("/")], ["data", "91a165"], ["type", "02"]]))],
  ["nsp-missing", h(map([["type", "02"], ["data", "91a165"]]))],
  ["nsp-number", h(map([["type", "02"], ["nsp", "01"], ["data", "91a165"]]))],
  ["nsp-bin", h(map([["type", "02"], ["nsp", "c4012f"], ["data", "91a165"]]))],
  ["nsp-empty", h(map([["type", "02"], ["nsp", str("")], ["data", "91a165"]]))],
  ["nsp-invalid-utf8", h(map([["type", "02"], ["nsp", "a22fff"], ["data", "91a165"]]))],
  ["nsp-long", h(map([["type", "02"], ["nsp", str("/" + "n".repeat(40))], ["data", "91a165"]]))],
  ["data-duplicate", h(map([["type", "02"], ["nsp", str("/")], ["data", "92a161c40101"], ["data", "92a162c4020203"]]))],
  ["data-undefined-last", h(map([["type", "00"], ["nsp", str("/")], ["data", "80"], ["data", "d40000"]]))],
  ["id-zero", h(pkt("02", "91a165", [["id", "00"]]))],
  ["id-uint64", h(pkt("02", "91a165", [["id", "cf0000000100000000"]]))],
  ["id-float", h(pkt("02", "91a165", [["id", "cb4000000000000000"]]))],
  ["id-fraction", h(pkt("02", "91a165", [["id", "cb3ff8000000000000"]]))],
  ["id-undefined", h(pkt("02", "91a165", [["id", "d40000"]]))],
  ["id-nil", h(pkt("02", "91a165", [["id", "c0"]]))],
  ["id-string", h(pkt("02", "91a165", [["id", str("1")]]))],
  ["id-negative", h(pkt("02", "91a165", [["id", "ff"]]))],
  ["id-huge-float", h(pkt("02", "91a165", [["id", "cb4430000000000000"]]))],
  ["unknown-keys", h(map([["type", "02"], ["x", "c70501" + "0102030405"], ["nsp", str("/")], ["=01", "dc0002c0c0"], ["data", "91a165"], ["=c0", deep(3000)]]))],
  ["unknown-key-container", h(map([["type", "02"], ["=9101", "c0"], ["nsp", str("/")], ["data", "91a165"]]))],
  // Data per type.
  ["connect-array", h(map([["type", "00"], ["nsp", str("/")], ["data", "90"]]))],
  ["connect-nil", h(map([["type", "00"], ["nsp", str("/")], ["data", "c0"]]))],
  ["connect-bin", h(map([["type", "00"], ["nsp", str("/")], ["data", "c40101"]]))],
  ["connect-date", h(map([["type", "00"], ["nsp", str("/")], ["data", "d7000000000000000000"]]))],
  ["disconnect-nil", h(map([["type", "01"], ["nsp", str("/")], ["data", "c0"]]))],
  ["disconnect-undefined", h(map([["type", "01"], ["nsp", str("/")], ["data", "d40000"]]))],
  ["disconnect-map", h(map([["type", "01"], ["nsp", str("/")], ["data", "80"]]))],
  ["connect-error-string", h(map([["type", "04"], ["nsp", str("/")], ["data", str("no")]]))],
  ["connect-error-missing", h(map([["type", "04"], ["nsp", str("/")]]))],
  ["connect-error-array", h(map([["type", "04"], ["nsp", str("/")], ["data", "90"]]))],
  ["connect-error-bin", h(map([["type", "04"], ["nsp", str("/")], ["data", "c40161"]]))],
  ["event-missing", h(map([["type", "02"], ["nsp", str("/")]]))],
  ["event-map", h(map([["type", "02"], ["nsp", str("/")], ["data", "80"]]))],
  ["event-empty", h(pkt("02", "90"))],
  ["event-number-name", h(pkt("02", "920102"))],
  ["event-float-name", h(pkt("02", "91cb3ff8000000000000"))],
  ["event-nan-name", h(pkt("02", "91cb7ff8000000000000"))],
  ["event-nil-name", h(pkt("02", "91c0"))],
  ["event-map-name", h(pkt("02", "9180"))],
  ["event-reserved", h(pkt("02", "91a7636f6e6e656374"))],
  ["event-reserved-disconnect", h(pkt("02", "92aa646973636f6e6e656374a178"))],
  ["event-reserved-lookalike", h(pkt("02", "91a8636f6e6e65637420"))],
  ["event-ext-array", h(pkt("02", "d4050a"))],
  ["ack-empty", h(pkt("03", "90", [["id", "01"]]))],
  ["ack-map", h(pkt("03", "80", [["id", "01"]]))],
  ["ack-no-id", h(pkt("03", "91c0"))],
  ["placeholder-lookalike", h(pkt("02", "93a16582ac5f706c616365686f6c646572c3a36e756d00c40101"))],
  ["placeholder-lookalike-alone", h(pkt("02", "92a16582ac5f706c616365686f6c646572c3a36e756d00"))],
  ["placeholder-false", h(pkt("02", "93a16581ac5f706c616365686f6c646572c2c40101"))],
  // Depth: notepack.io has no limit but Node.js's stack.
  ["depth-1000", h(pkt("02", "92a165" + deep(999)))],
  ["depth-1001", h(pkt("02", "92a165" + deep(1000)))],
  ["depth-2000", h(pkt("02", "92a165" + deep(1999)))],
  // Not a packet.
  ["top-array", h("93020102")],
  ["top-nil", h("c0")],
  ["top-string", h("a3616263")],
  ["top-int", h("02")],
  ["empty", h("")],
  ["trailing", Buffer.concat([h(pkt("02", "91a165")), h("00")])],
  ["truncated-map", h("83a47479706502")],
  ["truncated-str", h(pkt("02", "91a165")).subarray(0, 12)],
  ["truncated-str8", h(pkt("02", "91d9ff61"))],
  ["truncated-bin32", h(pkt("02", "92a165c6ffffffff00"))],
  ["truncated-array32", h(pkt("02", "dd7fffffffa165"))],
  ["truncated-map32", h(pkt("02", "91df7fffffff"))],
  ["truncated-ext32", h(pkt("02", "92a165c9ffffffff0100"))],
  ["truncated-float", h(pkt("02", "92a165cb3ff8"))],
  ["truncated-date", h(pkt("02", "92a165d70000"))],
  ["truncated-fixext1", h(pkt("02", "92a165d400"))],
  ["never-used", h(pkt("02", "92a165c1"))],
];

// decodeRef runs the reference Decoder on buf.
function decodeRef(buf) {
  const d = new Decoder();
  let got;
  d.on("decoded", (p) => (got = p));
  try {
    d.add(buf);
  } catch (err) {
    return { error: err.message };
  }
  const { data, attachments } = deconstruct(got.data);
  const out = { type: got.type, nsp: got.nsp };
  if (got.id !== undefined) out.id = got.id;
  if (data !== undefined) out.data = data;
  if (attachments.length > 0) out.attachments = attachments;
  return out;
}

const out = { parser: parserVersion, notepack: notepackVersion, encode: [], decode: [] };
for (const [name, packet] of encodeCases) {
  const { data, attachments } = deconstruct(packet.data);
  const v = { name, type: packet.type, nsp: packet.nsp };
  if (packet.id !== undefined) v.id = packet.id;
  if (data !== undefined) v.data = Buffer.from(data).toString("hex");
  if (attachments.length > 0) v.attachments = attachments;
  v.msgpack = hex(notepack.encode(packet));
  out.encode.push(v);
}
for (const [name, text] of textCases) {
  const v = { name, type: 2, nsp: "/", data: Buffer.from(text).toString("hex") };
  v.msgpack = hex(notepack.encode({ type: 2, data: JSON.parse(text), nsp: "/" }));
  out.encode.push(v);
}
for (const [name, msg, opts = {}] of decodeCases) {
  const buf = Buffer.isBuffer(msg) ? msg : notepack.encode(msg);
  out.decode.push({ name, msgpack: hex(buf), ...opts, want: decodeRef(buf) });
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
