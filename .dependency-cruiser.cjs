// The import order of src/ (docs/architecture.md, "Import order"), checked by
// test/repo/import-order.test.ts: `npx depcruise src emulator testing`.
//
// The core reads bottom-up, each layer importing only layers below it:
//   flex -> roster -> twilio -> reconcile -> provider -> component
// twilio/ skips roster/: the port to Twilio knows Flex's terms, not a roster file.
// On top sit the consumers: pulumi/ (runs the Pulumi CLI; imports no other
// layer), report/ and brownfield/, and cli/ (commands and terminal I/O) above
// all of them. src/json.ts is a leaf every layer may use; src/index.ts is the
// public entry. The emulator imports nothing from src/.

const CORE = ["flex", "roster", "twilio", "reconcile", "provider", "component"];
const CONSUMERS = ["pulumi", "report", "brownfield", "cli"];
const folder = (name) => `^src/${name}/`;
const anyOf = (names) => `^src/(${names.join("|")})/`;

const forbidden = [];
CORE.forEach((layer, i) => {
  const above = [...CORE.slice(i + 1), ...CONSUMERS];
  forbidden.push({
    name: `${layer}-imports-no-layer-above`,
    comment: `src/${layer}/ may import only ${CORE.slice(0, i).join(", ") || "src/json.ts"} (docs/architecture.md, "Import order")`,
    severity: "error",
    from: { path: folder(layer) },
    to: { path: anyOf(above) },
  });
});
forbidden.push(
  {
    name: "twilio-knows-no-roster",
    comment: "src/twilio/ is the port to Twilio's API: it speaks Flex's terms (src/flex/), never a roster file's",
    severity: "error",
    from: { path: folder("twilio") },
    to: { path: folder("roster") },
  },
  {
    name: "pulumi-imports-no-other-layer",
    comment: "src/pulumi/ runs the Pulumi CLI for any program; it knows nothing of rosters, Flex or reports",
    severity: "error",
    from: { path: folder("pulumi") },
    to: { path: "^src/", pathNot: ["^src/pulumi/", "^src/json\\.ts$"] },
  },
  {
    name: "consumers-import-no-cli",
    comment: "src/cli/ is the top: commands and terminal I/O; report/ and brownfield/ are libraries under it",
    severity: "error",
    from: { path: anyOf(["report", "brownfield"]) },
    to: { path: folder("cli") },
  },
  {
    name: "json-is-a-leaf",
    comment: "src/json.ts is shared by every layer, so it imports nothing of src/",
    severity: "error",
    from: { path: "^src/json\\.ts$" },
    to: { path: "^src/", pathNot: "^src/json\\.ts$" },
  },
  {
    name: "no-layer-imports-the-entries",
    comment: "src/index.ts (flex-roster) and src/core.ts (flex-roster/core) are the package's entries; no layer imports them",
    severity: "error",
    from: { path: "^src/" },
    to: { path: "^src/(index|core)\\.ts$" },
  },
  {
    name: "emulator-imports-nothing-from-src",
    comment: "the emulator stands in for Twilio: it shares no code with the product it checks",
    severity: "error",
    from: { path: "^emulator/" },
    to: { path: "^(src|testing|test|bench|scripts)/" },
  },
  {
    name: "src-imports-no-tests-or-tools",
    comment: "the package ships src/ alone",
    severity: "error",
    from: { path: "^src/" },
    to: { path: "^(emulator|testing|test|bench|scripts)/" },
  },
  {
    name: "testing-imports-no-test",
    comment: "testing/ holds helpers shared by test/, bench/ and scripts/; nothing outside test/ imports from test/",
    severity: "error",
    from: { path: "^(testing|bench|scripts)/" },
    to: { path: "^test/" },
  },
  {
    name: "no-circular",
    comment: "a cycle has no order",
    severity: "error",
    from: { path: "^(src|emulator)/" },
    to: { circular: true },
  },
);

module.exports = {
  forbidden,
  options: {
    // Type-only imports count: they are imports a reader has to follow too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^test/fixtures/" },
  },
};
