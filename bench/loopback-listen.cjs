// Preloaded into the node upstream (`node --require`): server-everything calls express's app.listen(PORT), which
// listens on every interface. The suite only ever listens on loopback, so a listen(port[, callback]) gets the host
// BENCH_NODE_HOST (default 127.0.0.1) added.
const net = require("node:net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const portOnly = typeof args[0] === "number" || (typeof args[0] === "string" && /^[0-9]+$/.test(args[0]));
  if (portOnly && (args.length === 1 || typeof args[1] === "function")) {
    args.splice(1, 0, process.env.BENCH_NODE_HOST || "127.0.0.1");
  }
  return listen.apply(this, args);
};
