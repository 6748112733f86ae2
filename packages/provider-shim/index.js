"use strict";
// The dynamic provider object of every flex-roster worker.
//
// Pulumi serializes a dynamic resource's provider into state and keeps running
// that stored copy until an input changes (pulumi/pulumi#16826). Local code is
// inlined into that copy, but an installed package is stored as a bare
// require() of its name. This file is installed as a package (not linked, see
// .npmrc install-links), so state holds only `require("@flex-roster/provider-shim")`
// and every run uses the real provider of the project that runs it: fixes reach
// old resources and state stays small. Keep it tiny and stable.

const path = require("path");
const fs = require("fs");

const IMPL = path.join("src", "provider", "worker-impl.ts");
let impl;

function load() {
  if (impl) return impl;
  // The provider host runs in the Pulumi project's directory; look upwards to be safe.
  let dir = process.cwd();
  while (!fs.existsSync(path.join(dir, IMPL))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`flex-roster: cannot find ${IMPL} in ${process.cwd()} or above`);
    dir = up;
  }
  require(require.resolve("tsx/cjs/api", { paths: [dir] })).register();
  impl = require(path.join(dir, IMPL)).provider();
  return impl;
}

module.exports = {
  configure: (req) => load().configure(req),
  check: (olds, news) => load().check(olds, news),
  diff: (id, olds, news) => load().diff(id, olds, news),
  create: (inputs) => load().create(inputs),
  read: (id, props) => load().read(id, props),
  update: (id, olds, news) => load().update(id, olds, news),
  delete: (id, props) => load().delete(id, props),
};
