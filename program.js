"use strict";
// This repository's Pulumi program entry (Pulumi.yaml's `main`): index.ts, run
// through tsx (esbuild, cached) rather than the ts-node route Pulumi takes for a
// `.ts` main, which transpiles every module with the TypeScript compiler on every
// run (bench/README.md, figures of 2026-12-06). Consumers' programs are unaffected: they import
// flex-roster's compiled JavaScript.
require("tsx/cjs/api").register();
module.exports = require("./index.ts");
