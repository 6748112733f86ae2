// Proof that the real Pulumi CLI works on this offline machine: a tiny TypeScript
// program with one dynamic resource goes through the whole lifecycle via scripts/pulumi.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { PULUMI_DEFAULTS } from "../../src/pulumi/defaults";
import {
  REPO_ROOT,
  ENSURE_PULUMI_TIMEOUT_MS,
  describeRun,
  ensurePulumi,
  makePulumiSandbox,
  runPulumi,
  type PulumiSandbox,
  type RunResult,
} from "../../testing/pulumi-cli";

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

// scripts/pulumi's defaults, checked against a stand-in `pulumi` on PATH that reports
// its argv, cwd and environment (ensure-pulumi accepts it: right version, host beside it).
describe("scripts/pulumi fills in local defaults only where nothing is set", () => {
  let root: string;
  let fakeBin: string;
  let home: string;
  let elsewhere: string;

  interface Seen {
    argv: string[];
    cwd: string;
    env: Record<string, string>;
  }

  const run = async (args: string[], env: Record<string, string> = {}, cwd = elsewhere): Promise<Seen> => {
    const r = await runPulumi(args, {
      cwd,
      env: { PATH: `${fakeBin}:${process.env.PATH}`, PULUMI_HOME: home, ...env },
      timeoutMs: 60_000,
    });
    expect(r.code, describeRun(`scripts/pulumi ${args.join(" ")}`, r)).toBe(0);
    return JSON.parse(r.stdout) as Seen;
  };

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "flex-roster-pulumi-wrapper-"));
    fakeBin = path.join(root, "bin");
    home = path.join(root, "pulumi-home");
    elsewhere = path.join(root, "cwd");
    await Promise.all([mkdir(fakeBin), mkdir(home), mkdir(elsewhere)]);
    const sdkPackage = path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json");
    const pinned = JSON.parse(readFileSync(sdkPackage, "utf8")).version as string;
    const report =
      "const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('PULUMI_') || k === 'PATH'));" +
      "console.log(JSON.stringify({ argv: process.argv.slice(1), cwd: process.cwd(), env }));";
    await writeFile(
      path.join(fakeBin, "pulumi"),
      `#!/usr/bin/env bash\nif [[ "$1" == version ]]; then echo v${pinned}; exit 0; fi\nexec node -e "${report.replace(/"/g, '\\"')}" -- "$@"\n`,
      { mode: 0o755 },
    );
    await writeFile(path.join(fakeBin, "pulumi-language-nodejs"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  });

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("uses the CLI found by ensure-pulumi, keeps the cwd and passes args through", async () => {
    const seen = await run(["stack", "ls", "--json"]);
    expect(seen.argv).toEqual(["stack", "ls", "--json"]);
    expect(seen.cwd).toBe(elsewhere);
    expect(seen.env.PATH.split(":")[0]).toBe(fakeBin);
    expect(existsSync(path.join(fakeBin, "pulumi-resource-pulumi-nodejs"))).toBe(true);
  });

  it("defaults: no update check, no plugin downloads, repo-local file backend, no passphrase", async () => {
    const seen = await run(["preview", "--stack", "prod"]);
    expect(seen.env.PULUMI_SKIP_UPDATE_CHECK).toBe("true");
    expect(seen.env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION).toBe("true");
    expect(seen.env.PULUMI_NODEJS_TRANSPILE_ONLY).toBe("true");
    expect(seen.env.PULUMI_SKIP_CHECKPOINTS).toBe("true");
    // The exported list (for runners that bypass the script) says the same.
    for (const [k, v] of Object.entries(PULUMI_DEFAULTS)) expect(seen.env[k], k).toBe(v);
    expect(seen.env.PULUMI_BACKEND_URL).toBe(`file://${path.join(REPO_ROOT, ".pulumi-state")}`);
    expect(existsSync(path.join(REPO_ROOT, ".pulumi-state"))).toBe(true);
    expect(seen.env.PULUMI_CONFIG_PASSPHRASE).toBeUndefined();
  });

  it("never overrides what the user set", async () => {
    const seen = await run(["up", "--stack", "dev"], {
      PULUMI_SKIP_UPDATE_CHECK: "false",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false",
      PULUMI_NODEJS_TRANSPILE_ONLY: "false",
      PULUMI_SKIP_CHECKPOINTS: "false",
      PULUMI_BACKEND_URL: "file:///somewhere/else",
      PULUMI_CONFIG_PASSPHRASE: "mine",
    });
    expect(seen.env.PULUMI_SKIP_UPDATE_CHECK).toBe("false");
    expect(seen.env.PULUMI_NODEJS_TRANSPILE_ONLY).toBe("false");
    expect(seen.env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION).toBe("false");
    expect(seen.env.PULUMI_SKIP_CHECKPOINTS).toBe("false");
    expect(seen.env.PULUMI_BACKEND_URL).toBe("file:///somewhere/else");
    expect(seen.env.PULUMI_CONFIG_PASSPHRASE).toBe("mine");
  });

  it("the dev-only passphrase applies to the dev stack alone", async () => {
    for (const args of [
      ["up", "--stack", "dev"],
      ["up", "-s", "dev"],
      ["up", "--stack=dev"],
      ["up", "--stack", "org/proj/dev"],
      ["stack", "init", "dev"],
      ["stack", "select", "--create", "dev"],
    ]) {
      expect((await run(args)).env.PULUMI_CONFIG_PASSPHRASE, args.join(" ")).toBe("flex-roster-dev");
    }
    expect((await run(["up"], { PULUMI_STACK: "dev" })).env.PULUMI_CONFIG_PASSPHRASE).toBe("flex-roster-dev");
    for (const args of [["up"], ["up", "--stack", "prod"], ["up", "--stack", "devx"], ["up", "-s", "dev", "-s", "prod"], ["stack", "init", "prod"], ["stack", "ls"]]) {
      expect((await run(args)).env.PULUMI_CONFIG_PASSPHRASE, args.join(" ")).toBeUndefined();
    }
    // A passphrase file set (even with an unset passphrase) means the user chose.
    const withFile = await run(["up", "--stack", "dev"], { PULUMI_CONFIG_PASSPHRASE_FILE: "/dev/null" });
    expect(withFile.env.PULUMI_CONFIG_PASSPHRASE).toBeUndefined();
  });

  it("no file-backend default when logged in to a backend", async () => {
    const loggedIn = path.join(root, "logged-in-home");
    await mkdir(loggedIn, { recursive: true });
    await writeFile(
      path.join(loggedIn, "credentials.json"),
      JSON.stringify({ current: "https://api.pulumi.example", accessTokens: {} }),
    );
    const seen = await run(["stack", "ls"], { PULUMI_HOME: loggedIn });
    expect(seen.env.PULUMI_BACKEND_URL).toBeUndefined();
  });
});
