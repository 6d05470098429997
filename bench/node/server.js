// The Node.js peer of the side-by-side benchmark: socket.io 4.8.3 (ws
// engine, no native add-ons) with the same handlers as the Go bench server
// (bench/server), so that the load generator sees the same protocol from
// both.
//
//	node --expose-gc server.js -addr 127.0.0.1:3000
//	PORT=3000 node --expose-gc server.js
//
// Settings match the Go server's: Engine.IO defaults (pingInterval 25 s,
// pingTimeout 20 s, maxHttpBufferSize 1e6), no compression on either
// transport, no CORS, no middleware.
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

function listenAddress() {
  let host = "127.0.0.1";
  let port = process.env.PORT ? Number(process.env.PORT) : 3000;
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    let v;
    if (a === "-addr" || a === "--addr") {
      v = argv[++i];
    } else if (a.startsWith("-addr=") || a.startsWith("--addr=")) {
      v = a.slice(a.indexOf("=") + 1);
    } else {
      console.error(`server.js: unknown argument ${a}`);
      process.exit(2);
    }
    if (v === undefined) {
      console.error("server.js: -addr needs host:port");
      process.exit(2);
    }
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

const { host, port } = listenAddress();
httpServer.listen(port, host, () => {
  const a = httpServer.address();
  console.log(`node socket.io bench server listening on ${a.address}:${a.port}`);
});

function stop() {
  io.close(() => process.exit(0));
  httpServer.closeAllConnections();
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
