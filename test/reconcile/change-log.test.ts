// The run's view of the event log (src/reconcile/change-log.ts) with a fake
// reader: one read per event type for the reads that arrive together, a wider
// read for a later, older window, past retention and a failed read; and
// planRead's verdicts from events alone.

import { describe, expect, it } from "vitest";
import { ChangeLog, EVENT_RETENTION_MS, EVENT_TYPES, keepLatest, planRead, type WorkerEvent } from "../../src/reconcile/change-log";

const NOW = Date.parse("2026-12-06T08:00:00Z");
const MIN = 60_000;

function fakeReader(events: WorkerEvent[], fail = false) {
  const calls: Array<{ type: string; start: number; end?: number }> = [];
  const read = async function* (_ws: string, type: string, start: Date, end?: Date) {
    calls.push({ type, start: start.getTime(), end: end?.getTime() });
    if (fail) throw new Error("HTTP 403");
    yield events.filter((e) => e.type === type && e.date >= start.getTime() && (end === undefined || e.date <= end.getTime()));
  };
  return { read, calls };
}

const ev = (type: string, workerSid: string, date: number, data: Record<string, unknown> = {}): WorkerEvent => ({ type, workerSid, date, data });

describe("ChangeLog", () => {
  it("reads each event type once for the reads that arrive before the list is in, from the oldest window", async () => {
    const { read, calls } = fakeReader([ev(EVENT_TYPES.attributes, "WK1", NOW - 30 * MIN), ev(EVENT_TYPES.attributes, "WK2", NOW - 90 * MIN)]);
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const log = new ChangeLog("WS1", read, 5 * MIN, gate, () => NOW);
    const answers = Promise.all([log.since("WK1", NOW - 60 * MIN), log.since("WK2", NOW - 120 * MIN)]);
    open();
    const [a, b] = await answers;
    expect(calls).toHaveLength(4);
    expect(new Set(calls.map((c) => c.start))).toEqual(new Set([NOW - 125 * MIN]));
    expect(a).toMatchObject({ kind: "events", events: [{ workerSid: "WK1" }] });
    expect(b).toMatchObject({ kind: "events", events: [{ workerSid: "WK2" }] });
    expect(log.queriedAt).toBe(NOW);
  });

  it("widens the window for a later read with an older read time, at least doubling it", async () => {
    const { read, calls } = fakeReader([ev(EVENT_TYPES.deleted, "WK2", NOW - 300 * MIN)]);
    const log = new ChangeLog("WS1", read, 0, Promise.resolve(), () => NOW);
    await log.since("WK1", NOW - 10 * MIN);
    const b = await log.since("WK2", NOW - 400 * MIN);
    expect(b).toMatchObject({ kind: "events", events: [{ type: EVENT_TYPES.deleted }] });
    expect(calls.slice(4).map((c) => [c.start, c.end])).toEqual(Array(4).fill([NOW - 400 * MIN, NOW - 10 * MIN]));
    await log.since("WK3", NOW - 11 * MIN); // covered: no read
    expect(calls).toHaveLength(8);
  });

  it("past retention and a failed read are answers, not errors; the read is not retried per worker", async () => {
    const failing = fakeReader([], true);
    const log = new ChangeLog("WS1", failing.read, 5 * MIN, Promise.resolve(), () => NOW);
    expect(await log.since("WK1", NOW - EVENT_RETENTION_MS)).toEqual({ kind: "past-retention" });
    expect((await log.since("WK1", NOW - MIN)).kind).toBe("unavailable");
    expect((await log.since("WK2", NOW - MIN)).kind).toBe("unavailable");
    expect(failing.calls).toHaveLength(4);
  });
});

describe("planRead and keepLatest", () => {
  const stored = { friendlyName: "ann", channels: { chat: 2, voice: { capacity: 1, available: false } } };
  const same = (a: string) => a === "SAME";

  it("an event that shows what state holds is no change; one that does not, or has no payload, is", () => {
    const none = planRead(stored, [ev(EVENT_TYPES.attributes, "WK1", 1, { worker_attributes: "SAME" })], "ann", same);
    expect(none).toMatchObject({ fetch: false, channels: false });
    expect(planRead(stored, [ev(EVENT_TYPES.attributes, "WK1", 1, { worker_attributes: "OTHER" })], "ann", same).fetch).toBe(true);
    expect(planRead(stored, [ev(EVENT_TYPES.attributes, "WK1", 1, {})], "ann", same).fetch).toBe(true);
    const cap = (c: number) => ev(EVENT_TYPES.capacity, "WK1", 1, { task_channel_unique_name: "chat", worker_channel_capacity: c });
    expect(planRead(stored, [cap(2)], "ann", same).channels).toBe(false);
    expect(planRead(stored, [cap(3)], "ann", same).channels).toBe(true);
    const avail = ev(EVENT_TYPES.availability, "WK1", 1, { task_channel_unique_name: "voice", worker_channel_available: true });
    expect(planRead(stored, [avail], "ann", same).channels).toBe(true);
    expect(planRead(stored, [ev(EVENT_TYPES.capacity, "WK1", 1, {})], "ann", same).channels).toBe(true);
  });

  it("renames and deletes: a name that differs, a worker not listed, a deleted event", () => {
    expect(planRead(stored, [], "bob", same).reasons).toEqual(["renamed to bob"]);
    expect(planRead(stored, [], undefined, same).reasons).toEqual(["not in the worker list"]);
    expect(planRead(stored, [ev(EVENT_TYPES.deleted, "WK1", 1)], "ann", same).fetch).toBe(true);
  });

  it("the latest event of each type and channel decides: a change written back is no change", () => {
    const events = keepLatest([
      ev(EVENT_TYPES.attributes, "WK1", 1, { worker_attributes: "OTHER" }),
      ev(EVENT_TYPES.attributes, "WK1", 2, { worker_attributes: "SAME" }),
      ev(EVENT_TYPES.capacity, "WK1", 1, { task_channel_unique_name: "chat", worker_channel_capacity: 2 }),
      ev(EVENT_TYPES.capacity, "WK1", 3, { task_channel_unique_name: "voice", worker_channel_capacity: 1 }),
    ]);
    expect(events).toHaveLength(3);
    expect(planRead(stored, events, "ann", same)).toMatchObject({ fetch: false, channels: false });
  });
});
