// The `pulumi preview --json` document (Pulumi 3.248, PreviewDigest), read
// leniently: only what the report needs is checked, unknown fields pass.
//
//   { config?: {key: string}, steps?: PreviewStep[], diagnostics?: Diagnostic[],
//     duration?: number, changeSummary?: {op: count}, maybeCorrupt?: boolean }
//   PreviewStep = { op, urn, provider?, oldState?, newState?, diffReasons?,
//     replaceReasons?, detailedDiff: {path: {kind, inputDiff}} | null }
//   state = { urn, type, id?, custom, inputs?, outputs?, protect?, pendingReplacement?, ... }
//
// Ops: same, create, update, delete, replace, create-replacement,
// delete-replaced, read, read-replacement, refresh, discard,
// discard-replaced, remove-pending-replace, import, import-replacement.
// With `--refresh` every resource in state first gets a `refresh` step (its
// states are the pre-refresh ones); the planned step follows. Same steps and
// the non-logical halves of a replacement (create-replacement /
// delete-replaced) appear only with --show-sames / --show-replacement-steps.
// Secrets arrive as the string "[secret]" (Pulumi blinds them for JSON).

import { z } from "zod";

const Json = z.unknown();

export const ResourceStateSchema = z.looseObject({
  urn: z.string().optional(),
  type: z.string().optional(),
  id: z.string().optional(),
  custom: z.boolean().optional(),
  inputs: z.record(z.string(), Json).optional(),
  outputs: z.record(z.string(), Json).optional(),
  protect: z.boolean().optional(),
  pendingReplacement: z.boolean().optional(),
});
export type ResourceState = z.infer<typeof ResourceStateSchema>;

export const PreviewStepSchema = z.looseObject({
  op: z.string(),
  urn: z.string(),
  provider: z.string().optional(),
  oldState: ResourceStateSchema.nullish(),
  newState: ResourceStateSchema.nullish(),
  diffReasons: z.array(z.string()).nullish(),
  replaceReasons: z.array(z.string()).nullish(),
  detailedDiff: z.record(z.string(), z.looseObject({ kind: z.string().optional(), inputDiff: z.boolean().optional() })).nullish(),
});
export type PreviewStep = z.infer<typeof PreviewStepSchema>;

export const DiagnosticSchema = z.looseObject({
  urn: z.string().optional(),
  prefix: z.string().optional(),
  message: z.string().optional(),
  severity: z.string().optional(),
});
export type Diagnostic = z.infer<typeof DiagnosticSchema>;

export const PreviewDigestSchema = z.looseObject({
  config: z.record(z.string(), z.string()).nullish(),
  steps: z.array(PreviewStepSchema).nullish(),
  diagnostics: z.array(DiagnosticSchema).nullish(),
  duration: z.number().optional(),
  changeSummary: z.record(z.string(), z.number()).nullish(),
  maybeCorrupt: z.boolean().optional(),
});
export type PreviewDigest = z.infer<typeof PreviewDigestSchema>;

export class DigestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DigestError";
  }
}

/**
 * Parse the text `pulumi preview --json` printed. Anything before the first
 * `{` (a stray line a wrapper printed) is skipped; an empty or non-JSON text
 * is a DigestError with a short excerpt.
 */
export function parseDigest(text: string): PreviewDigest {
  const start = text.indexOf("{");
  if (start < 0) {
    const excerpt = text.trim().slice(0, 200);
    throw new DigestError(
      excerpt ? `not a pulumi preview --json document: ${JSON.stringify(excerpt)}` : "the preview JSON is empty",
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.slice(start));
  } catch (err) {
    throw new DigestError(`the preview JSON does not parse: ${(err as Error).message}`);
  }
  const parsed = PreviewDigestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DigestError(
      `not a pulumi preview --json document: ${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/** The parts of a Pulumi URN: urn:pulumi:<stack>::<project>::<qualified type>::<name>. */
export interface UrnParts {
  stack: string;
  project: string;
  /** The resource's own type (the last `$`-separated segment of the qualified type). */
  type: string;
  name: string;
}

export function parseUrn(urn: string): UrnParts | undefined {
  if (!urn.startsWith("urn:pulumi:")) return undefined;
  const parts = urn.slice("urn:pulumi:".length).split("::");
  if (parts.length < 4) return undefined;
  const [stack, project, qualifiedType] = parts;
  const type = qualifiedType.split("$").pop() ?? qualifiedType;
  return { stack, project, type, name: parts.slice(3).join("::") };
}
