// The progress bar of a workspace scan (doctor, import): on stderr, and only
// when stderr is a terminal, so logs and captured output stay clean.

import { Writable } from "node:stream";
import { SingleBar } from "cli-progress";
import type { ScanProgress } from "../brownfield/scan";
import type { CliContext } from "./context";

/** The context's stderr as a stream, which is what cli-progress draws on. */
function stderrStream(ctx: CliContext): NodeJS.WritableStream {
  const w = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      ctx.stderr(chunk.toString());
      done();
    },
  });
  return Object.assign(w, { isTTY: ctx.stderrIsTTY });
}

export interface Progress {
  update(p: ScanProgress): void;
  stop(): void;
}

export function scanProgress(ctx: CliContext, enabled: boolean): Progress {
  if (!enabled || !ctx.stderrIsTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({
    stream: stderrStream(ctx),
    format: "Scanning workers [{bar}] {value}/{total}{phase} | {duration_formatted} elapsed, ETA {eta_formatted}",
    barCompleteChar: "#",
    barIncompleteChar: "-",
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 200,
  });
  let started = false;
  return {
    update(p: ScanProgress) {
      if (!started) {
        bar.start(Math.max(p.listed, 1), 0, { phase: " (listing)" });
        started = true;
      }
      bar.setTotal(Math.max(p.listed, 1));
      bar.update(p.done, { phase: p.listComplete ? "" : " (listing)" });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
