// gen.js writes ../notepack.json: test vectors made by the real
// notepack.io 3.0.1, the msgpack codec of @socket.io/redis-adapter 8.3.0
// and @socket.io/redis-emitter 5.1.0. Run with `npm ci && npm run gen`
// (TZ=UTC: a Date used as a map key prints in local time).
//
// Encode vectors model a Node server that holds a packet's data as our Go
// server does, as JSON text plus attachments: the text is read as Node
// reads bytes (Buffer#toString), parsed (JSON.parse), its placeholders put
// back as Buffers (socket.io-parser's reconstructPacket), then encoded.
//
// Decode vectors go the other way: notepack.decode, then binary values
// taken out as placeholders in the order socket.io-parser's
// deconstructPacket takes them, then JSON.stringify.
//
// Vectors too large to keep as text are described by a "build" object
// that the Go test expands the same way (see build() below), and checked
// by SHA-256.
"use strict";

process.env.TZ = "UTC";

const fs = require("fs");
const path = require("path");
const crypto = require("crypto");
const notepack = require("notepack.io");

const version = require("notepack.io/package.json").version;
if (version !== "3.0.1") throw new Error("want notepack.io 3.0.1, have " + version);

const hex = (b) => Buffer.from(b).toString("hex");
const sha256 = (b) => crypto.createHash("sha256").update(b).digest("hex");

// build expands a description of a large JSON text and its attachments.
// The Go test has the same function; keep them in step.
function build(d) {
  switch (d.kind) {
    case "str": // a JSON string of n copies of unit
      return { json: JSON.stringify(d.unit.repeat(d.n)), attachments: [] };
    case "array": // an array of n zeros
      return { json: "[" + new Array(d.n).fill("0").join(",") + "]", attachments: [] };
    case "map": // {"k0":0,"k1":0,...}
      return {
        json: "{" + Array.from({ length: d.n }, (_, i) => '"k' + i + '":0').join(",") + "}",
        attachments: [],
      };
    case "bin": // one attachment of n bytes, byte i = i mod 256
      return {
        json: '{"_placeholder":true,"num":0}',
        attachments: [Buffer.from(Array.from({ length: d.n }, (_, i) => i & 0xff))],
      };
  }
  throw new Error("unknown build " + d.kind);
}

// reconstruct puts attachments back where the placeholders are, as
// socket.io-parser does, in place (so that a "__proto__" key stays an own
// property). Like socket.io-parser it leaves a packet without attachments
// alone: there, {"_placeholder":true,...} is an object like any other. It
// is stricter in one way: num must be an integer.
function reconstruct(v, atts) {
  if (atts.length === 0) return v;
  return reconstructIn(v, atts);
}

function reconstructIn(v, atts) {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = reconstructIn(v[i], atts);
    return v;
  }
  if (v && typeof v === "object") {
    if (v._placeholder === true) {
      const n = v.num;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n >= atts.length) {
        throw new Error("illegal attachments");
      }
      return atts[n];
    }
    for (const k of Object.keys(v)) v[k] = reconstructIn(v[k], atts);
  }
  return v;
}

function isBinary(v) {
  return v instanceof ArrayBuffer || ArrayBuffer.isView(v);
}

// deconstruct takes binary values out as placeholders, depth first, in
// the order of the object's own keys, as socket.io-parser does.
function deconstruct(v, atts) {
  if (!v) return v;
  if (isBinary(v)) {
    atts.push(Buffer.from(v instanceof ArrayBuffer ? new Uint8Array(v) : v));
    return { _placeholder: true, num: atts.length - 1 };
  }
  if (Array.isArray(v)) return v.map((e) => deconstruct(e, atts));
  if (typeof v === "object" && !(v instanceof Date)) {
    const out = {};
    for (const k of Object.keys(v)) out[k] = deconstruct(v[k], atts);
    return out;
  }
  return v;
}

// --- encode vectors -------------------------------------------------------

const encode = [];

