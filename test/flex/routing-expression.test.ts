import { describe, expect, it } from "vitest";
import { ExpressionError, parseRoutingExpression, tryParseRoutingExpression } from "../../src/flex/routing-expression";

const matches = (expr: string, attributes: Record<string, unknown> | null, fields?: Record<string, string>) =>
  parseRoutingExpression(expr).matches({ attributes, fields });

// Every example of Twilio's "TaskRouter expression syntax" page, with the
// attributes the page gives (or, where it gives none, ones that make each
// example true and then false).
describe("the examples of Twilio's expression syntax page", () => {
  const pageDocument = { string_const: "foo", object: { array: ["a", "b", "c"], attr: "bar" } };

  it.each([
    // "a TaskQueue TargetWorkers expression looks like"
    ["(skills HAS 'support') AND (languages HAS 'english')", { skills: ["support", "sales"], languages: ["english"] }, true],
    ["(skills HAS 'support') AND (languages HAS 'english')", { skills: ["sales"], languages: ["english"] }, false],
    // "a Workflow filter expression looks like"
    ["customer_value == 'Gold' AND type == 'ticket'", { customer_value: "Gold", type: "ticket" }, true],
    ["customer_value == 'Gold' AND type == 'ticket'", { customer_value: "Silver", type: "ticket" }, false],
    // "Expression Structure" examples
    ["1 == 1", {}, true],
    ["0 != 1", {}, true],
    ['"apple" != "orange"', {}, true],
    ["key > 1", { key: 2 }, true],
    ["key > 1", { key: 1 }, false],
    ['object.param != "apple"', { object: { param: "pear" } }, true],
    ['object.param != "apple"', { object: { param: "apple" } }, false],
    ['language IN ["en", "es"]', { language: "es" }, true],
    ['language IN ["en", "es"]', { language: "fr" }, false],
    ["(condition_a == true) OR (condition_b == true)", { condition_a: false, condition_b: true }, true],
    ["(condition_a == true) OR (condition_b == true)", { condition_a: false, condition_b: false }, false],
    ['(language == "en" OR language == "fr") AND skill_rating >= 5.1', { language: "fr", skill_rating: 5.1 }, true],
    ['(language == "en" OR language == "fr") AND skill_rating >= 5.1', { language: "fr", skill_rating: 5 }, false],
    ['(language == "en" OR language == "fr") AND skill_rating >= 5.1', { language: "de", skill_rating: 9 }, false],
  ])("%s with %j is %s", (expr, attrs, want) => {
    expect(matches(expr, attrs)).toBe(want);
  });

  it("constants: single or double quoted strings, integers and floats, unquoted booleans", () => {
    expect(matches(`"string" == 'string'`, {})).toBe(true);
    for (const n of ["1", "1.0", "1.00"]) expect(matches(`${n} == 1`, {})).toBe(true);
    expect(matches("3.141529 > 3.14", {})).toBe(true);
    expect(matches("true != false", {})).toBe(true);
  });

  it("keys resolve as the page's document shows: string_const, object.array, object.array[2], object.attr", () => {
    expect(matches('string_const == "foo"', pageDocument)).toBe(true);
    expect(matches('object.array == ["a", "b", "c"]', pageDocument)).toBe(true);
    expect(matches('object.array[2] == "c"', pageDocument)).toBe(true);
    expect(matches('object.attr == "bar"', pageDocument)).toBe(true);
  });

  it("a key the document lacks resolves to NULL: every comparison with it is false, != and NOT IN too", () => {
    for (const expr of ['missing == "x"', 'missing != "x"', 'missing IN ["x"]', 'missing NOT IN ["x"]', "missing > 1", 'missing HAS "x"', 'missing CONTAINS "x"', 'object.array[7] == "c"', "object.attr.deeper == 1"]) {
      expect(matches(expr, pageDocument), expr).toBe(false);
    }
    expect(matches('missing == "x" OR string_const == "foo"', pageDocument)).toBe(true);
  });

  it("hyphens are not supported", () => {
    expect(() => parseRoutingExpression("first-name == 'bob'")).toThrow(/hyphens/);
    expect(matches("name == 'anne-marie'", { name: "anne-marie" })).toBe(true); // inside a string it is text
  });
});

