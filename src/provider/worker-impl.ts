// The real worker provider. Pulumi state holds only a require() of the
// @flex-roster/provider-shim package (packages/provider-shim), which loads this
// module from the project at run time, so a fix here reaches every existing
// resource on the next run.

import { readFileSync } from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { canonicalAttributes } from "../flex/attributes";
import { classify, corruptionWarning, inPlaceRepairWarning, notDriftMessage, type Drift } from "../flex/drift";
import { contactUriFor } from "../flex/identity";
import { channelSpec, INPUT_KEYS, parseAttributes, projectLive, type WorkerInputs, type WorkerOutputs } from "../flex/worker-model";
import { formatIssue, type RosterIssue } from "../roster/errors";
import { catalogueIssues, inputProblems, type FlexSkill } from "../roster/catalogue";
import { createClient } from "../twilio/client";
import { FlexConfigurationCache, fallbackMessage, type FlexConfiguration } from "../twilio/flex-configuration";
import { resolveTwilioSettings, SettingsError, type ConfigLookup } from "../twilio/settings";
import { isPreconditionFailed, isRestException, TaskRouter, type FetchedWorker } from "../twilio/taskrouter";
import { engineInfo, engineWarn } from "./engine-log";
import { credentialsMessage, Preflight, PreflightError, unknownChannels, type WorkspaceFacts } from "./preflight";
import { readUnchanged, settledDateUpdated, WorkerIndex, type StoredWorker } from "./refresh-cache";

export const OFFLINE_ACTIVITY = "Offline";

export function toInputs(o: WorkerInputs): WorkerInputs {
  const out: Record<string, unknown> = {};
  for (const k of INPUT_KEYS) if (o[k] !== undefined) out[k] = o[k];
  return out as unknown as WorkerInputs;
}

/**
 * What is stored as outputs: the live mirror without Twilio's SIDs. The worker
 * SID is the resource id and the workspace is re-resolved (once per run), so
 * neither needs to be in state twice.
 */
export function toState(o: WorkerOutputs): WorkerInputs {
  const { sid: _sid, workspaceSid: _ws, ...rest } = o;
  return rest;
}

export interface ProviderRuntimeOptions {
  allowBusyDelete: boolean;
}

/** Per provider process: settings come from configure (stack config) or the environment. */
export class WorkerProvider implements pulumi.dynamic.ResourceProvider {
  private lookup: ConfigLookup = () => undefined;
  private tr?: TaskRouter;
  private readonly warned = new Set<string>();
  private readonly warnedAgents = new Set<string>();
  /** One list of every worker's date_updated per run, shared by all reads. */
  private index?: WorkerIndex;
  /** Adoption lookups made by check, by friendly name, for the create that follows. */
  private readonly pendingLookups = new Map<string, Promise<FetchedWorker | undefined>>();
  /** The Flex Configuration, read once per run. */
  private readonly flexConfiguration = new FlexConfigurationCache(() => this.taskRouter().client);
  /** Catalogue problems of the whole roster file, by agent email (lowercase); computed once. */
  private rosterIssues?: Promise<Map<string, RosterIssue[]> | undefined>;
  private readonly preflight = new Preflight(() => this.taskRouter());
  private preflightReported = false;

  /** Tests pass a TaskRouter directly. */
  constructor(taskRouter?: TaskRouter) {
    this.tr = taskRouter;
  }

  /** The Flex Configuration, or undefined (said once per run) when the account has none we can read. */
  private async flex(): Promise<FlexConfiguration | undefined> {
    const res = await this.flexConfiguration.get();
    if (res.ok) return res.config;
    const msg = fallbackMessage(res.reason);
    if (!this.warned.has(msg)) {
      this.warned.add(msg);
      await engineWarn(msg);
    }
    return undefined;
  }

  /**
   * Problems of this agent's skills against Flex's catalogue, as `file:line:col path: message`
   * when the roster file can be read here (Pulumi runs the provider in the project
   * directory), else from the inputs alone.
   */
  private async catalogueFailures(news: WorkerInputs): Promise<string[]> {
    const catalogue: FlexSkill[] | undefined = (await this.flex())?.skills;
    this.rosterIssues ??= (async () => {
      const file = this.lookup("flex-roster:roster");
      if (!file) return undefined;
      try {
        return catalogueIssues(readFileSync(path.resolve(file), "utf8"), file, catalogue);
      } catch {
        return undefined;
      }
    })();
    const byEmail = await this.rosterIssues;
    if (byEmail) return (byEmail.get(news.email.toLowerCase()) ?? []).map(formatIssue);
    return inputProblems(news.skills ?? [], news.levels ?? {}, catalogue).map((m) => `${news.email}: ${m}`);
  }

