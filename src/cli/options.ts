// Option parsers shared by the commands: commander calls them on the raw
// text and shows their InvalidArgumentError as a usage error (exit 1).

import { InvalidArgumentError } from "commander";

/** A whole number in [min, max] (no upper bound when max is omitted). */
export function intOption(name: string, min: number, max = Infinity) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Infinity ? `of at least ${min}` : `between ${min} and ${max}`;
      throw new InvalidArgumentError(`${name} must be an integer ${range}.`);
    }
    return n;
  };
}

/** Repeatable / comma-separated list option. */
export function listOption(raw: string, previous: string[] = []): string[] {
  return [...previous, ...raw.split(",").map((s) => s.trim()).filter(Boolean)];
}
