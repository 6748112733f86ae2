// The Pulumi dynamic provider of a roster worker: a thin adapter. check is
// src/reconcile/check.ts, diff asks the pure core (classify), and create, read,
// update and delete are the reconciler's (src/reconcile/reconciler.ts).
// Pulumi state holds only a require() of flex-roster/provider (entry.ts) or of
// @flex-roster/provider-shim, which load this module at run time, so a fix here
// reaches every existing resource on the next run.

import type * as pulumi from "@pulumi/pulumi";
import { classify, inPlaceRepairWarning, notDriftMessage } from "../flex/drift";
import { INPUT_KEYS, type WorkerInputs } from "../flex/worker-model";
import { WorkerCheck } from "../reconcile/check";
import { FlexFacts } from "../reconcile/flex-facts";
import { Notices } from "../reconcile/notices";
import { Reconciler } from "../reconcile/reconciler";
import { ROUTING_IMPACT_ENV, ROUTING_IMPACT_KEY, RoutingFacts } from "../reconcile/routing-facts";
import type { StoredWorker } from "../reconcile/refresh-cache";
import { StackRoster } from "../roster/stack-roster";
import { createClient } from "../twilio/client";
import { resolveTwilioSettings, type ConfigLookup } from "../twilio/settings";
import { TaskRouter } from "../twilio/taskrouter";
import { engineInfo, engineWarn } from "./engine-log";

/** The inputs read() reports: the input keys of a worker's state. */
export function toInputs(o: WorkerInputs): WorkerInputs {
  const out: Record<string, unknown> = {};
  for (const k of INPUT_KEYS) if (o[k] !== undefined) out[k] = o[k];
  return out as unknown as WorkerInputs;
}

const isOn = (v: string | undefined) => v === "true" || v === "1";
const isOff = (v: string | undefined) => v === "false" || v === "0";

/** `flex-roster:eventLagMargin` (or FLEX_ROSTER_EVENT_LAG_MARGIN): seconds; unset = the default. */
function lagMarginMs(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new Error(`flex-roster:eventLagMargin must be a number of seconds >= 0, got "${raw}"`);
  }
  return seconds * 1000;
}

/** Per provider process (one Pulumi run): settings come from configure (stack config) or the environment. */
export class WorkerProvider implements pulumi.dynamic.ResourceProvider {
  private lookup: ConfigLookup = () => undefined;
  private tr?: TaskRouter;
  private core?: Reconciler;
  private readonly notices = new Notices({ warn: engineWarn, info: engineInfo });
  private readonly flex = new FlexFacts(() => this.taskRouter().client, this.notices);
  private readonly checks = new WorkerCheck({
    taskRouter: () => this.taskRouter(),
    reconciler: () => this.reconciler(),
    flex: this.flex,
    notices: this.notices,
    roster: () => this.roster(),
  });

  /** The workspace's TaskQueues, read once per run: each changed agent's routing line. */
  private readonly routing = new RoutingFacts(
    () => this.taskRouter(),
    this.notices,
    () => !isOff(this.lookup(ROUTING_IMPACT_KEY)) && !isOff(process.env[ROUTING_IMPACT_ENV]),
  );

  /** The stack's roster: one per process, read when first asked (src/roster/stack-roster.ts). */
  private stackRoster?: StackRoster;

