// The Pulumi resource a roster agent becomes: one TaskRouter worker with its
// channels, of type WORKER_TYPE (./resource-type.ts).

import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ChannelState, WorkerInputs } from "../flex/worker-model";
import { WORKER_MODULE, WORKER_NAME } from "./resource-type";

/**
 * Arguments of a FlexWorker: the provider's plain inputs, each a `pulumi.Input`
 * so they may come from other resources' outputs. `attributesFormat` is left out:
 * only a live worker has it.
 */
export type FlexWorkerArgs = {
  [K in keyof Omit<WorkerInputs, "attributesFormat">]: pulumi.Input<WorkerInputs[K]>;
};

/**
 * The provider object Pulumi stores in state for each worker. A module under
 * node_modules is stored as a bare require() of its exported name, so:
 * - installed from npm (this file is under node_modules/flex-roster): the
 *   package's own `flex-roster/provider` entry, which loads the provider
 *   installed next to it;
 * - this repository's own program (a source checkout): the copy-installed
 *   `@flex-roster/provider-shim`, the name its existing stacks already hold.
 */
function providerObject(): pulumi.dynamic.ResourceProvider {
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (__dirname.split(path.sep).includes("node_modules")) return require("flex-roster/provider");
  return require("@flex-roster/provider-shim");
  /* eslint-enable @typescript-eslint/no-require-imports */
}

export class FlexWorker extends pulumi.dynamic.Resource {
  declare readonly workspace: pulumi.Output<string>;
  declare readonly friendlyName: pulumi.Output<string>;
  declare readonly email: pulumi.Output<string>;
  declare readonly contactUri: pulumi.Output<string>;
  declare readonly channels: pulumi.Output<Record<string, ChannelState>>;

  constructor(name: string, args: FlexWorkerArgs, opts?: pulumi.CustomResourceOptions) {
    super(providerObject(), name, { ...args }, opts, WORKER_MODULE, WORKER_NAME);
  }
}
