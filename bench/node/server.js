// The Node.js peer of the side-by-side benchmark: socket.io 4.8.3 (ws
// engine, no native add-ons) with the same handlers as the Go bench server
// (bench/server), so that the load generator sees the same protocol from
// both.
//
//	node --expose-gc server.js -addr 127.0.0.1:3000 [-redis 127.0.0.1:6379]
//	PORT=3000 node --expose-gc server.js
//
// Settings match the Go server's: Engine.IO defaults (pingInterval 25 s,
// pingTimeout 20 s, maxHttpBufferSize 1e6), no compression on either
// transport, no CORS, no middleware.
//
// With -redis host:port, the server joins the cluster of the servers on
// that Redis: @socket.io/redis-adapter 8.3.0's createAdapter (the classic
// format, default options: the key "socket.io") on node-redis 4.7.1, a
// publishing client and its duplicate for the subscriptions, as the
// adapter's README sets it up. It listens once both are connected, and
// exits if Redis does not answer.
//
// Handlers on "/":
//
//	echo       emits "echo" back to the sender with the same arguments
//	echo-ack   acknowledges with the same arguments
//	broadcast  emits "broadcast" with the same arguments to every socket
//	           of "/" (and acknowledges, without arguments, if asked to)
//
// GET /gc runs global.gc() (when started with --expose-gc) so that memory
// can be read at a quiet point, and answers with the process's RSS in bytes;
// GET /stats gives the socket counts, the disconnects by reason and the
// process's memory figures as JSON.
"use strict";

const http = require("node:http");
const { Server } = require("socket.io");

// parseArgs reads -addr host:port and -redis host:port (also as
// -name=value, and with two dashes).
function parseArgs() {
  const out = { addr: undefined, redis: undefined };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--?(addr|redis)(=(.*))?$/.exec(argv[i]);
    if (!m) {
      console.error(`server.js: unknown argument ${argv[i]}`);
      process.exit(2);
    }
    const v = m[2] !== undefined ? m[3] : argv[++i];
    if (v === undefined || v === "") {
      console.error(`server.js: -${m[1]} needs host:port`);
      process.exit(2);
    }
    out[m[1]] = v;
  }
  return out;
}

const args = parseArgs();

function listenAddress() {
  let host = "127.0.0.1";
  let port = process.env.PORT ? Number(process.env.PORT) : 3000;
  const v = args.addr;
  if (v !== undefined) {
    const colon = v.lastIndexOf(":");
    if (colon >= 0) {
      if (colon > 0) host = v.slice(0, colon);
      port = Number(v.slice(colon + 1));
    } else {
      port = Number(v);
    }
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`server.js: bad port ${port}`);
    process.exit(2);
  }
  return { host, port };
}

const httpServer = http.createServer((req, res) => {
  // socket.io handles /socket.io/ itself and passes everything else here.
  if (req.url === "/gc") {
    if (typeof global.gc !== "function") {
      res.writeHead(501, { "Content-Type": "text/plain" });
      res.end("start node with --expose-gc\n");
      return;
    }
    global.gc();
    global.gc(); // a second full pass collects what the first one finalized
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end(`${process.memoryUsage.rss()}\n`);
    return;
  }
  if (req.url === "/stats") {
    const m = process.memoryUsage();
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(
      JSON.stringify({
        sockets: io.of("/").sockets.size,
        connects,
        disconnects,
        sessions: io.engine.clientsCount,
        rss: m.rss,
        heap_used: m.heapUsed,
        heap_total: m.heapTotal,
        external: m.external,
      }) + "\n",
    );
    return;
  }
  res.writeHead(404, { "Content-Type": "text/plain" });
  res.end("not found\n");
});

const io = new Server(httpServer, {
  perMessageDeflate: false,
  httpCompression: false,
});

let connects = 0;
const disconnects = {};

io.on("connection", (socket) => {
  connects++;
  socket.on("disconnect", (reason) => {
    disconnects[reason] = (disconnects[reason] || 0) + 1;
  });
  socket.on("echo", (...args) => {
    socket.emit("echo", ...args);
  });
  socket.on("echo-ack", (...args) => {
    const ack = args.pop();
    if (typeof ack === "function") ack(...args);
  });
  socket.on("broadcast", (...args) => {
    const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
    io.emit("broadcast", ...args);
    if (ack) ack();
  });
});

let redisClients = [];

// joinCluster sets the Redis adapter up when -redis is given.
async function joinCluster() {
  if (args.redis === undefined) return;
  const { createClient } = require("redis");
  const { createAdapter } = require("@socket.io/redis-adapter");
  const pubClient = createClient({ url: `redis://${args.redis}` });
  const subClient = pubClient.duplicate();
  redisClients = [pubClient, subClient];
  for (const c of redisClients) {
    c.on("error", (err) => console.error(`server.js: redis: ${err.message}`));
  }
  // node-redis retries a refused connect for ever: give up after 10 s.
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error("no answer within 10 s")), 10000);
  });
  await Promise.race([Promise.all(redisClients.map((c) => c.connect())), timeout]);
  clearTimeout(timer);
  io.adapter(createAdapter(pubClient, subClient));
}

const { host, port } = listenAddress();
let stopping = false;
joinCluster().then(
  () => {
    if (stopping) return;
    httpServer.listen(port, host, () => {
      const a = httpServer.address();
      console.log(
        `node socket.io bench server listening on ${a.address}:${a.port}` +
          (args.redis ? `, in the cluster on redis ${args.redis}` : ""),
      );
    });
  },
  (err) => {
    console.error(`server.js: failed to connect to Redis at ${args.redis}: ${err.message}`);
    process.exit(1);
  },
);

function stop() {
  stopping = true;
  io.close(() => {
    Promise.allSettled(redisClients.map((c) => c.quit())).then(() => process.exit(0));
  });
  httpServer.closeAllConnections();
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