function enc(name, input, opts = {}) {
  const t = { name };
  let text, atts;
  if (opts.build) {
    t.build = opts.build;
    ({ json: text, attachments: atts } = build(opts.build));
  } else {
    const raw = Buffer.isBuffer(input) ? input : Buffer.from(input, "utf8");
    if (Buffer.isBuffer(input)) t.jsonHex = hex(raw);
    else t.json = input;
    text = raw.toString("utf8");
    atts = (opts.attachments || []).map((a) => Buffer.from(a));
    if (atts.length) t.attachments = atts.map(hex);
  }
  if (opts.note) t.note = opts.note;
  try {
    const out = notepack.encode(reconstruct(JSON.parse(text), atts));
    if (opts.build) {
      t.len = out.length;
      t.sha256 = sha256(out);
    } else {
      t.hex = hex(out);
    }
  } catch (e) {
    t.error = e.message;
  }
  encode.push(t);
}

// Integers at every boundary of notepack's choices, and beyond 2^53 where
// JSON.parse rounds and notepack wraps modulo 2^64.
for (const e of [0n, 5n, 7n, 8n, 15n, 16n, 31n, 32n, 53n, 63n, 64n, 70n]) {
  const b = 1n << e;
  for (const v of [b - 1n, b, b + 1n]) {
    enc("int " + v, v.toString());
    enc("int -" + v, (-v).toString());
  }
}
for (const s of [
  "0", "-0", "-0.0", "0e10", "1.0", "1e2", "1E+2", "100e-2", "12.5e1", "-1.0",
  "127", "128", "-32", "-33", "255", "256", "-128", "-129", "65535", "65536",
  "-32768", "-32769", "4294967295", "4294967296", "-2147483648", "-2147483649",
  "9007199254740991", "9007199254740992", "9007199254740993", "-9007199254740993",
  "9007199254740993.5", "18446744073709551615", "18446744073709551616",
  "18446744073709555712", "36893488147419103232", "-9223372036854775808",
  "-9223372036854777856", "-18446744073709551616", "-36893488147419107328",
  "1e20", "1e21", "-1e21", "1e300", "-1e300", "1.7976931348623157e308",
  "1e400", "-1e400", "1e-400", "-1e-400", "5e-324", "-5e-324",
  "1.5", "-1.5", "0.1", "0.30000000000000004", "3.141592653589793", "1e-7",
  "123456789.123", "-2.5e-10", "2.5", "4294967295.5", "-2147483648.5",
  "100000000000000000000000000000000000000000000000000000000000000000000001",
  "0.000000000000000000000000000000000000000000000000000000000000000000000001",
]) {
  enc("number " + s, s);
}

