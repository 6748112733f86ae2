// Flex identity encoding. Flex turns a login username into a Twilio Client
// identity by hex-escaping every character outside [A-Za-z0-9]; the worker's
// contact_uri must be `client:` + that identity or Flex cannot add the agent
// to a second conversation ("You are not a chat participant").

export class FlexIdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FlexIdentityError";
  }
}

const SAFE = /^[A-Za-z0-9]$/;

/** Encode a Flex username the way Flex does: `@`→`_40`, `.`→`_2E`, `+`→`_2B`, `-`→`_2D`, `_`→`_5F`. */
export function flexIdentity(username: string): string {
  if (username.length === 0) throw new FlexIdentityError("username is empty");
  let out = "";
  for (const ch of username) {
    const code = ch.codePointAt(0)!;
    if (code > 0x7f) {
      throw new FlexIdentityError(
        `username "${username}" contains the non-ASCII character "${ch}"; Flex's encoding of it is not defined here, so give the agent an explicit identity`,
      );
    }
    out += SAFE.test(ch) ? ch : `_${code.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Reverse of flexIdentity, for reports (`bob_40acme_2Ecom` → `bob@acme.com`). Returns undefined if not a valid encoding. */
export function decodeFlexIdentity(identity: string): string | undefined {
  let out = "";
  for (let i = 0; i < identity.length; i++) {
    const ch = identity[i];
    if (ch === "_") {
      const hex = identity.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) return undefined;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 2;
    } else if (SAFE.test(ch)) {
      out += ch;
    } else {
      return undefined;
    }
  }
  return out;
}

export const CONTACT_URI_PREFIX = "client:";

/** `client:` + identity. */
export function contactUriFor(identity: string): string {
  return CONTACT_URI_PREFIX + identity;
}

/**
 * The key under which two names are one: Twilio matches worker friendly names,
 * and Flex matches usernames, ignoring case. Every case-insensitive comparison
 * of identities or emails goes through it.
 */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

/** Whether two friendly names (or usernames) are the same to Twilio and Flex. */
export function sameName(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}
