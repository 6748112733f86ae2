import { describe, expect, it } from "vitest";
import { contactUriFor, decodeFlexIdentity, flexIdentity, FlexIdentityError } from "../../src/flex/identity";

describe("flexIdentity", () => {
  it.each([
    ["bob@acme.com", "bob_40acme_2Ecom"],
    ["Maria.Garcia+support@acme-corp.com", "Maria_2EGarcia_2Bsupport_40acme_2Dcorp_2Ecom"],
    ["first_last@x.io", "first_5Flast_40x_2Eio"],
    ["UPPER@Case.COM", "UPPER_40Case_2ECOM"],
    ["plainuser", "plainuser"],
    ["a b", "a_20b"],
    ["o'neil@x.com", "o_27neil_40x_2Ecom"],
    ["tab\there", "tab_09here"],
  ])("%s → %s", (username, identity) => {
    expect(flexIdentity(username)).toBe(identity);
    expect(decodeFlexIdentity(identity)).toBe(username);
  });

  it("rejects non-ASCII usernames with a message naming the character", () => {
    expect(() => flexIdentity("josé@acme.com")).toThrow(FlexIdentityError);
    expect(() => flexIdentity("josé@acme.com")).toThrow(/non-ASCII character "é"/);
  });

  it("rejects the empty username", () => {
    expect(() => flexIdentity("")).toThrow(FlexIdentityError);
  });

  it("builds contact_uri from the identity", () => {
    expect(contactUriFor(flexIdentity("bob@acme.com"))).toBe("client:bob_40acme_2Ecom");
  });

  it.each(["bob_4", "bob_zz", "bob@acme", "_2e"])("decode rejects malformed identity %s", (bad) => {
    expect(decodeFlexIdentity(bad)).toBeUndefined();
  });
});
