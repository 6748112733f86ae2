// Proof that the real Pulumi CLI works on this offline machine: a tiny TypeScript
// program with one dynamic resource goes through the whole lifecycle via scripts/pulumi.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  REPO_ROOT,
  ENSURE_PULUMI_TIMEOUT_MS,
  describeRun,
  ensurePulumi,
  makePulumiSandbox,
  runPulumi,
  type PulumiSandbox,
  type RunResult,
} from "./helpers/pulumi";

const PROGRAM: Record<string, string> = {
  "Pulumi.yaml": [
    "name: flex-roster-cli-proof",
    "description: e2e proof that the Pulumi CLI runs a TypeScript dynamic provider",
    "runtime:",
    "  name: nodejs",
    "  options:",
    "    typescript: true",
    "",
  ].join("\n"),
  "package.json": JSON.stringify({ name: "flex-roster-cli-proof", private: true, main: "index.ts" }, null, 2),
  "tsconfig.json": JSON.stringify(
    {
      compilerOptions: {
        target: "ES2022",
        module: "commonjs",
        moduleResolution: "node",
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
      },
      files: ["index.ts"],
    },
    null,
    2,
  ),
  // A local module used inside the provider: the closure serializer captures local
  // modules by value, so this also proves that provider code may import project files.
  "greet.ts": `export function greet(name: string): string {\n  return \`hello, \${name}\`;\n}\n`,
  "index.ts": `import * as pulumi from "@pulumi/pulumi";
import { greet } from "./greet";

interface GreetingInputs {
  name: string;
}

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: GreetingInputs) {
    return { id: \`greeting-\${inputs.name}\`, outs: { name: inputs.name, message: greet(inputs.name) } };
  },
  async diff(_id: string, olds: GreetingInputs, news: GreetingInputs) {
    const changed = olds.name !== news.name;
    return { changes: changed, replaces: changed ? ["name"] : [] };
  },
  async read(id: string, props: any) {
    return { id, props };
  },
  async delete() {},
};

class Greeting extends pulumi.dynamic.Resource {
  // \`declare\`, not \`message!:\`: with target ES2022 (useDefineForClassFields) a plain
  // field declaration re-initialises the property to undefined after super() ran.
  declare public readonly message: pulumi.Output<string>;
  constructor(name: string, args: { name: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { message: undefined, ...args }, opts);
  }
}

const greeting = new Greeting("greeting", { name: "flex" });
export const message = greeting.message;
export const greetingId = greeting.id;
`,
};

describe("Pulumi CLI (scripts/pulumi) runs a TypeScript dynamic provider end to end", () => {
  let sandbox: PulumiSandbox;
  let pulumiDir: string;

  const pulumi = (...args: string[]): Promise<RunResult> =>
    runPulumi(["--non-interactive", ...args], { cwd: sandbox.dir, env: sandbox.env });

  const expectOk = (label: string, r: RunResult) => {
    expect(r.code, describeRun(label, r)).toBe(0);
  };

  beforeAll(async () => {
    // On a fresh machine this builds the CLI from Go modules (tens of minutes).
    pulumiDir = await ensurePulumi(ENSURE_PULUMI_TIMEOUT_MS);
    sandbox = await makePulumiSandbox(PROGRAM, { prefix: "flex-roster-pulumi-cli-" });
  }, ENSURE_PULUMI_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    await sandbox?.cleanup();
  });

  it("uses the pinned CLI version", async () => {
    expect(pulumiDir).toBeTruthy();
    const r = await pulumi("version");
    expectOk("pulumi version", r);
    const sdkPackage = path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json");
    const pinned = JSON.parse(readFileSync(sdkPackage, "utf8")).version as string;
    expect(r.stdout.trim()).toBe(`v${pinned}`);
  });

  it("stack init, up, preview --expect-no-changes, refresh, stack output, destroy", async () => {
    expectOk("stack init t", await pulumi("stack", "init", "t"));

    const up = await pulumi("up", "--yes", "--stack", "t");
    expectOk("up --yes", up);
    expect(up.stdout).toMatch(/\d+ created/);

    expectOk("preview --expect-no-changes", await pulumi("preview", "--expect-no-changes", "--stack", "t"));

    expectOk("refresh --yes", await pulumi("refresh", "--yes", "--stack", "t"));

    const out = await pulumi("stack", "output", "--json", "--stack", "t");
    expectOk("stack output --json", out);
    expect(JSON.parse(out.stdout)).toEqual({ message: "hello, flex", greetingId: "greeting-flex" });

    // Still no drift after the refresh.
    expectOk(
      "preview --expect-no-changes (after refresh)",
      await pulumi("preview", "--expect-no-changes", "--stack", "t"),
    );

    const destroy = await pulumi("destroy", "--yes", "--stack", "t");
    expectOk("destroy --yes", destroy);
    expect(destroy.stdout).toMatch(/deleted/);

    const after = await pulumi("stack", "output", "--json", "--stack", "t");
    expectOk("stack output --json (after destroy)", after);
    expect(JSON.parse(after.stdout)).toEqual({});
  }, 10 * 60_000);
});
