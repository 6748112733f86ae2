// What shape a worker's contact_uri has, relative to the identity Flex gave the
// worker (its friendly name). Pure. The shape has a stable `kind` for machines,
// an abstract `pattern` that is the same for every worker written the same way
// (`client:<local>_40<domain>`), so a workspace can be summarised as "212
// working agents use client:<local>_40<domain>, 12 workers have client:<local>",
// and a `label` an admin reads ("domain part missing").

import { CONTACT_URI_PREFIX, contactUriFor, decodeFlexIdentity, flexIdentity, sameName } from "../flex/identity";

export type ContactUriKind =
  | "canonical"
  | "missing"
  | "not-a-string"
  | "empty"
  | "whitespace"
  | "no-prefix"
  | "prefix-case"
  | "other-scheme"
  | "not-encoded"
  | "partly-encoded"
  | "hex-lowercase"
  | "wrong-case"
  | "domain-missing"
  | "domain-truncated"
  | "other-identity"
  | "other";

export interface ContactUriShape {
  kind: ContactUriKind;
  /** Abstract form, comparable across workers: `client:<local>_40<domain>`, `client:<local>`, `(missing)`. */
  pattern: string;
  /** What is wrong, in an admin's words; "" when canonical. */
  label: string;
}

/** Identities the roster accepts and Flex produces: letters, digits and `_`. */
export const IDENTITY_CHARS = /^[A-Za-z0-9_]+$/;

export function isFlexIdentity(name: string): boolean {
  return IDENTITY_CHARS.test(name);
}

/** flexIdentity that returns undefined instead of throwing (empty or non-ASCII input). */
export function tryFlexIdentity(username: string): string | undefined {
  try {
    return flexIdentity(username);
  } catch {
    return undefined;
  }
}

/** Split a username at its last `@`; no domain when there is none (or nothing on one side). */
export function splitEmail(username: string): { local: string; domain?: string } {
  const at = username.lastIndexOf("@");
  if (at <= 0 || at === username.length - 1) return { local: username };
  return { local: username.slice(0, at), domain: username.slice(at + 1) };
}

/** Decode the `_XX` escapes that are valid and keep every other character: `bob_40acme.com` → `bob@acme.com`. */
export function lenientDecode(value: string): string {
  return value.replace(/_([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The pattern of the canonical contact_uri for an identity. */
export function canonicalPattern(identity: string): string {
  return CONTACT_URI_PREFIX + restPattern(identity);
}

function restPattern(identity: string): string {
  const username = decodeFlexIdentity(identity);
  if (username === undefined) return "<identity>";
  return splitEmail(username).domain !== undefined ? "<local>_40<domain>" : "<username>";
}

function shape(kind: ContactUriKind, pattern: string, label: string): ContactUriShape {
  return { kind, pattern, label };
}

export interface DescribeOptions {
  /** True when `identity` is the friendly name of another worker in the workspace. */
  isOtherIdentity?: (identity: string) => boolean;
}

/**
 * Describe `value` (the contact_uri attribute as found, any JSON) for a worker
 * whose Flex identity is `identity`.
 */
export function describeContactUri(identity: string, value: unknown, opts: DescribeOptions = {}): ContactUriShape {
  if (value === undefined) return shape("missing", "(missing)", "contact_uri is missing");
  if (typeof value !== "string") {
    const what = value === null ? "null" : Array.isArray(value) ? "a list" : typeof value;
    return shape("not-a-string", `(${what})`, `contact_uri is ${what}, not a string`);
  }
  if (value === contactUriFor(identity)) return shape("canonical", canonicalPattern(identity), "");
  if (value.trim() === "") return shape("empty", "(empty)", "contact_uri is empty");
  if (value.trim() !== value) {
    const inner = describeContactUri(identity, value.trim(), opts);
    const label = inner.kind === "canonical" ? "surrounding whitespace" : `${inner.label}, with surrounding whitespace`;
    return shape(inner.kind === "canonical" ? "whitespace" : inner.kind, `${inner.pattern} (padded)`, label);
  }

  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(value);
  let prefix = CONTACT_URI_PREFIX;
  let prefixProblem: { kind: ContactUriKind; label: string } | undefined;
  let rest = value;
  if (!m) {
    prefix = "";
    prefixProblem = { kind: "no-prefix", label: `the "client:" prefix is missing` };
  } else if (m[1] === "client") {
    rest = m[2];
  } else if (m[1].toLowerCase() === "client") {
    prefix = `${m[1]}:`;
    rest = m[2];
    prefixProblem = { kind: "prefix-case", label: `prefix "${m[1]}:" instead of "client:"` };
  } else {
    prefix = `${m[1]}:`;
    rest = m[2];
    prefixProblem = { kind: "other-scheme", label: `a "${m[1]}:" address instead of "client:"` };
  }

  const r = describeRest(identity, rest, opts);
  const pattern = prefix + r.pattern;
  if (!prefixProblem) return shape(r.kind, pattern, r.label);
  if (r.kind === "canonical") return shape(prefixProblem.kind, pattern, prefixProblem.label);
  // Both wrong: the prefix problem decides the kind only when the rest is unrecognised.
  return shape(r.kind === "other" ? prefixProblem.kind : r.kind, pattern, `${prefixProblem.label}; ${r.label}`);
}

function describeRest(identity: string, r: string, opts: DescribeOptions): ContactUriShape {
  const canonical = restPattern(identity);
  if (r === identity) return shape("canonical", canonical, "");
  const username = decodeFlexIdentity(identity);
  if (username !== undefined) {
    const { local, domain } = splitEmail(username);
    const enc = (s: string) => tryFlexIdentity(s);
    const unencoded = domain !== undefined ? "<local>@<domain>" : "<username>";

    if (r === username) return shape("not-encoded", unencoded, "the username is not encoded (Flex escapes every character other than letters and digits)");
    const hexUpper = r.replace(/_([0-9A-Fa-f]{2})/g, (_m, h: string) => `_${h.toUpperCase()}`);
    if (hexUpper === identity) {
      return shape("hex-lowercase", `${canonical} (lowercase hex)`, "hex escapes in lowercase (Flex writes _2E, not _2e)");
    }
    if (sameName(r, identity) || sameName(hexUpper, identity)) {
      return shape("wrong-case", `${canonical} (case differs)`, "wrong letter case (identities are case-sensitive)");
    }
    if (domain !== undefined) {
      if (r === enc(local) || r === local) return shape("domain-missing", "<local>", "domain part missing");
      const labels = domain.split(".");
      for (let keep = labels.length - 1; keep >= 1; keep--) {
        const cut = `${local}@${labels.slice(0, keep).join(".")}`;
        if (r === enc(cut)) {
          return keep === labels.length - 1
            ? shape("domain-truncated", "<local>_40<domain-without-tld>", "top-level domain missing")
            : shape("domain-truncated", "<local>_40<domain-truncated>", "domain truncated");
        }
      }
    }
    const loose = lenientDecode(r);
    if (loose === username) return shape("partly-encoded", `${unencoded} (partly encoded)`, "the username is only partly encoded");
    if (sameName(loose, username)) {
      return shape("wrong-case", `${unencoded} (case differs)`, "wrong letter case and not fully encoded");
    }
  }
  if (isFlexIdentity(r) && opts.isOtherIdentity?.(r)) {
    return shape("other-identity", "<another worker's identity>", `it is the identity of another worker ("${r}")`);
  }
  return shape("other", "<other>", "unrecognised value");
}
