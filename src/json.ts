// A parsed-JSON guard every layer needs (attributes, state, Flex Configuration,
// YAML): a plain object, not null and not an array.

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
