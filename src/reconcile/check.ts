// What must hold for one worker's inputs before anything is written: the
// check step of a plan. It fills the workspace from Flex when the roster leaves
// it out, checks skills against Flex's catalogue (naming the roster's file and
// line when it can read it), the identity and channels, and the run's preflight;
// for a new resource it says in the preview when create will recreate a
// corrupted worker it adopts, since the plan itself can only show "create".

import { contactUriFor } from "../flex/identity";
import { channelSpec, type WorkerInputs } from "../flex/worker-model";
import { inputProblems } from "../roster/catalogue";
import { formatIssue } from "../roster/errors";
import { CAPACITY_MAX, CAPACITY_MIN } from "../roster/schema";
import type { StackRoster } from "../roster/stack-roster";
import { SettingsError } from "../twilio/settings";
import type { TaskRouter } from "../twilio/taskrouter";
import type { FlexFacts } from "./flex-facts";
import type { Notices } from "./notices";
import { Preflight, PreflightError, unknownChannels, type WorkspaceFacts } from "./preflight";
import { AdoptionReadAhead } from "./read-ahead";
import type { Reconciler } from "./reconciler";

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface WorkerCheckDeps {
  taskRouter: () => TaskRouter;
  reconciler: () => Reconciler;
  flex: FlexFacts;
  notices: Notices;
  /** The stack's roster (read once per process), for file and line in messages. */
  roster: () => StackRoster;
}

/** One per run: the catalogue problems and the preflight are computed once for every worker. */
export class WorkerCheck {
  private readonly preflight: Preflight;
  private preflightReported = false;

  /** The workspace of the last check: where the workers read ahead are looked up. */
  private workspace?: string;
  private readonly readAhead = new AdoptionReadAhead(
    async () => this.deps.roster().agentOrder(),
    (names) => {
      if (this.workspace) this.deps.reconciler().prefetchAdoptions(this.workspace, names);
    },
  );

  constructor(private readonly deps: WorkerCheckDeps) {
    this.preflight = new Preflight(deps.taskRouter, (wsSid) => deps.flex.offlineActivity(deps.taskRouter(), wsSid));
  }

  /** `olds` is empty for a new resource (and for a replacement, re-checked as a create). */
  async check(olds: Partial<WorkerInputs> | undefined, given: WorkerInputs): Promise<{ inputs: WorkerInputs; failures: CheckFailure[] }> {
    const failures: CheckFailure[] = [];
    let news = given;
    if (!news.workspace) {
      // The roster may leave the workspace to Flex: its Configuration names it.
      const ws = (await this.deps.flex.configuration())?.workspaceSid;
      if (ws) news = { ...news, workspace: ws };
    }
    for (const reason of await this.catalogueFailures(news)) failures.push({ property: "skills", reason });
    if (!news.friendlyName) failures.push({ property: "friendlyName", reason: "friendlyName (the Flex identity) is required" });
    if (!news.workspace) {
      failures.push({
        property: "workspace",
        reason: "the roster names no workspace and the Flex Configuration (taskrouter_workspace_sid) could not be read: add `workspace:` to the roster",
      });
    }
    if (news.friendlyName && news.contactUri !== contactUriFor(news.friendlyName)) {
      failures.push({ property: "contactUri", reason: `contactUri must be "${contactUriFor(news.friendlyName)}"` });
    }
    for (const [name, state] of Object.entries(news.channels ?? {})) {
      const ch = channelSpec(state);
      if (!Number.isInteger(ch.capacity) || ch.capacity < CAPACITY_MIN || ch.capacity > CAPACITY_MAX) {
        failures.push({ property: "channels", reason: `channels.${name}.capacity must be ${CAPACITY_MIN}..${CAPACITY_MAX}` });
      }
    }
    if (news.workspace) {
      // Once per run: credentials, workspace, its Offline activity and task channels.
      const facts = await this.preflightOnce(news.workspace, news.email);
      if (typeof facts === "string") return { inputs: news, failures: [{ property: "workspace", reason: facts }] };
      const unknown = unknownChannels(news.email, news.channels ?? {}, facts);
      if (unknown) failures.push({ property: "channels", reason: unknown });
    }
    const isNew = !olds || Object.keys(olds).length === 0;
    if (news.workspace) this.workspace = news.workspace;
    await this.readAhead.checked(news.friendlyName, isNew && failures.length === 0);
    if (failures.length === 0 && isNew) await this.previewAdoption(news);
    return { inputs: news, failures };
  }

  /**
   * The run's preflight for a worker already in state. Pulumi never checks a
   * worker the plan deletes (its agent left the roster), but the stack's
   * refresh (Pulumi.yaml: refresh: always) reads it first: read asks this, so a
   * delete-only run fails its preview where delete (which moves the worker to
   * the offline activity) would fail. Rejects with a PreflightError: the full
   * message once per run (from check or read), then a short pointer.
   */
  async preflightFor(workspace: string, who: string): Promise<void> {
    const facts = await this.preflightOnce(workspace, who);
    if (typeof facts === "string") throw new PreflightError(facts);
  }

  /**
   * Problems of this agent's skills against Flex's catalogue, as `file:line:col path: message`
   * when the roster file can be read here (Pulumi runs the provider in the project
   * directory), else from the inputs alone.
   */
  private async catalogueFailures(news: WorkerInputs): Promise<string[]> {
    const catalogue = (await this.deps.flex.configuration())?.skills;
    const issues = this.deps.roster().catalogueIssuesOf(news.email, catalogue);
    if (issues) return issues.map(formatIssue);
    return inputProblems(news.skills ?? [], news.levels ?? {}, catalogue).map((m) => `${news.email}: ${m}`);
  }

  /**
   * The run's preflight, or why it failed. Every check awaits the same cached
   * result; on failure the first check reports the full message (as a check
   * failure: no stack trace) and the others a short pointer to it, so a wrong
   * token gives one error rather than one per worker.
   */
  private async preflightOnce(workspace: string, who: string): Promise<WorkspaceFacts | string> {
    try {
      return await this.preflight.workspace(workspace);
    } catch (err) {
      if (!(err instanceof PreflightError || err instanceof SettingsError)) throw err;
      if (this.preflightReported) return `${who}: not checked: the run's preflight failed (see the first error)`;
      this.preflightReported = true;
      return err.message;
    }
  }

  /** A lookup that fails here fails the preview: up could not do better. */
  private async previewAdoption(news: WorkerInputs): Promise<void> {
    if (!news.workspace || !news.friendlyName) return;
    const found = await this.deps.reconciler().previewAdoption(news);
    if (found?.drift.kind !== "replace") return;
    const why = found.drift.corruptions.map((c) => c.message).join("; ");
    await this.deps.notices.recreate(
      news.email,
      found.drift,
      `${news.email}: create adopts the existing worker ${found.existing.record.sid}, but ${why}; it will be recreated (the agent must sign in again)`,
    );
  }
}
