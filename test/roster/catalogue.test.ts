import { describe, expect, it } from "vitest";
import { catalogueIssues, inputProblems, levelProblem, skillProblem } from "../../src/roster/catalogue";
import type { FlexSkill } from "../../src/flex/types";
import { formatIssue } from "../../src/roster/errors";
import { parseSkills } from "../../src/twilio/flex-configuration";

const CATALOGUE: FlexSkill[] = [
  { name: "sales", multivalue: true, minimum: 0, maximum: 10 },
  { name: "support", multivalue: true, minimum: 1, maximum: 5 },
  { name: "vip", multivalue: false, minimum: 0, maximum: 0 },
];

const lines = (text: string, catalogue: FlexSkill[] | undefined) =>
  Object.fromEntries([...catalogueIssues(text, "roster.yaml", catalogue)].map(([email, issues]) => [email, issues.map(formatIssue)]));

describe("skills against Flex's catalogue", () => {
  it.each([
    ["a known skill", "sales", undefined],
    ["a typo gets a did-you-mean", "salse", 'unknown skill "salse": not in Flex\'s skill catalogue (taskrouter_skills) (did you mean "sales"?)'],
    ["far from everything lists the known skills", "escalations", 'unknown skill "escalations": not in Flex\'s skill catalogue (taskrouter_skills) (known skills: sales, support, vip)'],
  ])("%s", (_n, skill, message) => {
    expect(skillProblem(skill, CATALOGUE)).toBe(message);
  });

  it.each([
    ["inside the skill's own range", "support", 3, CATALOGUE, undefined],
    ["outside the skill's own range", "support", 0, CATALOGUE, 'level 0 for "support" is outside its range 1..5 in Flex\'s skill catalogue'],
    ["above it", "sales", 11, CATALOGUE, 'level 11 for "sales" is outside its range 0..10 in Flex\'s skill catalogue'],
    ["a single-value skill takes no level", "vip", 0, CATALOGUE, '"vip" is a single-value skill in Flex\'s catalogue (multivalue: false): it takes no level (got 0)'],
    ["no catalogue: the old 0..10 rule", "anything", 11, undefined, "level must be an integer between 0 and 10 (got 11; Flex's skill catalogue could not be read)"],
    ["no catalogue, inside 0..10", "anything", 10, undefined, undefined],
  ])("%s", (_n, skill, level, catalogue, message) => {
    expect(levelProblem(skill, level, catalogue)).toBe(message);
  });

  it("positions every problem at the roster line; a default's problem goes to the first agent that inherits it", () => {
    const text = [
      "defaults:",
      "  skills: [supprt]",
      "agents:",
      "  - email: a@acme.com",
      "  - email: B@acme.com",
      "  - email: c@acme.com",
      "    skills: [sales, vip]",
      "    levels: { sales: 12, vip: 1 }",
      "",
    ].join("\n");
    expect(lines(text, CATALOGUE)).toEqual({
      "a@acme.com": ['roster.yaml:2:12 defaults.skills[0]: unknown skill "supprt": not in Flex\'s skill catalogue (taskrouter_skills) (did you mean "support"?)'],
      "c@acme.com": [
        'roster.yaml:8:22 agents[2].levels.sales: level 12 for "sales" is outside its range 0..10 in Flex\'s skill catalogue',
        'roster.yaml:8:31 agents[2].levels.vip: "vip" is a single-value skill in Flex\'s catalogue (multivalue: false): it takes no level (got 1)',
      ],
    });
    expect(lines(text, undefined)).toEqual({
      "c@acme.com": ["roster.yaml:8:22 agents[2].levels.sales: level must be an integer between 0 and 10 (got 12; Flex's skill catalogue could not be read)"],
    });
  });

  it("checks inputs alone when the roster file cannot be read", () => {
    expect(inputProblems(["salse"], { vip: 2 }, CATALOGUE)).toEqual([
      'skills: unknown skill "salse": not in Flex\'s skill catalogue (taskrouter_skills) (did you mean "sales"?)',
      'levels.vip: "vip" is a single-value skill in Flex\'s catalogue (multivalue: false): it takes no level (got 2)',
    ]);
  });

  it("reads Flex's taskrouter_skills defensively; null or empty means no catalogue", () => {
    expect(parseSkills(null)).toBeUndefined();
    expect(parseSkills([])).toBeUndefined();
    expect(parseSkills([{ name: "a", multivalue: true, minimum: 1, maximum: 3 }, { nope: 1 }, { name: "b" }])).toEqual([
      { name: "a", multivalue: true, minimum: 1, maximum: 3 },
      { name: "b", multivalue: false, minimum: 0, maximum: 0 },
    ]);
  });
});
