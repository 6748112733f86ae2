// The import order of docs/architecture.md, checked by dependency-cruiser with the
// rules of .dependency-cruiser.cjs: flex -> roster -> twilio -> reconcile ->
// provider -> component, then pulumi/, report/, brownfield/ and cli/ on top; the
// emulator imports nothing from src/. The second case proves the rules bite: a copy
// of the tree with one upward import must fail.
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");
const CONFIG = join(ROOT, ".dependency-cruiser.cjs");
const DEPCRUISE = join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/** dependency-cruiser's violations for `dirs` of the tree at `cwd`. */
async function violations(cwd: string, dirs: string[]): Promise<{ modules: number; violations: Violation[] }> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(process.execPath, [DEPCRUISE, "--config", CONFIG, "--output-type", "json", ...dirs], { cwd, maxBuffer: 64 << 20 }));
  } catch (err) {
    // Exit code = number of errors; the JSON report is on stdout all the same.
    stdout = (err as { stdout?: string }).stdout ?? "";
    if (!stdout) throw err;
  }
  const result = JSON.parse(stdout) as { summary: { totalCruised: number; violations: Violation[] } };
  return { modules: result.summary.totalCruised, violations: result.summary.violations };
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe("import order (dependency-cruiser)", () => {
  it("src/, emulator/, testing/, bench/ and scripts/ break no rule", async () => {
    const { modules, violations: found } = await violations(ROOT, ["src", "emulator", "testing", "bench", "scripts"]);
    expect(modules).toBeGreaterThan(100);
    expect(found.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });

  it("fails on an upward import: flex/ importing component/, and the emulator importing src/", async () => {
    const dir = mkdtempSync(join(os.tmpdir(), "import-order-"));
    scratch.push(dir);
    for (const d of ["src", "emulator"]) cpSync(join(ROOT, d), join(dir, d), { recursive: true, filter: (f) => !f.endsWith(".json") || !f.includes("/spec/") });
    cpSync(join(ROOT, "tsconfig.json"), join(dir, "tsconfig.json"));
    const identity = join(dir, "src/flex/identity.ts");
    writeFileSync(identity, `import type { FlexRoster } from "../component/flex-roster";\nexport type Upward = FlexRoster;\n${readFileSync(identity, "utf8")}`);
    const sids = join(dir, "emulator/sids.ts");
    writeFileSync(sids, `import { isRecord } from "../src/json";\nexport const upward = isRecord;\n${readFileSync(sids, "utf8")}`);

    const { violations: found } = await violations(dir, ["src", "emulator"]);
    const named = found.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
    expect(named).toContain("flex-imports-no-layer-above: src/flex/identity.ts -> src/component/flex-roster.ts");
    expect(named).toContain("emulator-imports-nothing-from-src: emulator/sids.ts -> src/json.ts");
  });
});