// Deterministic pseudo-random doubles (xorshift64*), written as JSON.
let seed = 0x9e3779b97f4a7c15n;
function rand64() {
  seed ^= seed >> 12n;
  seed ^= (seed << 25n) & 0xffffffffffffffffn;
  seed ^= seed >> 27n;
  return (seed * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
}
function randDouble() {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(rand64());
  return b;
}
for (let i = 0; i < 200; i++) {
  const f = randDouble().readDoubleBE(0);
  if (!Number.isFinite(f)) continue;
  enc("random double", JSON.stringify(f));
}
for (let i = 0; i < 100; i++) {
  const n = Number(rand64() >> BigInt(i % 64)) * (i % 2 ? -1 : 1);
  enc("random integer", BigInt(n).toString());
}

// Literals and containers.
for (const s of [
  "true", "false", "null", "[]", "{}", "[1,2,3]", "[null,true,false]",
  '[[[]],[{}],{"a":[{"b":null}]}]', '{"a":1}', '{"b":1,"a":2}',
  ' [ 1 , 2 ] ', '\t{\n"a" : true\r}\n',
  JSON.stringify(Array.from({ length: 15 }, (_, i) => i)),
  JSON.stringify(Array.from({ length: 16 }, (_, i) => i)),
  JSON.stringify(Object.fromEntries(Array.from({ length: 15 }, (_, i) => ["k" + i, i]))),
  JSON.stringify(Object.fromEntries(Array.from({ length: 16 }, (_, i) => ["k" + i, i]))),
  '{"type":2,"data":["chat message",{"text":"hello","n":42}],"nsp":"/"}',
]) {
  enc("value " + s.slice(0, 40), s);
}
enc("array 65535", null, { build: { kind: "array", n: 65535 } });
enc("array 65536", null, { build: { kind: "array", n: 65536 } });
enc("map 65535", null, { build: { kind: "map", n: 65535 } });
enc("map 65536", null, { build: { kind: "map", n: 65536 } });

// JavaScript's object model: array-index keys first, in numeric order; a
// repeated key keeps its first place and its last value; "__proto__" from
// JSON.parse is an own property like any other.
for (const s of [
  '{"b":1,"1":2,"0":3,"a":4}',
  '{"a":1,"b":2,"a":3}',
  '{"a":1,"b":2,"\\u0061":3}',
  '{"a":{"x":1},"b":2,"a":{"y":2}}',
  '{"__proto__":1,"a":2}',
  '{"__proto__":{"x":1}}',
  '{"4294967294":1,"4294967295":2,"a":0,"10":3,"9":4}',
  '{"01":1,"1":2,"-0":3,"-1":4,"1.5":5,"0":6,"1e3":7}',
  '{"2":1,"1":2,"2":3}',
  JSON.stringify(Object.fromEntries(Array.from({ length: 20 }, (_, i) => ["k" + (i % 17), i]))),
  '{"z":1,' + Array.from({ length: 20 }, (_, i) => '"' + (19 - i) + '":' + i).join(",") + "}",
]) {
  enc("object " + s.slice(0, 40), s);
}

// Strings: every length class by UTF-8 bytes, 1- to 4-byte characters,
// escapes, and text that is not UTF-8 (read as Node reads it).
for (const [unit, n] of [
  ["a", 0], ["a", 1], ["a", 31], ["a", 32], ["a", 33], ["a", 255], ["a", 256],
  ["é", 15], ["é", 16], ["é", 127], ["é", 128], ["€", 10], ["€", 11], ["€", 85], ["€", 86],
  ["😀", 7], ["😀", 8], ["😀", 63], ["😀", 64], ["a\u0000\n\"\\/", 6],
]) {
  enc("string " + n + "x" + JSON.stringify(unit), JSON.stringify(unit.repeat(n)));
}
enc("string 65535", null, { build: { kind: "str", unit: "a", n: 65535 } });
enc("string 65536", null, { build: { kind: "str", unit: "a", n: 65536 } });
enc("string 21845x€", null, { build: { kind: "str", unit: "€", n: 21845 } });
enc("string 21846x€", null, { build: { kind: "str", unit: "€", n: 21846 } });
for (const s of [
  '"\\u0000\\u001f\\u007f\\u0080\\u07ff\\u0800\\uffff"',
  '"\\ud83d\\ude00"', '"\\uD83D\\uDE00x"', '"\\u2028\\u2029"',
  '"\\"\\\\\\/\\b\\f\\n\\r\\t"', '"\u00e9\u20ac\ud83d\ude00"',
  // A lone surrogate in a string of more than 32 UTF-16 units: notepack
  // writes U+FFFD (Buffer#write). Shorter strings: see the deviations.
  '"' + "a".repeat(40) + '\\ud800"', '"\\udc00' + "b".repeat(40) + '"',
  '"' + "c".repeat(33) + '\\ude00\\ud800"',
]) {
  enc("string " + s.slice(0, 30), s);
}
for (const h of [
  "2261ff6222", "22c0af22", "22e28222", "22e2822022", "22eda08022", "22f4908080" + "22",
  "22f0908022", "22f522", "22ffff22", "22e0808022", "22c2" + "22", "22ed9fbf22",
  "22f48fbfbf22", "22" + "61".repeat(40) + "e2" + "22", "7b22ff223a317d",
]) {
  enc("invalid UTF-8 " + h, Buffer.from(h, "hex"));
}

// Placeholders, in every form JSON.parse reads the same way.
const b3 = [1, 2, 3];
enc("placeholder", '["bin",{"_placeholder":true,"num":0}]', { attachments: [b3] });
enc("placeholder keys reversed", '{"num":0,"_placeholder":true}', { attachments: [b3] });
enc("placeholder spaced", '{ "_placeholder" : true , "num" : 0 }', { attachments: [b3] });
enc("placeholder extra key", '{"_placeholder":true,"num":1,"x":[1]}', { attachments: [b3, [9]] });
enc("placeholder escaped key", '{"\\u005fplaceholder":true,"num":0}', { attachments: [b3] });
enc("placeholder num 1e0", '{"_placeholder":true,"num":1e0}', { attachments: [b3, [9]] });
enc("placeholder num repeated", '{"_placeholder":true,"num":5,"num":1}', { attachments: [b3, [9]] });
enc("placeholder twice", '[{"_placeholder":true,"num":0},{"a":{"_placeholder":true,"num":0}}]', {
  attachments: [b3],
});
enc("placeholder false", '{"_placeholder":false,"num":0}', { attachments: [b3] });
enc("placeholder string", '{"_placeholder":"true","num":0}', { attachments: [b3] });
enc("placeholder overridden", '{"_placeholder":true,"_placeholder":1,"num":0}', { attachments: [b3] });
enc("placeholder inside placeholder", '{"x":{"_placeholder":true,"num":9},"_placeholder":true,"num":0}', {
  attachments: [b3],
});
enc("placeholder out of range", '["a",{"_placeholder":true,"num":1}]', { attachments: [b3] });
enc("placeholder negative", '{"_placeholder":true,"num":-1}', { attachments: [b3] });
enc("placeholder num string", '{"_placeholder":true,"num":"0"}', { attachments: [b3] });
enc("placeholder num missing", '{"_placeholder":true}', { attachments: [b3] });
enc("placeholder num fraction", '{"_placeholder":true,"num":0.5}', {
  attachments: [b3],
  note: "socket.io-parser would give undefined; ours and gen.js's reconstruct reject it",
});
enc("placeholder, no attachments", '["a",{"_placeholder":true,"num":0}]');
enc("placeholder out of range, no attachments", '{"_placeholder":true,"num":7}');
enc("empty attachment", '{"_placeholder":true,"num":0}', { attachments: [[]] });
for (const n of [255, 256, 65535, 65536]) {
  enc("bin " + n, null, { build: { kind: "bin", n } });
}

// What JSON.parse rejects.
for (const s of [
  "", " ", "[1,]", '{"a":1,}', "01", "-01", "1.", ".5", "+1", "-", "1e", "1e+", "NaN",
  "Infinity", "-Infinity", "'a'", '"\t"', '"\n"', '"\\x"', '"\\u12"', '"\\u12g4"', "[1 2]",
  '{"a" 1}', "{1:2}", '{"a":}', "tru", "nul", "falsey", "[", "]", "1 2", '"abc', '{"a":1}}',
  "[1]]", "{,}", "[,1]", "\u00a01", "\ufeff1", "0x10", "1_000", '{"a":1 "b":2}', "//",
]) {
  enc("syntax " + JSON.stringify(s), s);
}

// --- decode vectors -------------------------------------------------------

const decode = [];

function dec(name, h, opts = {}) {
  const t = { name, hex: h };
  if (opts.note) t.note = opts.note;
  let v;
  try {
    v = notepack.decode(Buffer.from(h, "hex"));
  } catch (e) {
    t.error = e.message;
    decode.push(t);
    return;
  }
  const atts = [];
  const s = JSON.stringify(deconstruct(v, atts));
  t.json = s === undefined ? null : s; // JSON.stringify(undefined) is undefined
  if (atts.length) t.attachments = atts.map(hex);
  decode.push(t);
}

function decBuild(name, d) {
  const { json, attachments } = build(d);
  const m = notepack.encode(reconstruct(JSON.parse(json), attachments.slice()));
  const v = notepack.decode(m);
  const atts = [];
  const s = JSON.stringify(deconstruct(v, atts));
  decode.push({
    name,
    build: d,
    len: m.length,
    sha256: sha256(m),
    jsonSha256: sha256(s),
    attachments: atts.map((a) => sha256(a)),
  });
}

const u32 = (n) => (n >>> 0).toString(16).padStart(8, "0");
const mstr = (s) => hex(notepack.encode(s));

// Every format byte.
for (const h of [
  "00", "01", "7f", "ff", "e0", "f0", "c0", "c2", "c3",
  "cc00", "cc7f", "cc80", "ccff", "cd0000", "cdffff", "ce00000000", "ceffffffff",
  "cf0000000000000000", "cf0000000100000000", "cf001fffffffffffff", "cf0020000000000000",
  "cf0020000000000001", "cf0020000000000003", "cf7fffffffffffffff", "cf8000000000000000",
  "cfffffffffffffffff", "cf000003ffffffffff",
  "d000", "d07f", "d080", "d0ff", "d10000", "d17fff", "d18000", "d1ffff",
  "d200000000", "d27fffffff", "d280000000", "d2ffffffff",
  "d30000000000000000", "d3ffffffffffffffff", "d38000000000000000", "d37fffffffffffffff",
  "d3ffe0000000000001", "d3ffdfffffffffffff", "d3fff0000000000001",
  "ca00000000", "ca80000000", "ca3dcccccd", "ca3f800000", "cabf800000", "ca7f800000",
  "caff800000", "ca7fc00000", "ca00000001", "ca7f7fffff", "ca4b800000", "ca4f000000",
  "cb0000000000000000", "cb8000000000000000", "cb3ff8000000000000", "cb7ff0000000000000",
  "cbfff0000000000000", "cb7ff8000000000000", "cbfff8000000000001", "cb0000000000000001",
  "cb7fefffffffffffff", "cb444b1ae4d6e2ef50", "cb444b1ae4d6e2ef4f", "cb3e7ad7f29abcaf48",
  "cb3eb0c6f7a0b5ed8d", "cb3fb999999999999a", "cb3fd3333333333334", "cb4341c37937e08000",
  "cb4340000000000001", "cb43e0000000000000", "cbc3e0000000000000", "cb4415af1d78b58c40",
  "cb3ee4f8b588e368f1", "cb3ec0c6f7a0b5ed8d", "cb7e37e43c8800759c",
  "a0", "a161", "bf" + "61".repeat(31), "d900", "d903616263", "d920" + "61".repeat(32),
  "d9ff" + "61".repeat(255), "da0000", "da0003616263", "da0100" + "62".repeat(256),
  "db00000003616263",
  "c400", "c403010203", "c50000", "c50002abcd", "c600000000", "c600000001ff",
  "90", "9100", "9f" + "00".repeat(15), "dc0000", "dc0002c0c3", "dc0010" + "00".repeat(16),
  "dd00000000", "dd0000000101",
  "80", "81a16101", "8fa0c0" + Array.from({ length: 14 }, (_, i) => mstr("k" + i) + "00").join(""),
  "de0000", "de0001a16101", "df00000000", "df00000001a16101",
  "c1", "",
]) {
  dec("format " + h.slice(0, 24), h);
}

// Deterministic pseudo-random float32 and float64 bit patterns.
for (let i = 0; i < 300; i++) {
  dec("random double", "cb" + randDouble().toString("hex"));
}
for (let i = 0; i < 100; i++) {
  dec("random float", "ca" + randDouble().toString("hex").slice(0, 8));
}
for (let i = 0; i < 50; i++) {
  dec("random uint64", "cf" + randDouble().toString("hex"));
  dec("random int64", "d3" + randDouble().toString("hex"));
}

// Strings: escapes as JSON.stringify writes them, and bytes that are not
// UTF-8, replaced as Buffer#toString replaces them (one U+FFFD for each
// maximal ill-formed subsequence).
for (let c = 0; c < 0x80; c++) dec("ascii " + c, "a1" + c.toString(16).padStart(2, "0"));
for (const h of [
  "c2a9", "e282ac", "f09f9880", "e280a8", "e280a9", "efbfbd", "efbfbf", "f48fbfbf",
  "ff", "fe", "80", "bf", "c0af", "c1bf", "c280", "c2", "c241", "e0", "e080", "e08080", "e09f80",
  "e0a080", "e282", "e28241", "ed9fbf", "eda080", "edbfbf", "eda0bd", "ee8080", "f0", "f090",
  "f09080", "f0808080", "f08f8080", "f4908080", "f48fbfbf", "f5808080", "f8888080", "fc84808080",
  "e2e282ac", "f09f98", "f09f98f09f9880", "61ff62c0af63",
]) {
  dec("utf8 " + h, hex(Buffer.concat([Buffer.from([0xa0 | (h.length / 2)]), Buffer.from(h, "hex")])));
}
dec("utf8 long", "d928" + "61".repeat(30) + "ffe282" + "61".repeat(5) + "ed");

// Extension types as notepack reads them.
for (const h of [
  "d40000", "9300d4000001", "82a161d40000a16201", "d40501", "d4ff07",
  "d50501ff", "d6ff00000000", "d6ff7fffffff", "d6ffffffffff", "d60501020304",
  "d7ff0000000000000000", "d7ff0000000400000000", "d7ff000f424000000000", "d7ffee6b27fc00000001",
  "d7ffee6b280000000001", "d7fffffffffcffffffff", "d7ff00000003ffffffff", "d7ff0098968000000000",
  "d7000000000000000000", "d70000000000000003e8", "d700fffffffffffffc18", "d7000007ab5a6e800000",
  "d7000007ab5a6e800001", "d700fff854a5917fffff", "d700fff854a591800000", "d7050102030405060708",
  "d805" + "00".repeat(16),
  "c70cff" + u32(0) + "00000000" + "00000000", "c70cff" + u32(999999999) + "00000000" + "00000001",
  "c70cff" + u32(500000000) + "ffffffff" + "ffffffff", "c70cff" + u32(999999999) + "ffffffff" + "ffffffff",
  "c70cff" + u32(0) + "000007dc" + "00000000", "c70cff" + u32(0) + "ffffff80" + "00000000",
  "c70cff" + u32(0) + "0000077f" + "fd27b3ff", "c70cff" + u32(0) + "0000077f" + "fd27b400",
  "c70cff" + u32(999999999) + "0000077f" + "fd27b3ff", "c70cff" + u32(0) + "fffff880" + "02d84c00",
  "c70cff" + u32(0) + "fffff880" + "02d84bff", "c70cff" + u32(4294967295) + "00000000" + "00000000",
  "c70cff" + u32(4294967295) + "0000077f" + "fd27b3ff", "c70cff" + u32(1) + "00000000" + "00000000",
  "c70cff" + u32(999999) + "00000000" + "00000000", "c70cff" + u32(123456789) + "00000000" + "5c0f5e5a",
  "c70300010203", "c70000", "c7020501ff", "c80003000a0b0c", "c80002ff0102", "c8000105aa",
  "c9000000020001ff", "c900000002ff0102", "c90000000107ee",
  "92a3626966c403010203", "93c401aac7010001c401bb",
]) {
  dec("ext " + h.slice(0, 28), h);
}

// Keys that are not strings become what String(key) gives.
const k = (kh, vh = "01") => "81" + kh + vh;
for (const [name, kh] of [
  ["int", "05"], ["big int", "cd1234"], ["neg", "ff"], ["float", "cb3ff8000000000000"],
  ["-0", "cb8000000000000000"], ["NaN", "cb7ff8000000000000"], ["Inf", "cb7ff0000000000000"],
  ["-Inf", "cbfff0000000000000"], ["1e21", "cb444b1ae4d6e2ef50"], ["uint64", "cfffffffffffffffff"],
  ["float32", "ca3dcccccd"], ["nil", "c0"], ["true", "c3"], ["false", "c2"], ["undefined", "d40000"],
  ["array", "9301a161c0"], ["nested array", "9291920102d40000"], ["empty array", "90"],
  ["map", "81a16101"], ["bin", "c403616263"], ["bin not UTF-8", "c402ff22"], ["ArrayBuffer", "c7020001ff"],
  ["date", "d6ff00000000"], ["date 96", "c70cff" + u32(1000000) + "ffffffff" + "ffffffff"],
  ["invalid date", "c70cff" + u32(0) + "7fffffff" + "ffffffff"], ["ext", "d50561ff"],
  ["array with bin", "92c40161c7010062"], ["array with map", "9201810102"],
  ["array with date", "91d6ff00000000"], ["array of arrays", "929090"],
  ["string index", "a131"], ["escaped", "a2225c"],
]) {
  dec("key " + name, k(kh));
}

// JavaScript's object model on decode.
for (const [name, h] of [
  ["index keys first", "84a162" + "01" + "a131" + "02" + "a130" + "03" + "a161" + "04"],
  ["int keys first", "83a162" + "01" + "02" + "02" + "01" + "03"],
  ["index boundary", "84" + mstr("4294967295") + "01" + mstr("4294967294") + "02" + mstr("a") + "03" + mstr("01") + "04"],
  ["repeated key", "83a16101a16202a16103"],
  ["repeated int key", "8302" + "01" + "a132" + "02" + "cb4000000000000000" + "03"],
  ["repeated key with bins", "83a161c40101a162c40102a161c40103"],
  ["bins reordered", "82a162c40101a131c40102"],
  ["undefined value", "82a161d40000a16201"],
  ["undefined then set", "83a161d40000a16201a16102"],
  ["set then undefined", "83a16101a16202a161d40000"],
  ["__proto__ number", "82" + mstr("__proto__") + "01a16102"],
  ["__proto__ null", "82" + mstr("__proto__") + "c0a16102"],
  ["__proto__ map", "82" + mstr("__proto__") + "81a17801a16102"],
  ["__proto__ array", "82" + mstr("__proto__") + "9101a16102"],
  ["__proto__ bin in array", "82" + mstr("__proto__") + "91c40101a161c40102"],
  ["many keys", "de0011" + Array.from({ length: 17 }, (_, i) => mstr("k" + (16 - i)) + "0" + (i % 10)).join("")],
  ["many keys repeated", "de0012" + Array.from({ length: 18 }, (_, i) => mstr("k" + (i % 5)) + "0" + (i % 10)).join("")],
  ["many index keys", "de0014" + Array.from({ length: 20 }, (_, i) => (19 - i).toString(16).padStart(2, "0") + "c3").join("")],
  ["nested", "82a161" + "82a131c3a130c2" + "a130" + "81a17a90"],
]) {
  dec("object " + name, h);
}

// Large values.
decBuild("array 65536", { kind: "array", n: 65536 });
decBuild("map 65536", { kind: "map", n: 65536 });
decBuild("string 65536", { kind: "str", unit: "é", n: 32768 });
decBuild("bin 65536", { kind: "bin", n: 65536 });

// The classic adapter's messages (reference §4.2.6), and their prefixes:
// notepack rejects every truncation.
const envelopes = [
  "93a648325638686383a47479706502a46461746192a568656c6c6fa5776f726c64a36e7370a12f83a5726f6f6d7390a665786365707490a5666c61677380",
  "83a47479706509a9726571756573744964a3525134a67061636b6574a561636b2d7a",
  hex(notepack.encode(["H2V8hc", { type: 2, data: ["bin", Buffer.from([1, 2, 3])], nsp: "/" }, { rooms: [], except: [], flags: {} }])),
  "92d6ff00000001c70cff000000010000000000000001",
];
for (const h of envelopes) {
  dec("envelope " + h.slice(0, 20), h);
  for (let i = 0; i < h.length; i += 2) dec("truncated " + h.slice(0, 20) + " at " + i / 2, h.slice(0, i));
}
for (const h of ["dc0001", "dd0000ffff", "df0000ffff", "db0000ffff61", "c6ffffffff00", "c9ffffffff0100"]) {
  dec("claims more than it has " + h, h);
}

fs.writeFileSync(
  path.join(__dirname, "..", "notepack.json"),
  JSON.stringify({ notepack: version, node: process.version, encode, decode }, null, 1) + "\n",
);
console.log("wrote", encode.length, "encode and", decode.length, "decode vectors");