describe("operators", () => {
  const bob = { routing: { skills: ["sales", "spanish"], levels: { spanish: 3 } }, email: "bob@acme.com", team: "emea" };

  it.each([
    ['routing.skills HAS "spanish"', true],
    ['routing.skills HAS "french"', false],
    ['"spanish" IN routing.skills', true],
    ['routing.skills IN ["spanish", "german"]', true], // any of a list in a list
    ['team NOT IN ["apac", "amer"]', true],
    ['team NOT IN ["emea"]', false],
    ['email CONTAINS "@acme.com"', true],
    ['routing.skills CONTAINS "span"', true], // a substring of any item
    ['email CONTAINS "@other"', false],
    ["routing.levels.spanish >= 3", true],
    ["routing.levels.spanish > 3", false],
    ["routing.levels.spanish < 4 && routing.levels.spanish <= 3", true],
    ['routing.skills HAS "spanish" AND routing.levels.spanish >= 3', true],
    ['team == "apac" || routing.skills HAS "sales"', true],
    ['team = "emea"', true], // `=` is TaskRouter's equality too
    ['team == "EMEA"', false], // strings compare case-sensitively
    ['routing.levels.spanish == "3"', false], // different types never compare equal
    ['team > 1', false],
  ])("%s", (expr, want) => {
    expect(matches(expr, bob)).toBe(want);
  });

  it("keywords are case-insensitive", () => {
    expect(matches('routing.skills has "sales" and team not in ["apac"] or FALSE', bob)).toBe(true);
    expect(matches('"sales" in routing.skills AND email Contains "acme" AND true == TRUE', bob)).toBe(true);
  });

  it("AND binds tighter than OR; parentheses change it", () => {
    expect(matches("1 == 1 OR 1 == 2 AND 1 == 2", {})).toBe(true);
    expect(matches("(1 == 1 OR 1 == 2) AND 1 == 2", {})).toBe(false);
  });

  it("worker fields (sid, friendly_name, activity_name, activity_sid) when given, as the Workers list filter has them", () => {
    const fields = { activity_name: "Available", friendly_name: "bob" };
    expect(matches("activity_name IN ['Available', 'Break']", bob, fields)).toBe(true);
    expect(matches("activity_name CONTAINS 'vail'", bob, fields)).toBe(true);
    expect(matches("activity_name == 'Available'", bob)).toBe(false); // not given: NULL
  });

  it("attributes that are not an object leave every key NULL", () => {
    expect(matches("1 == 1", null)).toBe(true);
    expect(matches('team != "x"', null)).toBe(false);
  });
});

describe("an expression that does not parse is reported, never guessed", () => {
  it.each([
    ["", /empty/],
    ["routing.skills HAS", /ends where a value/],
    ["(1 == 1", /not closed/],
    ["skills HAS 'a' AND", /ends where a value/],
    ["team == 'emea", /not closed/],
    ["team NOT 'x'", /NOT must be followed by IN/],
    ["1 == 1 1 == 1", /unexpected number/],
    ["team == 'a' ; drop", /unexpected character/],
    ["[1, 2 == 1", /not closed/],
    ["routing. == 1", /must not end with/],
    ["AND == 1", /where a value was expected/],
  ])("%j", (expr, why) => {
    expect(() => parseRoutingExpression(expr)).toThrow(ExpressionError);
    const r = tryParseRoutingExpression(expr);
    expect("error" in r && r.error).toMatch(why);
  });

  it("names where parsing stopped", () => {
    const r = tryParseRoutingExpression("skills HAS 'a' ) ");
    expect("error" in r && r.error).toBe("unexpected ')' (at character 16)");
  });
});