  /** Flex's offline activity for the workspace, else the activity named Offline. */
  private async offlineActivity(tr: TaskRouter, wsSid: string): Promise<string> {
    const conf = await this.flex();
    if (conf?.offlineActivitySid && conf.workspaceSid === wsSid) return conf.offlineActivitySid;
    return tr.activitySid(wsSid, OFFLINE_ACTIVITY);
  }

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.lookup = (key) => {
      const v = req.config.get(key);
      return v === undefined || v === null ? undefined : String(v);
    };
  }

  private taskRouter(): TaskRouter {
    if (!this.tr) this.tr = new TaskRouter(createClient(resolveTwilioSettings(this.lookup)));
    return this.tr;
  }

  private options(): ProviderRuntimeOptions {
    // Either switch allows it: the env var is an operator's one-off override of the
    // stack's setting (which Pulumi.yaml defaults to false).
    const on = (v: string | undefined) => v === "true" || v === "1";
    return { allowBusyDelete: on(this.lookup("flex-roster:allowBusyDelete")) || on(process.env.FLEX_ROSTER_ALLOW_BUSY_DELETE) };
  }

  async check(olds: Partial<WorkerInputs> | undefined, given: WorkerInputs): Promise<pulumi.dynamic.CheckResult> {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    let news = given;
    if (!news.workspace) {
      // The roster may leave the workspace to Flex: its Configuration names it.
      const ws = (await this.flex())?.workspaceSid;
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
      if (!Number.isInteger(ch.capacity) || ch.capacity < 0 || ch.capacity > 50) {
        failures.push({ property: "channels", reason: `channels.${name}.capacity must be 0..50` });
      }
    }
    if (news.workspace) {
      // Once per run: credentials, workspace, its Offline activity and task channels.
      const facts = await this.preflightOnce(news);
      if (typeof facts === "string") return { inputs: news, failures: [{ property: "workspace", reason: facts }] };
      const unknown = unknownChannels(news.email, news.channels ?? {}, facts);
      if (unknown) failures.push({ property: "channels", reason: unknown });
    }
    // A new resource: say in the preview when create will adopt a corrupted worker
    // and recreate it (brownfield), since the plan itself can only show "create".
    if (failures.length === 0 && (!olds || Object.keys(olds).length === 0)) await this.previewAdoption(news);
    return { inputs: news, failures };
  }

  /**
   * The run's preflight, or why it failed. Every check awaits the same cached
   * result; on failure the first check reports the full message (as a check
   * failure: no stack trace) and the others a short pointer to it, so a wrong
   * token gives one error rather than one per worker.
   */
  private async preflightOnce(news: WorkerInputs): Promise<WorkspaceFacts | string> {
    try {
      return await this.preflight.workspace(news.workspace);
    } catch (err) {
      if (!(err instanceof PreflightError || err instanceof SettingsError)) throw err;
      if (this.preflightReported) return `${news.email}: not checked: the run's preflight failed (see the first error)`;
      this.preflightReported = true;
      return err.message;
    }
  }

  /** A lookup that fails here fails the preview: up could not do better. */
  private async previewAdoption(news: WorkerInputs): Promise<void> {
    if (!news.workspace || !news.friendlyName) return;
    const tr = this.taskRouter();
    const ws = await tr.resolveWorkspace(news.workspace);
    const lookup = this.adoptable(tr, ws.sid, news);
    // create runs right after check in the same process: let it reuse this lookup.
    this.pendingLookups.set(news.friendlyName, lookup);
    const existing = await lookup;
    if (!existing) return;
    const channels = await tr.listChannels(ws.sid, existing.record.sid);
    const drift = classify(news, projectLive(news, existing.record, channels));
    if (drift.kind !== "replace") return;
    const why = drift.corruptions.map((c) => c.message).join("; ");
    await this.warnOnce(
      news.email,
      drift,
      `${news.email}: create adopts the existing worker ${existing.record.sid}, but ${why}; it will be recreated (the agent must sign in again)`,
    );
  }

  async diff(_id: string, olds: WorkerInputs, news: WorkerInputs): Promise<pulumi.dynamic.DiffResult> {
    // Writing the workspace by name instead of SID (or back) is the same workspace:
    // record the new spelling in place rather than recreate every worker.
    const sameWorkspace = olds.workspace !== news.workspace && (await this.sameWorkspace(olds.workspace, news.workspace));
    const live = {
      ...olds,
      workspace: sameWorkspace ? news.workspace : olds.workspace,
      extraAttributes: olds.extraAttributes ?? {},
      channels: olds.channels ?? {},
    };
    const drift = classify(news, live);
    if (drift.kind === "replace") await this.warnOnce(news.email, drift);
    // What SSO or Flex owns is not drift: said as information (the PR report shows it per agent).
    for (const n of drift.notes) {
      const msg = notDriftMessage(news.email, n.message);
      if (!this.warned.has(msg)) {
        this.warned.add(msg);
        await engineInfo(msg);
      }
    }
    const inPlace = inPlaceRepairWarning(news.email, drift);
    if (inPlace && !this.warned.has(inPlace)) {
      this.warned.add(inPlace);
      await engineWarn(inPlace);
    }
    const flagChanged =
      Boolean(olds.ownAllAttributes) !== Boolean(news.ownAllAttributes) ||
      olds.identityProvider !== news.identityProvider ||
      olds.repair !== news.repair ||
      Boolean(olds.contactUriByFlex) !== Boolean(news.contactUriByFlex);
    return {
      changes: drift.kind !== "in-sync" || flagChanged || sameWorkspace,
      replaces: [...new Set(drift.corruptions.map((c) => c.field))],
      // Friendly names are unique per workspace: the old worker must go first.
      deleteBeforeReplace: true,
    };
  }

  private async sameWorkspace(a: string | undefined, b: string): Promise<boolean> {
    if (!a) return false;
    const tr = this.taskRouter();
    const [wa, wb] = await Promise.all([tr.resolveWorkspace(a), tr.resolveWorkspace(b)]);
    return wa.sid === wb.sid;
  }

  /**
   * One warning per corrupted agent. `adoption` is check's message for a create that
   * will recreate an existing worker; it is dropped when the agent was already
   * warned about (a replacement is re-checked as a create).
   */
  private async warnOnce(email: string, drift: Drift, adoption?: string) {
    if (adoption && this.warnedAgents.has(email)) return;
    const msg = adoption ?? corruptionWarning(email, drift);
    this.warnedAgents.add(email);
    if (this.warned.has(msg)) return;
    this.warned.add(msg);
    await engineWarn(msg);
  }

  async read(id: string, props: StoredWorker): Promise<pulumi.dynamic.ReadResult> {
    const tr = this.taskRouter();
    const wsSid = props.workspaceSid ?? (await tr.resolveWorkspace(props.workspace)).sid;
    // Fast path (refresh-cache.ts): not written since the last full read, so only the channels are read.
    this.index ??= new WorkerIndex((ws) => tr.listWorkerDates(ws));
    const unchanged = await readUnchanged(this.index, tr, wsSid, id, props);
    if (unchanged) return { id, props: unchanged, inputs: toInputs(unchanged) };
    const fetched = await tr.fetchWorker(wsSid, id);
    // Gone out of band: an empty id tells the engine to drop it, and the next diff plans a create.
    if (!fetched) return { id: "", props: {} };
    const outs = await this.project(tr, props, fetched);
    const dateUpdated = settledDateUpdated(fetched);
    return { id, props: dateUpdated ? { ...toState(outs), dateUpdated } : toState(outs), inputs: toInputs(outs) };
  }

  async create(inputs: WorkerInputs): Promise<pulumi.dynamic.CreateResult> {
    const tr = this.taskRouter();
    const ws = await tr.resolveWorkspace(inputs.workspace);
    // Create-or-adopt: a worker with this friendly name (Flex's, or ours from a
    // run that timed out) is taken over, never duplicated.
    // Reuse check's lookup only when it found nothing (the common greenfield case).
    // A worker it found may be the one a replacement has just deleted: look again.
    const pending = this.pendingLookups.get(inputs.friendlyName);
    this.pendingLookups.delete(inputs.friendlyName);
    const cached = pending ? await pending.catch(() => null) : null;
    const existing = cached === undefined ? undefined : await this.adoptable(tr, ws.sid, inputs);
    if (existing) {
      const outs = await this.reconcile(tr, ws.sid, inputs, existing);
      if (outs) return { id: outs.sid, outs: toState(outs) };
    }
    const offline = await this.offlineActivity(tr, ws.sid);
    let created: FetchedWorker;
    try {
      created = await tr.createWorker(ws.sid, inputs.friendlyName, JSON.stringify(canonicalAttributes(inputs)), offline);
    } catch (err) {
      // A retried POST whose first attempt landed, or a concurrent creator: adopt what is there.
      const again = isRestException(err) && err.status !== 401 && err.status !== 403 ? await this.adoptable(tr, ws.sid, inputs) : undefined;
      if (!again) throw this.explain(inputs, "create", err);
      const outs = await this.reconcile(tr, ws.sid, inputs, again);
      if (!outs) throw this.explain(inputs, "create", err);
      return { id: outs.sid, outs: toState(outs) };
    }
    const outs = await this.reconcileChannels(tr, ws.sid, inputs, created);
    return { id: outs.sid, outs: toState(outs) };
  }

  async update(id: string, _olds: WorkerInputs, news: WorkerInputs): Promise<pulumi.dynamic.UpdateResult> {
    const tr = this.taskRouter();
    const ws = await tr.resolveWorkspace(news.workspace);
    for (let attempt = 0; ; attempt++) {
      const fetched = await tr.fetchWorker(ws.sid, id);
      if (!fetched) {
        throw new Error(
          `${news.email}: worker ${id} was deleted outside flex-roster during this run; run \`pulumi up --refresh\` to recreate it`,
        );
      }
      try {
        const outs = await this.apply(tr, ws.sid, news, fetched);
        return { outs: toState(outs) };
      } catch (err) {
        if (isPreconditionFailed(err) && attempt === 0) continue; // re-read once
        if (isPreconditionFailed(err)) {
          throw new Error(
            `${news.email}: worker ${id} changed while flex-roster was updating it (HTTP 412, ETag mismatch twice); re-run \`pulumi up\` to re-read it`,
          );
        }
        throw this.explain(news, "update", err);
      }
    }
  }

  async delete(id: string, props: WorkerInputs & { workspaceSid?: string }): Promise<void> {
    const tr = this.taskRouter();
    const wsSid = props.workspaceSid ?? (await tr.resolveWorkspace(props.workspace)).sid;
    try {
      await this.safeDelete(tr, wsSid, id, props.email || props.friendlyName);
    } catch (err) {
      // Twilio errors name the agent and status (a 401 names the setting to fix), like create and update.
      throw this.explain(props, "delete", err);
    }
  }

  /**
   * Offline first, rejecting pending reservations, so no new work arrives while we
   * look; then refuse if the agent still has work in hand (accepted reservations,
   * assigned tasks) unless allowBusyDelete is set.
   */
  private async safeDelete(tr: TaskRouter, wsSid: string, sid: string, who: string): Promise<void> {
    const offline = await this.offlineActivity(tr, wsSid);
    try {
      await tr.updateWorker(wsSid, sid, { activitySid: offline, rejectPendingReservations: true });
    } catch (err) {
      if (isRestException(err) && err.status === 404) return; // already gone: success
      throw err;
    }
    const busy = await tr.busyState(wsSid, sid);
    if ((busy.acceptedReservations > 0 || busy.assignedTasks > 0) && !this.options().allowBusyDelete) {
      throw new Error(
        `${who}: refusing to delete worker ${sid}: it has ${busy.acceptedReservations} accepted reservation(s) and ` +
          `${busy.assignedTasks} assigned task(s). It is now Offline, so no new work reaches it. Wait until the agent is idle, ` +
          `or set \`pulumi config set flex-roster:allowBusyDelete true\` (or FLEX_ROSTER_ALLOW_BUSY_DELETE=true) to delete it anyway`,
      );
    }
    await tr.deleteWorker(wsSid, sid);
  }

  private async adoptable(tr: TaskRouter, wsSid: string, inputs: WorkerInputs): Promise<FetchedWorker | undefined> {
    const found = await tr.findWorkersByFriendlyName(wsSid, inputs.friendlyName);
    const match = found.find((w) => w.friendlyName.toLowerCase() === inputs.friendlyName.toLowerCase());
    return match ? tr.fetchWorker(wsSid, match.sid) : undefined;
  }

  /** Adopt an existing worker: fix it in place, or delete it if corrupted (returns undefined: create a fresh one). */
  private async reconcile(tr: TaskRouter, wsSid: string, inputs: WorkerInputs, existing: FetchedWorker) {
    const channels = await tr.listChannels(wsSid, existing.record.sid);
    const drift = classify(inputs, projectLive(inputs, existing.record, channels));
    if (drift.kind === "replace") {
      await this.warnOnce(inputs.email, drift);
      await this.safeDelete(tr, wsSid, existing.record.sid, inputs.email);
      return undefined;
    }
    return this.apply(tr, wsSid, inputs, existing, channels);
  }

  /** Write the managed attributes (If-Match) and channels that differ; returns the new outputs. */
  private async apply(
    tr: TaskRouter,
    wsSid: string,
    desired: WorkerInputs,
    fetched: FetchedWorker,
    listed?: Awaited<ReturnType<TaskRouter["listChannels"]>>,
  ): Promise<WorkerOutputs> {
    const channels = listed ?? (await tr.listChannels(wsSid, fetched.record.sid));
    const live = projectLive(desired, { ...fetched.record, workspaceSid: wsSid }, channels);
    const drift = classify(desired, live);
    if (drift.kind === "replace") {
      throw new Error(
        `${desired.email}: worker ${fetched.record.sid} is corrupted (${drift.corruptions.map((c) => c.message).join("; ")}); ` +
          "it changed after the plan was made. Run `pulumi up` again to plan its replacement",
      );
    }
    let record = fetched.record;
    const attributeDrift = drift.changes.some((c) => c.field !== "channels") || desired.ownAllAttributes;
    if (attributeDrift) {
      const parsed = parseAttributes(record.attributes);
      const next = JSON.stringify(canonicalAttributes(desired, parsed.value));
      if (next !== record.attributes) {
        record = (await tr.updateWorker(wsSid, record.sid, { attributes: next }, fetched.etag)).record;
      }
    }
    return this.writeChannels(tr, wsSid, desired, { ...record, workspaceSid: wsSid }, channels);
  }

  private async reconcileChannels(tr: TaskRouter, wsSid: string, desired: WorkerInputs, created: FetchedWorker) {
    const channels = await tr.listChannels(wsSid, created.record.sid);
    return this.writeChannels(tr, wsSid, desired, { ...created.record, workspaceSid: wsSid }, channels);
  }

  private async writeChannels(
    tr: TaskRouter,
    wsSid: string,
    desired: WorkerInputs,
    record: FetchedWorker["record"],
    channels: Awaited<ReturnType<TaskRouter["listChannels"]>>,
  ): Promise<WorkerOutputs> {
    const missing = Object.keys(desired.channels).filter((n) => !channels.some((c) => c.taskChannelUniqueName === n));
    if (missing.length > 0) {
      throw new Error(
        `${desired.email}: the workspace has no task channel ${missing.map((m) => `"${m}"`).join(", ")}; ` +
          `worker ${record.sid} has channels ${channels.map((c) => c.taskChannelUniqueName).join(", ")}`,
      );
    }
    const updated = await Promise.all(
      channels.map(async (c) => {
        const wantState = desired.channels[c.taskChannelUniqueName];
        if (wantState === undefined) return c;
        const want = channelSpec(wantState);
        if (want.capacity === c.configuredCapacity && want.available === c.available) return c;
        const params: { capacity?: number; available?: boolean } = {};
        if (want.capacity !== c.configuredCapacity) params.capacity = want.capacity;
        if (want.available !== c.available) params.available = want.available;
        return tr.updateChannel(wsSid, record.sid, c.sid, params);
      }),
    );
    return projectLive(desired, record, updated);
  }

  private async project(tr: TaskRouter, desired: WorkerInputs | WorkerOutputs, fetched: FetchedWorker) {
    const wsSid = fetched.record.workspaceSid;
    const channels = await tr.listChannels(wsSid, fetched.record.sid);
    return projectLive(
      {
        workspace: desired.workspace,
        extraAttributes: desired.extraAttributes ?? {},
        ownAllAttributes: desired.ownAllAttributes ?? false,
        identityProvider: desired.identityProvider,
        repair: desired.repair,
        contactUriByFlex: desired.contactUriByFlex,
        channels: desired.channels ?? {},
      },
      fetched.record,
      channels,
    );
  }

  /** Turn an SDK error into one line naming the agent, Twilio's status and code. */
  private explain(inputs: WorkerInputs, op: string, err: unknown): Error {
    if (isRestException(err) && err.status === 401 && this.tr) {
      return new Error(`${inputs.email}: ${op} of worker "${inputs.friendlyName}" failed: ${credentialsMessage(this.tr.client.settings, err)}`);
    }
    if (isRestException(err)) {
      return new Error(
        `${inputs.email}: ${op} of worker "${inputs.friendlyName}" failed: Twilio ${err.status}${err.code ? ` (code ${err.code})` : ""}: ${err.message}`,
      );
    }
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** Entry point the shim calls: one provider per process. */
let singleton: WorkerProvider | undefined;
export function provider(): WorkerProvider {
  singleton ??= new WorkerProvider();
  return singleton;
}
