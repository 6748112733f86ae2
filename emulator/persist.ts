/**
 * The emulator state as a snapshot (the `--state` file and the control API's
 * dump), and its optional persistence to a JSON file: loaded at start,
 * written after writes (debounced, with a maximum wait so that a steady
 * stream of writes still gets saved) and on shutdown. Writes are atomic
 * (temp file + rename).
 */

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { FlexConfigRec, WorkspaceRec } from "./records";
import { Store, type StoreOptions } from "./store";

export interface StoreSnapshot {
  version: 1;
  seq: number;
  workspaces: WorkspaceRec[];
  /** The Flex Configuration; absent in state files written before the emulator knew Flex. */
  flex?: FlexConfigRec;
}

/** The state as it is (not a copy: the control API's dump clones it). */
export function snapshotOf(store: Store): StoreSnapshot {
  const out: StoreSnapshot = { version: 1, seq: store.lastSeq, workspaces: [...store.catalogue.workspaces] };
  if (store.flexConfig) out.flex = store.flexConfig;
  return out;
}

export function storeFromSnapshot(snapshot: StoreSnapshot, opts: StoreOptions): Store {
  if (!snapshot || snapshot.version !== 1 || !Array.isArray(snapshot.workspaces)) {
    throw new Error("unsupported emulator state file (expected version 1)");
  }
  const store = new Store(opts);
  let maxSeq = snapshot.seq ?? 0;
  for (const ws of snapshot.workspaces) {
    ws.workers.sort((a, b) => a.seq - b.seq);
    for (const w of ws.workers) maxSeq = Math.max(maxSeq, w.seq);
    store.catalogue.add(ws);
    maxSeq = Math.max(maxSeq, ws.seq);
  }
  store.resumeSeq(maxSeq);
  store.flexConfig = snapshot.flex;
  return store;
}

export function loadState(path: string): StoreSnapshot | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, "utf8");
  if (text.trim() === "") return undefined;
  return JSON.parse(text) as StoreSnapshot;
}

export function saveState(path: string, snapshot: StoreSnapshot): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(snapshot));
  renameSync(tmp, path);
}

export class StatePersister {
  private timer: NodeJS.Timeout | undefined;
  private firstPending: number | undefined;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly snapshot: () => StoreSnapshot,
    private readonly debounceMs = 200,
    private readonly maxWaitMs = 2000,
  ) {}

  /** Note a change; the state is written once writes pause (or after maxWaitMs). */
  schedule(): void {
    if (this.closed) return;
    const t = Date.now();
    this.firstPending ??= t;
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.debounceMs, this.firstPending + this.maxWaitMs - t));
    this.timer = setTimeout(() => this.flush(), wait);
    this.timer.unref();
  }

  /** Write now if anything is pending. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.firstPending === undefined) return;
    this.firstPending = undefined;
    saveState(this.path, this.snapshot());
  }

  /** Write unconditionally and stop scheduling. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.firstPending = undefined;
    this.closed = true;
    saveState(this.path, this.snapshot());
  }
}