  /** Tests pass a TaskRouter directly. */
  constructor(taskRouter?: TaskRouter) {
    this.tr = taskRouter;
  }

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.lookup = (key) => {
      const v = req.config.get(key);
      return v === undefined || v === null ? undefined : String(v);
    };
  }

  private roster(): StackRoster {
    this.stackRoster ??= new StackRoster(this.lookup("flex-roster:roster"), this.lookup("flex-roster:team"));
    return this.stackRoster;
  }

  private taskRouter(): TaskRouter {
    if (!this.tr) this.tr = new TaskRouter(createClient(resolveTwilioSettings(this.lookup)));
    return this.tr;
  }

  private reconciler(): Reconciler {
    this.core ??= new Reconciler(this.taskRouter(), {
      notices: this.notices,
      offlineActivity: (wsSid) => this.flex.offlineActivity(this.taskRouter(), wsSid),
      // Either switch allows it: the env var is an operator's one-off override of the
      // stack's setting (which Pulumi.yaml defaults to false).
      allowBusyDelete: () => isOn(this.lookup("flex-roster:allowBusyDelete")) || isOn(process.env.FLEX_ROSTER_ALLOW_BUSY_DELETE),
      eventLagMarginMs: () => lagMarginMs(this.lookup("flex-roster:eventLagMargin") ?? process.env.FLEX_ROSTER_EVENT_LAG_MARGIN),
    });
    return this.core;
  }

  async check(olds: Partial<WorkerInputs> | undefined, news: WorkerInputs): Promise<pulumi.dynamic.CheckResult> {
    const res = await this.checks.check(olds, news);
    // A new agent: the queues it joins (an existing one's change is said by diff).
    if (res.failures.length === 0 && (!olds || Object.keys(olds).length === 0)) await this.announceRouting(res.inputs, undefined);
    return res;
  }

  private async announceRouting(news: WorkerInputs, live: (Partial<WorkerInputs> & { workspaceSid?: string }) | undefined): Promise<void> {
    if (!news.workspace) return;
    try {
      const wsSid = live?.workspaceSid ?? (await this.taskRouter().resolveWorkspace(news.workspace)).sid;
      await this.routing.announce(wsSid, news, live);
    } catch (err) {
      // Routing impact informs a review; it never fails a preview.
      await this.notices.warn(`routing impact not shown: ${(err as Error).message}`);
    }
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
    if (drift.kind === "replace") await this.notices.recreate(news.email, drift);
    // What SSO or Flex owns is not drift: said as information (the PR report shows it per agent).
    for (const n of drift.notes) await this.notices.info(notDriftMessage(news.email, n.message));
    const inPlace = inPlaceRepairWarning(news.email, drift);
    if (inPlace) await this.notices.warn(inPlace);
    if (drift.kind !== "in-sync") await this.announceRouting(news, live);
    return {
      // A roster setting that changed is an update too (classify's "setting" reasons).
      changes: drift.kind !== "in-sync" || sameWorkspace,
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

  async read(id: string, props: StoredWorker): Promise<pulumi.dynamic.ReadResult> {
    // A worker the plan deletes gets no check: its refresh is where preview learns that delete would fail.
    if (props.workspace) await this.checks.preflightFor(props.workspace, props.email || props.friendlyName || id);
    const state = await this.reconciler().read(id, props);
    // Gone out of band: an empty id tells the engine to drop it, and the next diff plans a create.
    return state ? { id, props: state, inputs: toInputs(state) } : { id: "", props: {} };
  }

  async create(inputs: WorkerInputs): Promise<pulumi.dynamic.CreateResult> {
    const { sid, state } = await this.reconciler().create(inputs);
    return { id: sid, outs: state };
  }

  async update(id: string, _olds: WorkerInputs, news: WorkerInputs): Promise<pulumi.dynamic.UpdateResult> {
    return { outs: await this.reconciler().update(id, news) };
  }

  async delete(id: string, props: WorkerInputs): Promise<void> {
    // An agent moved to another team's file belongs to that team's stack now (it adopts
    // the worker by friendly name): drop it from this stack's state, keep the worker.
    const moved = this.roster().movedTo(props.friendlyName);
    if (moved) {
      await engineInfo(
        `${props.email || props.friendlyName}: worker ${id} not deleted: the agent moved to team ${moved.team} ` +
          `(${moved.file}:${moved.line}), whose stack manages it; only this stack's state lets go of it`,
      );
      return;
    }
    await this.reconciler().delete(id, props);
  }
}

/** Entry point the shim calls: one provider per process. */
let singleton: WorkerProvider | undefined;
export function provider(): WorkerProvider {
  singleton ??= new WorkerProvider();
  return singleton;
}
