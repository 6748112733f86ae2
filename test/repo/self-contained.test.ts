// The repository is self-contained: a user's clone has no sibling shared folder,
// so nothing but docs and the peer benchmark may name it, and the vendored
// Twilio specs are byte-for-byte the upstream files their README names.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");
// Spelled in two parts so that this file does not name it itself.
const SIBLING = ".." + "/shared";

function trackedFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT });
  return out.toString("utf8").split("\0").filter(Boolean).filter((f) => existsSync(join(ROOT, f)));
}

/**
 * Docs may tell a developer where the data came from; the peer benchmark may default to it;
 * CI's entry point may pass an optional build input from it (the language host's source).
 */
const mayNameSibling = (file: string) => file.endsWith(".md") || file.startsWith("bench/peer/") || file === ".ci/run";

describe("self-contained repository", () => {
  it("no tracked file other than docs, the peer benchmark and .ci/run names the sibling shared folder", () => {
    const offenders = trackedFiles()
      .filter((f) => !mayNameSibling(f))
      .filter((f) => readFileSync(join(ROOT, f)).includes(SIBLING));
    expect(offenders).toEqual([]);
  });

  it("the vendored Twilio specs match the SHA-256 in emulator/spec/README.md, with the upstream LICENSE", () => {
    const readme = readFileSync(join(ROOT, "emulator/spec/README.md"), "utf8");
    const rows = [...readme.matchAll(/\| `(twilio_[a-z0-9_]+\.json)` \|[^|]*\| `([0-9a-f]{64})` \|/g)];
    expect(rows.map((r) => r[1]).sort()).toEqual(["twilio_flex_v1.json", "twilio_flex_v2.json", "twilio_taskrouter_v1.json"]);
    for (const [, file, sha] of rows) {
      const actual = createHash("sha256").update(readFileSync(join(ROOT, "emulator/spec", file!))).digest("hex");
      expect(actual, file).toBe(sha);
    }
    expect(readFileSync(join(ROOT, "emulator/spec/LICENSE"), "utf8")).toMatch(/MIT License[\s\S]*Twilio/);
  });
});
