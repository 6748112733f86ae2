// Warnings from inside a dynamic provider. The provider host is not wired to
// pulumi.log, but the engine passes its gRPC address as the first argument,
// so we log through the engine's Log RPC: the warning then shows in
// `pulumi preview`/`up` output like any other diagnostic.

import * as grpc from "@grpc/grpc-js";

type EngineClient = { log(req: unknown, cb: (err: Error | null) => void): void };

let client: EngineClient | null | undefined;

function engine(): EngineClient | null {
  if (client !== undefined) return client;
  client = null;
  const addr = process.argv.slice(2).find((a) => /^[\w.-]+:\d+$/.test(a) || /^\[[\da-f:]+\]:\d+$/i.test(a));
  if (!addr) return client;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const services = require("@pulumi/pulumi/proto/engine_grpc_pb");
    client = new services.EngineClient(addr, grpc.credentials.createInsecure()) as EngineClient;
  } catch {
    client = null;
  }
  return client;
}

/** Send a warning to the Pulumi engine; falls back to stderr outside a Pulumi run. */
export function engineWarn(message: string): Promise<void> {
  return engineLog("warning", message);
}

/** Information (not a problem): e.g. what SSO or Flex owns on a worker. */
export function engineInfo(message: string): Promise<void> {
  return engineLog("info", message);
}

function engineLog(severity: "warning" | "info", message: string): Promise<void> {
  const c = engine();
  if (!c) {
    process.stderr.write(`${severity}: ${message}\n`);
    return Promise.resolve();
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const proto = require("@pulumi/pulumi/proto/engine_pb");
  const req = new proto.LogRequest();
  req.setSeverity(severity === "info" ? proto.LogSeverity.INFO : proto.LogSeverity.WARNING);
  req.setMessage(message);
  req.setUrn("");
  req.setStreamid(0);
  req.setEphemeral(false);
  return new Promise((resolve) => c.log(req, () => resolve()));
}
