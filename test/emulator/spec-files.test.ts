// The vendored Twilio OpenAPI files are Twilio's, unmodified: each matches the
// SHA-256 that emulator/spec/README.md records for it (the hashes are read from
// that table, so the README and this check cannot drift apart).

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const SPEC = path.resolve(__dirname, "../../emulator/spec");
const readme = readFileSync(path.join(SPEC, "README.md"), "utf8");
const rows = [...readme.matchAll(/^\| `([^`]+\.json)` \|[^|]*\| `([0-9a-f]{64})` \|$/gm)].map((m) => [m[1]!, m[2]!] as const);

describe("vendored OpenAPI files", () => {
  it("the README lists the three files with a hash each, and the license beside them", () => {
    expect(rows.map(([file]) => file).sort()).toEqual(["twilio_flex_v1.json", "twilio_flex_v2.json", "twilio_taskrouter_v1.json"]);
    expect(readFileSync(path.join(SPEC, "LICENSE"), "utf8")).toMatch(/MIT License/);
  });

  it.each(rows)("%s matches its recorded SHA-256", (file, sha) => {
    expect(createHash("sha256").update(readFileSync(path.join(SPEC, file))).digest("hex")).toBe(sha);
  });
});
