// End-to-end test of the chat in headless Chromium, run by chat_test.go:
//
//	node e2e/chat.e2e.mjs BASE_URL MODE SCREENSHOT_DIR
//
// MODE is "websocket" (the server offers both transports: the client must
// upgrade) or "polling" (the server offers long-polling only: the client
// must stay on it). Two users, alice and bob, each in a browser context of
// their own, pick nicknames, join one room and chat both ways; the user
// list, the typing indicator, the delivery ticks, the escaping of user text
// and the reconnection (the server drops bob's connection through the
// test's /_test/drop hook) are checked. Exits 0 on success, 1 with the
// failed step on stderr otherwise. It always closes the browser.
import { chromium } from "playwright-core";

const [base, mode, shots] = process.argv.slice(2);
if (!base || !["websocket", "polling"].includes(mode) || !shots) {
  console.error("usage: node chat.e2e.mjs BASE_URL websocket|polling SCREENSHOT_DIR");
  process.exit(2);
}

const WAIT = 10_000; // for any one thing to show up
const ROOM = "e2e-room";

let browser;
const pageErrors = [];

// A watchdog: whatever hangs, the browser is closed and the script fails.
const watchdog = setTimeout(async () => {
  console.error("FAIL: the script took more than 60 s");
  await browser?.close().catch(() => {});
  process.exit(1);
}, 60_000);

let current = "start";
function step(name) {
  current = name;
  console.log(`step: ${name}`);
}

function check(cond, what) {
  if (!cond) throw new Error(what);
}

// waitFor waits until fn(arg), run in the page, is truthy.
function waitFor(page, fn, arg) {
  return page.waitForFunction(fn, arg, { timeout: WAIT, polling: 50 });
}

