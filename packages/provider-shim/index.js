"use strict";
// The dynamic provider object of the workers declared by THIS repository's own
// Pulumi program (a source checkout, not an installed flex-roster).
//
// Pulumi stores a dynamic resource's provider in state and keeps running that
// stored copy until an input changes (pulumi/pulumi#16826). A module installed
// under node_modules is stored as a bare require() of its name, so the stacks of
// this repository hold only `require("@flex-roster/provider-shim")` (stacks made
// before flex-roster became a package hold the same, which is why the name stays).
// It is installed as a copy (.npmrc install-links) at
// <project>/node_modules/@flex-roster/provider-shim, so the project is three
// levels up from this file: the provider is resolved from there, never from the
// current folder. Installed copies of flex-roster use `flex-roster/provider`
// (src/provider/entry.ts) instead and never need this package. Keep it tiny.

const path = require("path");

const project = path.resolve(__dirname, "..", "..", "..");
let impl;

function load() {
  if (impl) return impl;
  // A source checkout runs its TypeScript with its own tsx, so edits apply without a build.
  require(require.resolve("tsx/cjs/api", { paths: [project] })).register();
  impl = require(path.join(project, "src", "provider", "entry.ts"));
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
