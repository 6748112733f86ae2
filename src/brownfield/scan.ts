// The live half of doctor and import: read every worker of a workspace with
// its attributes and channels. Paged list (1000 a page), then per worker one
// fetch (list results carry no attributes) and one channel list, a bounded
// number of workers at a time; the HTTP layer under the SDK retries 429s and
// bounds requests in flight.

import pLimit from "p-limit";
import type { TaskRouter } from "../twilio/taskrouter";
import { isNotFound } from "../twilio/taskrouter";
import type { ScannedWorker } from "./facts";

export interface ScanProgress {
  /** Workers listed so far (the total grows while pages arrive). */
  listed: number;
  /** Workers fully read (or found gone). */
  done: number;
  /** True once the last page has been listed. */
  listComplete: boolean;
}

export interface ScanOptions {
  /** Workers read at once. */
  concurrency: number;
  /** Page size of the worker list (Twilio's maximum is 1000). */
  pageSize?: number;
  onProgress?: (p: ScanProgress) => void;
}

export interface ScanResult {
  workspace: { sid: string; friendlyName: string };
  /** In Twilio's list order. */
  workers: ScannedWorker[];
  /** Listed, then deleted before they could be read. */
  gone: number;
  durationMs: number;
}

export async function scanWorkspace(tr: TaskRouter, workspace: string, opts: ScanOptions): Promise<ScanResult> {
  const started = Date.now();
  const ws = await tr.resolveWorkspace(workspace);
  const limit = pLimit(Math.max(1, opts.concurrency));
  const slots: (ScannedWorker | undefined)[] = [];
  const jobs: Promise<void>[] = [];
  const progress: ScanProgress = { listed: 0, done: 0, listComplete: false };
  const report = () => opts.onProgress?.({ ...progress });
  let gone = 0;

  const read = async (index: number, listed: { sid: string; friendlyName: string; attributes: string | null | undefined; activityName?: string | null }) => {
    try {
      // A list entry with attributes (some API versions include them) saves the fetch.
      const [fetched, channels] = await Promise.all([
        typeof listed.attributes === "string" ? Promise.resolve({ record: listed }) : tr.fetchWorker(ws.sid, listed.sid),
        tr.listChannels(ws.sid, listed.sid).catch((err) => {
          if (isNotFound(err)) return undefined;
          throw err;
        }),
      ]);
      if (!fetched || !channels) {
        gone++;
        return;
      }
      slots[index] = {
        sid: listed.sid,
        friendlyName: fetched.record.friendlyName,
        attributes: fetched.record.attributes,
        activityName: fetched.record.activityName ?? null,
        channels: channels.map((c) => ({
          taskChannelUniqueName: c.taskChannelUniqueName,
          configuredCapacity: c.configuredCapacity,
          available: c.available,
          assignedTasks: c.assignedTasks,
        })),
      };
    } finally {
      progress.done++;
      report();
    }
  };

  for await (const page of tr.listWorkerPages(ws.sid, opts.pageSize ?? 1000)) {
    for (const w of page) {
      const index = slots.length;
      slots.push(undefined);
      jobs.push(limit(() => read(index, w)));
    }
    progress.listed = slots.length;
    report();
  }
  progress.listComplete = true;
  report();
  // Let every job settle before failing, so no request is left running behind an error.
  const results = await Promise.allSettled(jobs);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  return {
    workspace: ws,
    workers: slots.filter((w): w is ScannedWorker => w !== undefined),
    gone,
    durationMs: Date.now() - started,
  };
}
