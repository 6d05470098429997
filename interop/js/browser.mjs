// browser.mjs opens a page in headless Chromium (the system's, driven by
// playwright-core) and runs one of the scenarios of browser-page.js in it,
// for the Go tests in ../browser_test.go. It reports JSON lines on stdout,
// as socketio-client.mjs does: the page's own reports, and what the
// browser sees.
//
// Usage:
//
//	node js/browser.mjs '<json config>'
//
// Config:
//
//	page       the URL of the page to open (it loads a client bundle and browser-page.js)
//	scenario   a scenario of browser-page.js
//	params     its parameters
//	timeoutMs  hard limit for the whole run (default 30000)
//
// Events, each with ms, the time since the start in milliseconds: those
// of the scenario (window.report), and request (every
// request of the page to a /socket.io/ path: method, resourceType, url),
// pageerror, console (the page's console errors), done, fatal. The browser
// is closed before the process exits, whatever happens; the process exits
// 0 after "done", non-zero after "fatal".

import { chromium } from "playwright-core";
import { writeSync } from "node:fs";

const cfg = JSON.parse(process.argv[2] ?? "{}");
const timeoutMs = cfg.timeoutMs ?? 30000;

let finished = false;
let browser;

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

const t0 = Date.now();

// report writes an event with ms, the milliseconds since the start.
function report(obj) {
  if (!finished) writeLine({ ...obj, ms: Date.now() - t0 });
}

async function end(code, last) {
  if (finished) return;
  finished = true;
  writeLine(last);
  clearTimeout(watchdog);
  await browser?.close().catch(() => {});
  process.exit(code);
}

const fatal = (err) => end(1, { event: "fatal", error: String(err && err.stack ? err.stack : err) });

const watchdog = setTimeout(() => fatal(`scenario ${cfg.scenario} did not finish within ${timeoutMs} ms`), timeoutMs);
// The Go test ends a run that hangs with SIGTERM: close the browser first.
process.on("SIGTERM", () => fatal("terminated"));
process.on("uncaughtException", fatal);
process.on("unhandledRejection", fatal);

try {
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
    timeout: 20_000,
  });
  const page = await browser.newPage();
  await page.exposeFunction("report", report);
  page.on("request", (req) => {
    if (new URL(req.url()).pathname.startsWith("/socket.io/")) {
      report({ event: "request", method: req.method(), resourceType: req.resourceType(), url: req.url() });
    }
  });
  page.on("pageerror", (err) => report({ event: "pageerror", error: err.message }));
  page.on("console", (msg) => {
    if (msg.type() === "error") report({ event: "console", text: msg.text() });
  });
  await page.goto(cfg.page);
  await page.evaluate(({ scenario, params }) => window.runScenario(scenario, params), {
    scenario: cfg.scenario,
    params: cfg.params ?? {},
  });
  await end(0, { event: "done" });
} catch (err) {
  await fatal(err);
}
