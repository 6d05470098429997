// Writes node.json, the vectors of jsval's tests, from what Node.js does:
//
//	TZ=UTC node gen.js > node.json
//
// Inputs are hex (text: its bytes; numbers: the float64's bits) so that
// ill-formed UTF-8, -0 and NaN survive the trip.
"use strict";

if (new Date(0).getTimezoneOffset() !== 0) {
  throw new Error("run with TZ=UTC");
}

const texts = [
  "", "a", "hello", "é", "€", "😀", "ünïcödé ✓ 🎉",
  "\"\\/\b\f\n\r\t\u0001\u001f\u0000\u007f",
  "\u2028\u2029", "a\u2028b", "\uFFFD", "\uFFFF",
].map((s) => Buffer.from(s, "utf8"));
for (const hex of [
  "ff", "80", "fe", "c0af", "c1bf", "e282", "e28241", "e08080", "e0a0",
  "eda080", "ed9fbf", "f09f98", "f09f98e2", "f4908080", "f48fbfbf",
  "f5808080", "f8", "e282e282", "ff22efbfbf6122e080", "61c3", "22ed",
  "f09f98c3a9", "e2808a", "e280a8ff", "5c75303030", "0022ff5c",
]) {
  texts.push(Buffer.from(hex, "hex"));
}

const script = (s) =>
  JSON.stringify(s).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");

const numbers = [
  0, -0, 1, -1, 42, -42, 1.5, -2.5, 0.1, 0.2 + 0.1, 1 / 3, Math.PI, 100,
  123456789, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2 ** 63,
  2 ** 64, 1e20, 1e21, 1.5e21, 123456789012345680000, 999999999999999900000,
  1e-6, 1.5e-6, 1e-7, 1.5e-7, 9.999999999999999e-7, 2.5e-8, 1e-9, 1e-10,
  1e100, 1e-100, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308,
  0.000123, 123.456, -0.0000015, NaN, Infinity, -Infinity,
];
const bits = (x) => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b.toString("hex");
};

const times = [
  0, -1, 1, 1700000000123, -62167219200000, -62167219200001, 253402300799999,
  253402300800000, 8.64e15, -8.64e15, 8.64e15 + 1, -8.64e15 - 1,
  -62198755200001, 1e15, -1e15, 951782400000, 0.9, -0.9, 1.5, -1.5,
  NaN, Infinity,
];

console.log(JSON.stringify({
  text: texts.map((b) => {
    const s = b.toString("utf8");
    return {
      hex: b.toString("hex"),
      valid: Buffer.from(s, "utf8").toString("hex"),
      json: JSON.stringify(s),
      script: script(s),
      utf16: s.length,
    };
  }),
  numbers: numbers.map((x) => ({
    bits: bits(x), string: String(x), json: JSON.stringify(x),
  })),
  dates: times.map((ms) => {
    const d = new Date(ms);
    return {
      ms: bits(ms), time: bits(d.getTime()),
      json: JSON.stringify(d), string: String(d),
    };
  }),
}, null, 1));
