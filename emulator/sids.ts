import { randomBytes } from "node:crypto";

/** SID prefixes the emulator mints (TaskRouter v1 and the Flex instance). */
export type SidPrefix = "WS" | "WA" | "TC" | "WK" | "WC" | "WR" | "WT" | "EV" | "GO" | "WQ" | "WW";

// Random bytes are drawn in blocks: seeding 15,000 workers mints ~100,000 SIDs.
let pool = Buffer.alloc(0);
let offset = 0;

/** A new SID in Twilio's format: two-letter prefix + 32 lowercase hex digits (34 chars). */
export function newSid(prefix: SidPrefix): string {
  if (offset + 16 > pool.length) {
    pool = randomBytes(16 * 1024);
    offset = 0;
  }
  const hex = pool.toString("hex", offset, offset + 16);
  offset += 16;
  return prefix + hex;
}

const SID_BODY = /^[0-9a-fA-F]{32}$/;

/** Whether `value` is shaped like a SID with the given prefix. */
export function isSid(value: string | undefined, prefix: SidPrefix): value is string {
  return typeof value === "string" && value.length === 34 && value.startsWith(prefix) && SID_BODY.test(value.slice(2));
}
