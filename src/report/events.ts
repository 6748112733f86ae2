// Engine events of a preview (the Automation API's onEvent, Pulumi 3.248) turned
// into the document `pulumi preview --json` prints for the same run, so that a
// preview run by flex-roster and a saved `--json` file give one PlanModel
// (buildPlan). The rules are those of Pulumi's JSON display (ShowPreviewDigest):
//   - prelude: the stack config, secrets already blinded;
//   - diagnostics: all but ephemeral and debug ones, uncoloured; stdout events as info lines;
//   - steps: each resourcePreEvent except internal ones (default providers,
//     remove-pending-replace), `same` (unless `protect` changes) and the non-logical
//     halves of a replacement (create-replacement, delete-replaced, ...); the root
//     stack always. (Internal refresh steps of a --run-program refresh carry no mark
//     in the events; flex-roster does not run those.) A refresh that finds a change or a deleted resource
//     shows as the update/delete of its outputs event, in place of the refresh step;
//   - summary: duration, change counts, maybeCorrupt.
// Secret values arrive as Pulumi's secret envelopes; the report redacts them.

import type { EngineEvent, StepEventMetadata, StepEventStateMetadata } from "@pulumi/pulumi/automation";
import { DigestError, parseUrn, type Diagnostic, type PreviewDigest, type PreviewStep, type ResourceState } from "./digest";

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
const REPLACEMENT_OPS = new Set(["create-replacement", "delete-replaced", "read-replacement", "import-replacement"]);

/** Pulumi's colour directives (`<{%fg 1%}>`), which the JSON display removes. */
function uncolored(text: string): string {
  return text.replace(/<\{%[^%]*%\}>/g, "");
}

function isRootStack(m: StepEventMetadata): boolean {
  return parseUrn(m.urn)?.type === ROOT_STACK_TYPE || m.type === ROOT_STACK_TYPE;
}

/** Steps the engine marks internal (never displayed; the event log still has them, unmarked). */
function isInternal(m: StepEventMetadata): boolean {
  const parts = parseUrn(m.urn);
  const defaultProvider = !!parts && m.type.startsWith("pulumi:providers:") && parts.name.startsWith("default");
  return defaultProvider || m.op === "remove-pending-replace";
}

function shown(m: StepEventMetadata): boolean {
  if (isRootStack(m)) return true;
  if (isInternal(m)) return false;
  if (m.op === "same") return !!m.old?.protect !== !!m.new?.protect;
  // `logical` is left out of the event when false.
  return !(!m.logical && REPLACEMENT_OPS.has(m.op));
}

function state(s: StepEventStateMetadata | undefined): ResourceState | undefined {
  if (!s) return undefined;
  const out: ResourceState = { urn: s.urn, type: s.type, custom: !!s.custom, inputs: s.inputs ?? {}, outputs: s.outputs ?? {} };
  if (s.id) out.id = s.id;
  if (s.protect) out.protect = true;
  return out;
}

function step(m: StepEventMetadata): PreviewStep {
  const out: PreviewStep = { op: m.op, urn: m.urn, provider: m.provider };
  const oldState = state(m.old);
  const newState = state(m.new);
  if (oldState) out.oldState = oldState;
  if (newState) out.newState = newState;
  if (m.diffs) out.diffReasons = m.diffs;
  if (m.keys) out.replaceReasons = m.keys;
  if (m.detailedDiff) {
    out.detailedDiff = Object.fromEntries(
      Object.entries(m.detailedDiff).map(([k, d]) => [k, { kind: d.diffKind, inputDiff: d.inputDiff }]),
    );
  }
  return out;
}

/** Accumulates the events of one preview; digest() gives the `--json` document. */
export class PreviewEvents {
  private config: Record<string, string> | undefined;
  private readonly steps: PreviewStep[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly preOp = new Map<string, string>();
  private summary: EngineEvent["summaryEvent"];
  private seen = 0;

  add(e: EngineEvent): void {
    this.seen++;
    if (e.cancelEvent) return;
    if (e.preludeEvent) this.config = { ...e.preludeEvent.config };
    const d = e.diagnosticEvent;
    if (d && !d.ephemeral && (d.severity as string) !== "debug") {
      const entry: Diagnostic = { message: uncolored(`${d.prefix ?? ""}${d.message}`), severity: d.severity };
      if (d.urn) entry.urn = d.urn;
      this.diagnostics.push(entry);
    }
    if (e.stdoutEvent) this.diagnostics.push({ message: uncolored(e.stdoutEvent.message), severity: "info" });
    const pre = e.resourcePreEvent?.metadata;
    if (pre && shown(pre)) {
      this.preOp.set(pre.urn, pre.op);
      this.steps.push(step(pre));
    }
    const outs = e.resOutputsEvent?.metadata;
    if (outs && shown(outs) && this.preOp.get(outs.urn) === "refresh" && ((outs.op === "update" && outs.detailedDiff) || outs.op === "delete")) {
      const replacement = step(outs);
      for (let i = 0; i < this.steps.length; i++) if (this.steps[i]!.urn === outs.urn) this.steps[i] = replacement;
    }
    if (e.summaryEvent) this.summary = e.summaryEvent;
  }

  /** The digest; a DigestError when no engine ran (Pulumi failed before any event). */
  digest(): PreviewDigest {
    if (this.config === undefined && this.summary === undefined && this.steps.length === 0 && this.diagnostics.length === 0) {
      throw new DigestError(this.seen === 0 ? "no engine events" : "no preview events among the engine events");
    }
    const out: PreviewDigest = { config: this.config ?? {}, steps: this.steps, diagnostics: this.diagnostics };
    if (this.summary) {
      out.duration = this.summary.durationSeconds * 1e9;
      out.changeSummary = { ...this.summary.resourceChanges } as Record<string, number>;
      out.maybeCorrupt = this.summary.maybeCorrupt;
    }
    return out;
  }
}

/** The `pulumi preview --json` document of a preview's engine events. */
export function digestFromEvents(events: Iterable<EngineEvent>): PreviewDigest {
  const acc = new PreviewEvents();
  for (const e of events) acc.add(e);
  return acc.digest();
}
