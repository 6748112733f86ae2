/**
 * The emulator's in-memory TaskRouter state, one object per resource:
 * the catalogue (workspaces, activities, task channels), workers (and their
 * channels), reservations (and tasks), the event log, routing (TaskQueues and Workflows). No HTTP here: the routes in
 * twilio-routes.ts and the control API both call into these. persist.ts
 * turns the state into a snapshot and back.
 */

import { Catalogue } from "./catalogue";
import { EventLog } from "./events";
import type { FlexConfigRec, StoreContext, StoreOptionsState } from "./records";
import { Reservations } from "./reservations";
import { Routing } from "./routing";
import { Workers } from "./workers";

export interface StoreOptions {
  accountSid: string;
  /** Refuse (400) to delete a worker with active reservations/tasks. Default false. */
  rejectDeleteWhenBusy?: boolean;
  /** Serve the Flex Configuration (an account with Flex). Default true. */
  flexEnabled?: boolean;
}

export class Store implements StoreContext {
  readonly accountSid: string;
  readonly options: StoreOptionsState;
  readonly catalogue: Catalogue;
  readonly workers: Workers;
  readonly reservations: Reservations;
  /** TaskRouter's event log: what each write recorded (events.ts). */
  readonly events = new EventLog();
  readonly routing: Routing;
  /** The account's Flex Configuration (emulator/flex.ts); undefined until a workspace exists. */
  flexConfig: FlexConfigRec | undefined;
  /** Called after every state change (persistence hooks in here). */
  onChange: () => void = () => {};
  private seq = 0;

  constructor(opts: StoreOptions) {
    this.accountSid = opts.accountSid;
    this.options = { rejectDeleteWhenBusy: opts.rejectDeleteWhenBusy ?? false, flexEnabled: opts.flexEnabled ?? true, ignoreIfMatch: false };
    this.routing = new Routing(this, (ws, sid) => this.catalogue.activityOf(ws, sid) !== undefined);
    this.catalogue = new Catalogue(this, (ws) => this.routing.seedDefaults(ws));
    this.reservations = new Reservations(this, this.catalogue);
    this.workers = new Workers(this, this.catalogue, this.reservations, this.events);
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /** The last sequence number handed out (a snapshot keeps it). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Continue after `seq` (a state loaded from a snapshot). */
  resumeSeq(seq: number): void {
    this.seq = Math.max(this.seq, seq);
  }

  changed(): void {
    this.onChange();
  }

  /** Drop every workspace and the Flex Configuration (control API reset). */
  clear(): void {
    this.catalogue.clear();
    this.flexConfig = undefined;
    this.changed();
  }
}
