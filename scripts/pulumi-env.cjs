"use strict";
// The environment scripts/pulumi runs the CLI with, from src/pulumi/environment.ts
// (the code the Automation API runner uses too): `node pulumi-env.cjs <pulumi args>`
// prints each variable to set as NAME=value, NUL-terminated.

const path = require("node:path");

const root = path.resolve(__dirname, "..");
let tsx;
try {
  tsx = require.resolve("tsx/cjs/api", { paths: [root] });
} catch {
  process.stderr.write(`scripts/pulumi: tsx is missing; run \`npm ci\` in ${root} first\n`);
  process.exit(1);
}
require(tsx).register();
const { checkoutCliVars } = require(path.join(root, "src", "pulumi", "environment.ts"));

for (const [name, value] of Object.entries(checkoutCliVars(process.env, process.argv.slice(2), root))) {
  process.stdout.write(`${name}=${value}\0`);
}
