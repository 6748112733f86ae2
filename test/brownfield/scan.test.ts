import { describe, expect, it } from "vitest";
import { scanWorkspace, type ScanProgress } from "../../src/brownfield/scan";
import type { TaskRouter } from "../../src/twilio/taskrouter";

const fakeSid = (prefix: string, n: number) => prefix + n.toString(16).padStart(32, "0");
const notFound = () => Object.assign(new Error("not found"), { status: 404 });

interface FakeOpts {
  pages: number[];
  gone?: Set<number>;
  channelsGone?: Set<number>;
  failOn?: number;
  listAttributes?: Set<number>;
}

/** A TaskRouter stand-in: pages of workers, async fetches, in-flight tracking. */
function fakeTaskRouter(o: FakeOpts) {
  let inFlight = 0;
  const stats = { maxInFlight: 0, fetches: 0, channelLists: 0 };
  const tick = async <T>(f: () => T): Promise<T> => {
    inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    return f();
  };
  const num = (sid: string) => parseInt(sid.slice(2), 16);
  const tr = {
    resolveWorkspace: async (name: string) => ({ sid: fakeSid("WS", 1), friendlyName: name }),
    async *listWorkerPages() {
      let n = 0;
      for (const size of o.pages) {
        yield Array.from({ length: size }, () => {
          const i = n++;
          return { sid: fakeSid("WK", i), workspaceSid: fakeSid("WS", 1), friendlyName: `w${i}`, attributes: o.listAttributes?.has(i) ? `{"i":${i}}` : null };
        });
      }
    },
    fetchWorker: (_ws: string, sid: string) =>
      tick(() => {
        stats.fetches++;
        const i = num(sid);
        if (i === o.failOn) throw Object.assign(new Error("boom"), { status: 500 });
        return o.gone?.has(i) ? undefined : { record: { sid, workspaceSid: "", friendlyName: `w${i}`, attributes: `{"i":${i}}` } };
      }),
    listChannels: (_ws: string, sid: string) =>
      tick(() => {
        stats.channelLists++;
        if (o.channelsGone?.has(num(sid))) throw notFound();
        return [{ sid: "WC", taskChannelUniqueName: "chat", configuredCapacity: 2, available: true, assignedTasks: 0 }];
      }),
  };
  return { tr: tr as unknown as TaskRouter, stats };
}

describe("scanWorkspace", () => {
  it("reads every worker across pages, in list order, within the concurrency bound", async () => {
    const { tr, stats } = fakeTaskRouter({ pages: [1000, 1000, 37] });
    const progress: ScanProgress[] = [];
    const r = await scanWorkspace(tr, "Flex Task Assignment", { concurrency: 5, onProgress: (p) => progress.push(p) });
    expect(r.workers.map((w) => w.friendlyName)).toEqual(Array.from({ length: 2037 }, (_, i) => `w${i}`));
    expect(r.workers[5]).toMatchObject({ attributes: '{"i":5}', channels: [{ taskChannelUniqueName: "chat", configuredCapacity: 2 }] });
    expect(stats.maxInFlight).toBeLessThanOrEqual(10); // 5 workers × (fetch + channels)
    expect(progress.at(-1)).toEqual({ listed: 2037, done: 2037, listComplete: true });
    expect(progress.some((p) => !p.listComplete && p.listed === 1000)).toBe(true);
  });

  it("skips workers deleted during the scan and counts them", async () => {
    const { tr } = fakeTaskRouter({ pages: [10], gone: new Set([2]), channelsGone: new Set([7]) });
    const r = await scanWorkspace(tr, "W", { concurrency: 3 });
    expect(r.gone).toBe(2);
    expect(r.workers.map((w) => w.friendlyName)).toEqual(["w0", "w1", "w3", "w4", "w5", "w6", "w8", "w9"]);
  });

  it("uses attributes from the list when it has them", async () => {
    const { tr, stats } = fakeTaskRouter({ pages: [4], listAttributes: new Set([0, 1]) });
    const r = await scanWorkspace(tr, "W", { concurrency: 2 });
    expect(stats.fetches).toBe(2);
    expect(r.workers[0].attributes).toBe('{"i":0}');
  });

  it("fails on other errors, after the jobs in flight settle", async () => {
    const { tr } = fakeTaskRouter({ pages: [50], failOn: 3 });
    await expect(scanWorkspace(tr, "W", { concurrency: 4 })).rejects.toThrow("boom");
  });
});
