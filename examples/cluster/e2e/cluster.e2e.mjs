// End-to-end test of the cluster in headless Chromium, run by
// cluster_test.go:
//
//	PLAYWRIGHT_CORE=.../playwright-core/index.mjs node e2e/cluster.e2e.mjs SPEC
//
// SPEC is JSON: {"base": nginx's URL, "mode": "polling" | "websocket",
// "shots": a directory for screenshots, "users": [{"nick", "cookie",
// "server"}, {...}]}. Each user gets a browser context of their own whose
// "lb" cookie (nginx's sticky cookie) is set beforehand, so that it lands
// on the server the test chose; every Socket.IO response the page gets
// must come from that server (its X-Chat-Server header). The two users
// join one room, see each other in its user list and its count, and chat
// both ways with the typing indicator: the cluster carries it all. In
// "polling" mode the servers offer long-polling only, and the pages must
// stay on it; in "websocket" mode they must upgrade, through nginx, on the
// server of their session. Exits 0 on success, 1 with the failed step on
// stderr otherwise. It always closes the browser.
//
// playwright-core is cmd/chat's (its devDependency), whose page this is.
const spec = JSON.parse(process.argv[2] ?? "null");
if (!spec?.base || !["polling", "websocket"].includes(spec.mode) || spec.users?.length !== 2 || !process.env.PLAYWRIGHT_CORE) {
  console.error("usage: PLAYWRIGHT_CORE=path/to/playwright-core/index.mjs node cluster.e2e.mjs SPEC_JSON");
  process.exit(2);
}
const { chromium } = await import(process.env.PLAYWRIGHT_CORE);

const WAIT = 15_000; // for any one thing to show up
const ROOM = "cluster";

let browser;
const pageErrors = [];

const watchdog = setTimeout(async () => {
  console.error("FAIL: the script took more than 90 s");
  await browser?.close().catch(() => {});
  process.exit(1);
}, 90_000);

let current = "start";
function step(name) {
  current = name;
  console.log(`step: ${name}`);
}

function check(cond, what) {
  if (!cond) throw new Error(what);
}

function waitFor(page, fn, arg) {
  return page.waitForFunction(fn, arg, { timeout: WAIT, polling: 50 });
}

// openUser opens the page for one user, with the sticky cookie set, and
// records which server answered each Socket.IO request.
async function openUser({ nick, cookie, server }) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 680 } });
  await context.addCookies([{ name: "lb", value: cookie, url: spec.base }]);
  const page = await context.newPage();
  const servers = [];
  page.on("response", (res) => {
    if (new URL(res.url()).pathname.startsWith("/socket.io/")) servers.push(res.headers()["x-chat-server"] ?? "(none)");
  });
  page.on("pageerror", (err) => pageErrors.push(`${nick}: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") console.log(`${nick} console: ${msg.text()}`);
  });
  await page.addInitScript(() => {
    window.transports = [];
    new MutationObserver(() => {
      const t = document.body?.dataset.transport;
      if (t && t !== window.transports.at(-1)) window.transports.push(t);
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-transport"] });
  });
  await page.goto(spec.base);
  return { nick, server, page, servers };
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

function waitUsers({ page }, nicks) {
  return waitFor(page, (want) => {
    const got = [...document.querySelectorAll("#users li")].map((li) => li.firstChild.textContent);
    return JSON.stringify(got) === JSON.stringify(want);
  }, nicks);
}

// waitCount waits until the room list shows n users in room.
function waitCount({ page }, room, n) {
  return waitFor(page, ([r, n]) => [...document.querySelectorAll("#rooms li")].some((li) =>
    li.querySelector(".name").textContent === r && li.querySelector(".count").textContent === String(n)), [room, n]);
}

// send types text, checks that `other` sees the typing indicator, sends,
// and waits for the tick and for the message on the other side.
async function send(from, other, text) {
  await from.page.locator("#text").pressSequentially(text.slice(0, -1), { delay: 15 });
  await waitFor(other.page, (nick) => document.querySelector("#typing").textContent === `${nick} is typing…`, from.nick);
  await from.page.locator("#text").press(text.at(-1));
  await from.page.press("#text", "Enter");
  await waitFor(from.page, (t) => {
    const mine = [...document.querySelectorAll("#messages .msg.mine")].at(-1);
    return mine?.querySelector(".text").textContent === t && mine.dataset.status === "sent";
  }, text);
  await waitFor(other.page, ([t, nick]) => {
    const m = [...document.querySelectorAll("#messages .msg:not(.mine)")].at(-1);
    return m?.querySelector(".text").textContent === t && m.querySelector(".from").textContent === nick;
  }, [text, from.nick]);
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

  const [a, b] = spec.users;
  step(`open the page: ${a.nick} (lb=${a.cookie}, for ${a.server}), ${b.nick} (lb=${b.cookie}, for ${b.server})`);
  const alice = await openUser(a);
  const bob = await openUser(b);

  step("choose nicknames");
  await login(alice);
  await login(bob);

  step(`join ${ROOM} on both servers`);
  await joinRoom(alice, ROOM);
  await joinRoom(bob, ROOM);

  step("each sees both in the user list and the room's count, from the whole cluster");
  const both = [a.nick, b.nick].sort((x, y) => x.toLowerCase().localeCompare(y.toLowerCase()));
  await waitUsers(alice, both);
  await waitUsers(bob, both);
  await waitCount(alice, ROOM, 2);
  await waitCount(bob, ROOM, 2);

  step(`${bob.nick} writes to ${alice.nick}`);
  await send(bob, alice, `Hello ${alice.nick}, from ${bob.server}!`);
  step(`${alice.nick} answers`);
  await send(alice, bob, `Hi ${bob.nick}, this is ${alice.server}.`);

  step(`the transport is ${spec.mode}`);
  for (const u of [alice, bob]) {
    if (spec.mode === "websocket") {
      await waitFor(u.page, () => document.body.dataset.transport === "websocket");
    } else {
      const seen = (await u.page.evaluate(() => window.transports)).filter((t) => t !== "–");
      check(seen.length > 0 && seen.every((t) => t === "polling"), `${u.nick}: transports ${seen}, want polling only`);
    }
  }

  step("every Socket.IO response came from the user's server");
  for (const u of [alice, bob]) {
    const other = u.servers.filter((s) => s !== u.server);
    console.log(`${u.nick}: ${u.servers.length} Socket.IO responses, from ${[...new Set(u.servers)].join(", ")}`);
    check(u.servers.length >= 3, `${u.nick}: only ${u.servers.length} Socket.IO responses`);
    check(other.length === 0, `${u.nick}: responses from ${other.join(", ")}, want ${u.server} only`);
  }

  await alice.page.screenshot({ path: `${spec.shots}/${alice.nick}-${spec.mode}.png` });
  await bob.page.screenshot({ path: `${spec.shots}/${bob.nick}-${spec.mode}.png` });
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
