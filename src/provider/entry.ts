// `flex-roster/provider`: the dynamic provider object of every worker declared
// from the installed package.
//
// Pulumi serializes a dynamic resource's provider into state and keeps running
// that stored copy until an input changes (pulumi/pulumi#16826). A module under
// node_modules is stored as a bare require() of its exported name, so state
// holds only `require("flex-roster/provider")`. That require resolves in the
// consumer's node_modules, and this file loads the provider next to itself: the
// installed version, never code from the current folder. Keep it tiny and stable.
//
// package.json also exports this file by its own path, listed before
// "./provider": Pulumi maps a file back to its exported name through the package's
// package.json, which it cannot find when the project's path contains the package
// name before node_modules (e.g. ~/flex-roster-infra); it then stores
// `require("flex-roster/dist/provider/entry.js")`, which must resolve too.

import type { WorkerProvider } from "./worker-impl";

let impl: WorkerProvider | undefined;

// Loaded on first use: the Pulumi program only needs this object's identity,
// not the Twilio SDK behind it.
function load(): WorkerProvider {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  impl ??= (require("./worker-impl") as typeof import("./worker-impl")).provider();
  return impl;
}

const provider: Required<Pick<WorkerProvider, "configure" | "check" | "diff" | "create" | "read" | "update" | "delete">> = {
  configure: (req) => load().configure(req),
  check: (olds, news) => load().check(olds, news),
  diff: (id, olds, news) => load().diff(id, olds, news),
  create: (inputs) => load().create(inputs),
  read: (id, props) => load().read(id, props),
  update: (id, olds, news) => load().update(id, olds, news),
  delete: (id, props) => load().delete(id, props),
};

export = provider;
