// Roster skills against Flex's skill catalogue (`taskrouter_skills` of the
// Flex Configuration): an unknown skill, a level outside the skill's
// minimum..maximum, or a level for a single-value skill is an error at the
// roster line that wrote it. Without a catalogue (no Flex, no permission) the
// old global range LEVEL_MIN..LEVEL_MAX applies. Pure: the provider reads the
// Configuration and the roster text and calls this.

import type { RosterIssue } from "./errors";
import { LEVEL_MAX, LEVEL_MIN } from "./schema";
import { RosterSource, formatPath, type PathSegment } from "./source";
import { closest } from "./suggest";
import { isRecord } from "../json";
import type { FlexSkill } from "../flex/types";
import { nameKey } from "../flex/identity";

/** Why `skill` is not usable, or undefined. */
export function skillProblem(skill: string, catalogue: readonly FlexSkill[] | undefined): string | undefined {
  if (!catalogue) return undefined;
  if (catalogue.some((s) => s.name === skill)) return undefined;
  const names = catalogue.map((s) => s.name);
  const hint = closest(skill, names);
  const known = names.length > 0 ? `known skills: ${names.join(", ")}` : "the catalogue is empty";
  return `unknown skill "${skill}": not in Flex's skill catalogue (taskrouter_skills)${hint ? ` (did you mean "${hint}"?)` : ` (${known})`}`;
}

/** Why `level` is not valid for `skill`, or undefined. Unknown skills are reported by skillProblem. */
export function levelProblem(skill: string, level: number, catalogue: readonly FlexSkill[] | undefined): string | undefined {
  if (!catalogue) {
    return level >= LEVEL_MIN && level <= LEVEL_MAX
      ? undefined
      : `level must be an integer between ${LEVEL_MIN} and ${LEVEL_MAX} (got ${level}; Flex's skill catalogue could not be read)`;
  }
  const def = catalogue.find((s) => s.name === skill);
  if (!def) return undefined;
  if (!def.multivalue) {
    return `"${skill}" is a single-value skill in Flex's catalogue (multivalue: false): it takes no level (got ${level})`;
  }
  if (level < def.minimum || level > def.maximum) {
    return `level ${level} for "${skill}" is outside its range ${def.minimum}..${def.maximum} in Flex's skill catalogue`;
  }
  return undefined;
}

/** Problems for one agent's effective skills and levels, without positions (inputs only). */
export function inputProblems(
  skills: readonly string[],
  levels: Record<string, number>,
  catalogue: readonly FlexSkill[] | undefined,
): string[] {
  const out: string[] = [];
  for (const s of skills) {
    const p = skillProblem(s, catalogue);
    if (p) out.push(`skills: ${p}`);
  }
  for (const [s, l] of Object.entries(levels)) {
    const p = levelProblem(s, l, catalogue);
    if (p) out.push(`levels.${s}: ${p}`);
  }
  return out;
}

/**
 * Every catalogue problem in a roster file, by agent email (lowercase). A
 * problem in `defaults` is given to the first agent that inherits it, so it
 * is reported once.
 */
export function catalogueIssues(roster: string | RosterSource, file: string, catalogue: readonly FlexSkill[] | undefined): Map<string, RosterIssue[]> {
  const out = new Map<string, RosterIssue[]>();
  const source = typeof roster === "string" ? new RosterSource(roster) : roster;
  let data: unknown;
  try {
    data = source.doc.toJS({ maxAliasCount: 1000 });
  } catch {
    return out; // the loader has already reported a broken file
  }
  if (!isRecord(data) || !Array.isArray(data.agents)) return out;
  const defaults = isRecord(data.defaults) ? data.defaults : {};
  const issue = (path: PathSegment[], message: string, atKey = false): RosterIssue => {
    const pos = source.locate(path, atKey);
    return { file, line: pos.line, column: pos.column, path: formatPath(path), message };
  };
  const reported = new Set<string>();
  data.agents.forEach((agent: unknown, i: number) => {
    if (!isRecord(agent) || typeof agent.email !== "string") return;
    const mine: RosterIssue[] = [];
    const once = (key: string, make: () => RosterIssue) => {
      if (reported.has(key)) return;
      reported.add(key);
      mine.push(make());
    };
    const ownSkills = Array.isArray(agent.skills);
    const skills: unknown[] = ownSkills ? (agent.skills as unknown[]) : Array.isArray(defaults.skills) ? defaults.skills : [];
    skills.forEach((skill, j) => {
      if (typeof skill !== "string") return;
      const p = skillProblem(skill.trim(), catalogue);
      if (!p) return;
      const path: PathSegment[] = ownSkills ? ["agents", i, "skills", j] : ["defaults", "skills", j];
      once(formatPath(path), () => issue(path, p));
    });
    const have = new Set(skills.filter((s): s is string => typeof s === "string").map((s) => s.trim()));
    const levelSources: [PathSegment[], unknown][] = [
      [["defaults", "levels"], defaults.levels],
      [["agents", i, "levels"], agent.levels],
    ];
    for (const [base, levels] of levelSources) {
      if (!isRecord(levels)) continue;
      for (const [skill, level] of Object.entries(levels)) {
        if (typeof level !== "number" || !Number.isInteger(level) || !have.has(skill.trim())) continue;
        // an agent's own level overrides the default one
        if (base[0] === "defaults" && isRecord(agent.levels) && skill in agent.levels) continue;
        const p = levelProblem(skill.trim(), level, catalogue);
        if (!p) continue;
        const path = [...base, skill];
        once(formatPath(path), () => issue(path, p));
      }
    }
    if (mine.length > 0) out.set(nameKey(agent.email.trim()), mine);
  });
  return out;
}