async function openUser(nick) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 680 } });
  const page = await context.newPage();
  page.on("pageerror", (err) => pageErrors.push(`${nick}: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") console.log(`${nick} console: ${msg.text()}`);
  });
  // Record every transport the page shows, from the first, and whether
  // the connection banner showed.
  await page.addInitScript(() => {
    window.transports = [];
    window.statuses = []; // of our messages, in order
    window.bannerShown = false;
    window.notices = (text) =>
      [...document.querySelectorAll("#messages .notice")].filter((n) => n.textContent === text).length;
    new MutationObserver((records) => {
      for (const r of records) if (r.attributeName === "data-status") window.statuses.push(r.target.dataset.status);
      const t = document.body?.dataset.transport;
      if (t && t !== window.transports.at(-1)) window.transports.push(t);
      if (document.getElementById("banner")?.hidden === false) window.bannerShown = true;
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-transport", "hidden", "data-status"] });
  });
  await page.goto(base);
  return { nick, page };
}

async function login({ nick, page }) {
  await page.fill("#nick", nick);
  await page.click("#login-form button");
  await page.locator("#app").waitFor({ state: "visible", timeout: WAIT });
  await waitFor(page, () => document.querySelector("#room-title").textContent === "#general");
}

async function joinRoom({ page }, room) {
  await page.fill("#join-name", room);
  await page.click("#join-form button");
  await waitFor(page, (r) => document.querySelector("#room-title").textContent === `#${r}`, room);
}

// waitUsers waits until the user list of the room shown is exactly nicks.
function waitUsers({ page }, nicks) {
  return waitFor(page, (want) => {
    const got = [...document.querySelectorAll("#users li")].map((li) => li.firstChild.textContent);
    return JSON.stringify(got) === JSON.stringify(want);
  }, nicks);
}

// send types text (so that the typing indicator shows on the other side),
// checks the indicator on `other`, sends, and waits for the tick, which
// must follow the pending mark.
async function send(from, other, text, shot) {
  const before = await from.page.evaluate(() => window.statuses.length);
  await from.page.locator("#text").pressSequentially(text.slice(0, -1), { delay: 15 });
  await waitFor(other.page, (nick) => document.querySelector("#typing").textContent === `${nick} is typing…`, from.nick);
  if (shot) await other.page.screenshot({ path: shot });
  await from.page.locator("#text").press(text.at(-1));
  await from.page.press("#text", "Enter");
  await waitFor(from.page, (t) => {
    const mine = [...document.querySelectorAll("#messages .msg.mine")].at(-1);
    return mine?.querySelector(".text").textContent === t &&
      mine.dataset.status === "sent" && mine.querySelector(".status").textContent === "✓";
  }, text);
  const statuses = await from.page.evaluate((n) => window.statuses.slice(n), before);
  check(statuses.join() === "pending,sent", `${from.nick}'s message went through ${statuses}, want pending then sent`);
  await waitFor(other.page, ([t, nick]) => {
    const m = [...document.querySelectorAll("#messages .msg:not(.mine)")].at(-1);
    return m?.querySelector(".text").textContent === t && m.querySelector(".from").textContent === nick;
  }, [text, from.nick]);
  // The indicator goes with the message.
  await waitFor(other.page, () => document.querySelector("#typing").textContent === "");
}

function transports({ page }) {
  return page.evaluate(() => window.transports);
}

try {
  step("launch chromium");
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
    timeout: 30_000,
  });

  step("open the page twice");
  const alice = await openUser("alice");
  const bob = await openUser("bob");
  await alice.page.screenshot({ path: `${shots}/login-${mode}.png` });

  step("choose nicknames");
  await login(alice);
  await login(bob);

  step(`join ${ROOM}`);
  await joinRoom(alice, ROOM);
  await joinRoom(bob, ROOM);

  step("the user list shows both");
  await waitUsers(alice, ["alice", "bob"]);
  await waitUsers(bob, ["alice", "bob"]);

  step("bob writes to alice: typing indicator, tick");
  await send(bob, alice, "Hello alice!", `${shots}/typing-${mode}.png`);
  step("alice answers: typing indicator, tick");
  await send(alice, bob, "Hi bob, how are you?");
  step("user text is text, not HTML");
  const html = "<b>bold</b> <img src=x onerror=alert(1)>";
  await send(bob, alice, html);
  check(await alice.page.locator("#messages b, #messages img").count() === 0, "user text was rendered as HTML");

  step(`the transport is ${mode}`);
  if (mode === "websocket") {
    await waitFor(alice.page, () => document.body.dataset.transport === "websocket");
    await waitFor(bob.page, () => document.body.dataset.transport === "websocket");
  }
  await alice.page.screenshot({ path: `${shots}/chat-${mode}.png` });

  step("the server drops bob: banner, then reconnection");
  const res = await fetch(`${base}/_test/drop?nick=bob`, { method: "POST" });
  check(res.ok, `drop: HTTP ${res.status}`);
  await waitFor(bob.page, () => window.bannerShown);
  await bob.page.screenshot({ path: `${shots}/reconnecting-${mode}.png` });
  await waitFor(alice.page, () => notices("bob left") === 1);
  await bob.page.locator("#banner").waitFor({ state: "hidden", timeout: WAIT });
  await waitFor(bob.page, () => document.body.dataset.state === "connected");
  await waitFor(alice.page, () => notices("bob joined") === 2);

  step("bob is back in the room, with his nickname");
  await waitUsers(alice, ["alice", "bob"]);
  await waitUsers(bob, ["alice", "bob"]);
  await send(bob, alice, "I am back");

  step("the transports seen");
  for (const u of [alice, bob]) {
    const seen = (await transports(u)).filter((t) => t !== "–");
    if (mode === "polling") {
      check(seen.length > 0 && seen.every((t) => t === "polling"), `${u.nick}: transports ${seen}, want polling only`);
      check(await u.page.evaluate(() => document.body.dataset.transport) === "polling", `${u.nick}: not on polling`);
    } else {
      check(seen.includes("websocket"), `${u.nick}: transports ${seen}, want an upgrade to websocket`);
    }
  }

  check(pageErrors.length === 0, `errors in the pages: ${pageErrors.join("; ")}`);
  console.log("PASS");
} catch (err) {
  console.error(`FAIL at step "${current}": ${err.message}`);
  if (pageErrors.length) console.error(`errors in the pages: ${pageErrors.join("; ")}`);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await browser?.close().catch(() => {});
}
