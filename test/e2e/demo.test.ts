// The README's first command, run as a user would: `bash scripts/demo`
// (what `npm run demo` runs) must pass and tell the story.

import { beforeAll, expect, it } from "vitest";
import { ensurePulumi, ENSURE_PULUMI_TIMEOUT_MS, REPO_ROOT, runCommand } from "../../testing/pulumi-cli";

beforeAll(async () => {
  await ensurePulumi();
}, ENSURE_PULUMI_TIMEOUT_MS);

it("npm run demo: up, out-of-band corruption, preview explains, up repairs, no changes left", { timeout: 600_000 }, async () => {
  const r = await runCommand("bash", ["scripts/demo"], { cwd: REPO_ROOT, timeoutMs: 590_000 });
  const out = r.stdout + r.stderr;
  expect(r.code, out.slice(-4000)).toBe(0);
  expect(out).toContain('bob@acme.com: contact_uri "client:bob" is not canonical "client:bob_40acme_2Ecom"');
  expect(out).toMatch(/\+-1 to replace/);
  // routing impact: the new Spanish speaker joins the Spanish Support queue
  expect(out).toContain('routing impact: Maria.Garcia+support@acme-corp.com: routing: joins "Spanish Support"');
  expect(out).toContain("contact_uri `client:bob` is not canonical; expected `client:bob_40acme_2Ecom`");
  expect(out).toMatch(/Bob's worker: +WK[0-9a-f]{32} -> WK[0-9a-f]{32} \(recreated: true\)/);
  // the symptom before the repair, a working second chat after it (the emulator plays Flex)
  expect(out).toContain("second chat: You are not a chat participant");
  expect(out).toContain("second chat: ok");
  expect(out).toContain("Demo passed");
  expect(out).not.toContain("emulator-dev-auth-token");
});
