import { describe, expect, it } from "vitest";
import { canonicalPattern, describeContactUri, lenientDecode, splitEmail } from "../../src/brownfield/patterns";

const BOB = "bob_40acme_2Ecom";

describe("describeContactUri", () => {
  const cases: [name: string, identity: string, value: unknown, kind: string, pattern: string, label: RegExp | string][] = [
    ["canonical email identity", BOB, "client:bob_40acme_2Ecom", "canonical", "client:<local>_40<domain>", ""],
    ["canonical plain username", "bob", "client:bob", "canonical", "client:<username>", ""],
    ["canonical undecodable identity", "bob_zz", "client:bob_zz", "canonical", "client:<identity>", ""],
    ["missing", BOB, undefined, "missing", "(missing)", /missing/],
    ["null", BOB, null, "not-a-string", "(null)", /null, not a string/],
    ["number", BOB, 7, "not-a-string", "(number)", /number/],
    ["empty", BOB, "", "empty", "(empty)", /empty/],
    ["seed style: local part only", BOB, "client:bob", "domain-missing", "client:<local>", "domain part missing"],
    ["seed style: tld missing", BOB, "client:bob_40acme", "domain-truncated", "client:<local>_40<domain-without-tld>", "top-level domain missing"],
    ["domain truncated", "bob_40eu_2Eacme_2Eco_2Euk", "client:bob_40eu_2Eacme", "domain-truncated", "client:<local>_40<domain-truncated>", "domain truncated"],
    ["not encoded", BOB, "client:bob@acme.com", "not-encoded", "client:<local>@<domain>", /not encoded/],
    ["partly encoded", BOB, "client:bob_40acme.com", "partly-encoded", "client:<local>@<domain> (partly encoded)", /partly/],
    ["lowercase hex", BOB, "client:bob_40acme_2ecom", "hex-lowercase", "client:<local>_40<domain> (lowercase hex)", /lowercase/],
    ["wrong letter case", BOB, "client:Bob_40acme_2Ecom", "wrong-case", "client:<local>_40<domain> (case differs)", /case/],
    ["no prefix", BOB, "bob_40acme_2Ecom", "no-prefix", "<local>_40<domain>", /prefix is missing/],
    ["prefix case", BOB, "Client:bob_40acme_2Ecom", "prefix-case", "Client:<local>_40<domain>", /"Client:"/],
    ["other scheme", BOB, "sip:bob_40acme_2Ecom", "other-scheme", "sip:<local>_40<domain>", /"sip:"/],
    ["no prefix and not encoded", BOB, "bob@acme.com", "not-encoded", "<local>@<domain>", /prefix is missing; the username is not encoded/],
    ["padded", BOB, " client:bob_40acme_2Ecom ", "whitespace", "client:<local>_40<domain> (padded)", "surrounding whitespace"],
    ["padded and wrong", BOB, "client:bob ", "domain-missing", "client:<local> (padded)", /domain part missing, with surrounding whitespace/],
    ["unrecognised", BOB, "client:robert", "other", "client:<other>", /unrecognised/],
    ["local part with dots", "bob_2Esmith_40acme_2Ecom", "client:bob_2Esmith", "domain-missing", "client:<local>", "domain part missing"],
    ["local part not encoded", "bob_2Esmith_40acme_2Ecom", "client:bob.smith", "domain-missing", "client:<local>", "domain part missing"],
  ];
  it.each(cases)("%s", (_name, identity, value, kind, pattern, label) => {
    const s = describeContactUri(identity, value);
    expect(s.kind).toBe(kind);
    expect(s.pattern).toBe(pattern);
    if (typeof label === "string") expect(s.label).toBe(label);
    else expect(s.label).toMatch(label);
  });

  it("recognises another worker's identity", () => {
    const s = describeContactUri(BOB, "client:alice_40acme_2Ecom", { isOtherIdentity: (id) => id === "alice_40acme_2Ecom" });
    expect(s.kind).toBe("other-identity");
    expect(s.label).toContain("alice_40acme_2Ecom");
    expect(describeContactUri(BOB, "client:alice_40acme_2Ecom").kind).toBe("other");
  });
});

describe("helpers", () => {
  it.each([
    ["bob@acme.com", { local: "bob", domain: "acme.com" }],
    ["a@b@c.org", { local: "a@b", domain: "c.org" }],
    ["bob", { local: "bob" }],
    ["@acme.com", { local: "@acme.com" }],
    ["bob@", { local: "bob@" }],
  ])("splitEmail(%s)", (input, out) => expect(splitEmail(input)).toEqual(out));

  it.each([
    ["bob_40acme.com", "bob@acme.com"],
    ["bob_40acme_2ecom", "bob@acme.com"],
    ["bob_zz", "bob_zz"],
  ])("lenientDecode(%s)", (input, out) => expect(lenientDecode(input)).toBe(out));

  it.each([
    [BOB, "client:<local>_40<domain>"],
    ["bob", "client:<username>"],
    ["bob_zz", "client:<identity>"],
  ])("canonicalPattern(%s)", (input, out) => expect(canonicalPattern(input)).toBe(out));
});
