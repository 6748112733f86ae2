// The provider object that Pulumi serializes into state (`__provider`).
//
// Pulumi inlines local code into that string and keeps running the stored copy
// on refresh until an input changes (pulumi/pulumi#16826). So this shim holds
// no logic and captures nothing: at run time it loads the real implementation
// from the installed project (the provider host runs in the program's
// directory), which keeps state small and lets fixes reach old resources.
//
// Do not import anything into the function bodies below: every captured
// variable would be serialized into each resource's state.

import type * as pulumi from "@pulumi/pulumi";

type Impl = Required<pulumi.dynamic.ResourceProvider>;

function loadWorkerImpl(): Impl {
  const path = require("path");
  const fs = require("fs");
  let dir = process.cwd();
  while (!fs.existsSync(path.join(dir, "src", "provider", "worker-impl.ts"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error("flex-roster: cannot find src/provider/worker-impl.ts above " + process.cwd());
    dir = up;
  }
  const g = globalThis as { __flexRosterTsx?: boolean };
  if (!g.__flexRosterTsx) {
    require(require.resolve("tsx/cjs/api", { paths: [dir] })).register();
    g.__flexRosterTsx = true;
  }
  return require(path.join(dir, "src", "provider", "worker-impl.ts")).provider();
}

export const workerProviderShim: pulumi.dynamic.ResourceProvider = {
  configure: (req) => loadWorkerImpl().configure(req),
  check: (olds, news) => loadWorkerImpl().check(olds, news),
  diff: (id, olds, news) => loadWorkerImpl().diff(id, olds, news),
  create: (inputs) => loadWorkerImpl().create(inputs),
  read: (id, props) => loadWorkerImpl().read(id, props),
  update: (id, olds, news) => loadWorkerImpl().update(id, olds, news),
  delete: (id, props) => loadWorkerImpl().delete(id, props),
};
