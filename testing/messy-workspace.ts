// A seeded brownfield workspace: what years of Flex logins, a seeding script
// with a bug and some manual clicking leave behind. Each planted worker says
// which doctor findings it must produce and what import must do with it, so
// the tests can assert exact sets.

import type { SeedWorkerSpec } from "../emulator";
import type { FindingCode } from "../src/brownfield/findings";
import type { Plan } from "../src/brownfield/roster-gen";
import { flexIdentity } from "../src/flex/identity";
import { signedInAttributes } from "./flex-workers";

export interface Planted {
  spec: SeedWorkerSpec;
  /** Doctor findings on this worker (without a roster). */
  findings: FindingCode[];
  /** Import: the agent email it becomes and the plan, or why it is skipped. */
  import: { email: string; plan: Plan } | { skipped: "duplicate" | "not-an-identity" };
  kind: string;
}

const TEAMS = ["emea", "amer", "apac"];

function channels(chat: number, voice = 1) {
  return { chat: { capacity: chat }, voice: { capacity: voice }, default: { capacity: 1 }, sms: { capacity: 1 }, video: { capacity: 1 }, email: { capacity: 1 } };
}

/** Attributes Flex (plus an SSO mapping and the team) would hold for a signed-in agent. */
function flexAttributes(email: string, i: number, over: Record<string, unknown> = {}) {
  const skills = i % 3 === 0 ? ["support", "sales"] : ["support"];
  return {
    ...signedInAttributes({
      email,
      fullName: `Agent ${i}`,
      roles: i % 10 === 0 ? ["agent", "supervisor"] : ["agent"],
      levels: Object.fromEntries(skills.map((s) => [s, s === "support" ? 3 : 1 + (i % 4)])),
      imageUrl: `https://example.invalid/avatars/${i}.png`,
    }),
    team: TEAMS[i % TEAMS.length],
    ...(i % 7 === 0 ? { disabled_skills: { skills: [], levels: {} } } : {}),
    ...over,
  };
}

export function messyWorkspace(): Planted[] {
  const out: Planted[] = [];
  const healthy = (email: string, i: number, kind = "healthy", chat = 2, over: Record<string, unknown> = {}): Planted => ({
    spec: { friendlyName: flexIdentity(email), attributes: flexAttributes(email, i, over), channels: channels(chat) },
    findings: chat < 2 ? ["chat-capacity-low"] : [],
    import: { email, plan: "adopt" },
    kind,
  });
  const corrupt = (email: string, i: number, contactUri: unknown, kind: string, code: FindingCode = "contact-uri-not-canonical"): Planted => {
    const attrs: Record<string, unknown> = flexAttributes(email, i);
    if (contactUri === undefined) delete attrs.contact_uri;
    else attrs.contact_uri = contactUri;
    return { spec: { friendlyName: flexIdentity(email), attributes: attrs, channels: channels(2) }, findings: [code], import: { email, plan: "replace" }, kind };
  };

  let i = 0;
  // 170 healthy agents, a few with usernames that need escaping.
  for (; i < 164; i++) out.push(healthy(`agent${String(i).padStart(3, "0")}@acme.com`, i));
  out.push(healthy("first.last+flex@acme.co.uk", i++));
  out.push(healthy("jane-doe@acme.com", i++));
  out.push(healthy("j_smith@acme.com", i++));
  out.push(healthy("o'brien@acme.com", i++));
  // A non-email username whose SSO email differs: import needs `identity:`.
  out.push({
    spec: { friendlyName: "contractor7", attributes: { ...flexAttributes("contractor7", i, { email: "contractor7@partner.example" }), contact_uri: "client:contractor7" }, channels: channels(2) },
    findings: [],
    import: { email: "contractor7@partner.example", plan: "adopt" },
    kind: "healthy",
  });
  i++;
  // Low chat capacity (multi-chat expected).
  for (let k = 0; k < 6; k++) out.push(healthy(`single${k}@acme.com`, i++, "low-chat", 1));

  // The seeding script's bug: identities cut at the "@" or at the last ".".
  for (let k = 0; k < 8; k++) out.push(corrupt(`seeded${k}@acme.com`, i++, `client:seeded${k}`, "domain-missing"));
  for (let k = 0; k < 5; k++) out.push(corrupt(`trunc${k}@acme.com`, i++, `client:trunc${k}_40acme`, "tld-missing"));
  out.push(corrupt("raw0@acme.com", i++, "client:raw0@acme.com", "not-encoded"));
  out.push(corrupt("raw1@acme.com", i++, "client:raw1@acme.com", "not-encoded"));
  out.push(corrupt("hex@acme.com", i++, "client:hex_40acme_2ecom", "hex-lowercase"));
  // No contact_uri: waiting for first sign-in, not corrupted; the roster's default writes it in place.
  for (const email of ["nouri0@acme.com", "nouri1@acme.com"]) {
    const p = corrupt(email, i++, undefined, "missing", "contact-uri-missing");
    out.push({ ...p, import: { email, plan: "update" } });
  }
  out.push(corrupt("copy@acme.com", i++, "client:agent001_40acme_2Ecom", "other-identity"));

  // Attributes nobody can read.
  for (let k = 0; k < 3; k++) {
    out.push({
      spec: { friendlyName: flexIdentity(`badjson${k}@acme.com`), attributes: `{"contact_uri": "client:badjson${k}_40acme_2Ecom", "email": ` , channels: channels(2) },
      findings: ["attributes-invalid-json"],
      import: { email: `badjson${k}@acme.com`, plan: "replace" },
      kind: "invalid-json",
    });
  }
  out.push({
    spec: { friendlyName: flexIdentity("array@acme.com"), attributes: '["client:array_40acme_2Ecom"]', channels: channels(2) },
    findings: ["attributes-not-object"],
    import: { email: "array@acme.com", plan: "replace" },
    kind: "not-an-object",
  });

  // Duplicates. The canonical one is seeded first (Twilio lists oldest first).
  out.push({ ...healthy("dup1@acme.com", i++, "duplicate"), findings: ["duplicate-identity"] });
  out.push({
    spec: { friendlyName: "Dup1_40acme_2Ecom", attributes: flexAttributes("Dup1@acme.com", i++, { contact_uri: "client:Dup1_40acme_2Ecom" }), channels: channels(2) },
    findings: ["duplicate-identity"],
    import: { skipped: "duplicate" },
    kind: "duplicate",
  });
  out.push({ ...healthy("dup2@acme.com", i++, "duplicate"), findings: ["duplicate-identity"] });
  out.push({ ...healthy("dup2@acme.com", i++, "duplicate"), findings: ["duplicate-identity"], import: { skipped: "duplicate" } });
  out.push({ ...healthy("dup3@acme.com", i++, "duplicate"), findings: ["duplicate-email"] });
  out.push({
    spec: { friendlyName: "dup3", attributes: { ...flexAttributes("dup3@acme.com", i++), contact_uri: "client:dup3" }, channels: channels(2) },
    findings: ["duplicate-email"],
    import: { skipped: "duplicate" },
    kind: "duplicate",
  });

  // Made by hand in the console.
  out.push({
    spec: { friendlyName: "Test Worker", attributes: "{}", channels: channels(2) },
    findings: ["friendly-name-not-identity"],
    import: { skipped: "not-an-identity" },
    kind: "stray",
  });
  return out;
}
