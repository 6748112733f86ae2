// The Pulumi resource a roster agent becomes: one TaskRouter worker with its
// channels, type `pulumi-nodejs:dynamic/flex-roster:Worker`.

import * as pulumi from "@pulumi/pulumi";
import type { ChannelState, WorkerInputs } from "../flex/worker-model";
// The provider object is the shim package's module.exports, so Pulumi stores it
// in state as a bare require() (see packages/provider-shim/index.js).
import workerProviderShim = require("@flex-roster/provider-shim");

export class FlexWorker extends pulumi.dynamic.Resource {
  declare readonly friendlyName: pulumi.Output<string>;
  declare readonly email: pulumi.Output<string>;
  declare readonly contactUri: pulumi.Output<string>;
  declare readonly channels: pulumi.Output<Record<string, ChannelState>>;

  constructor(name: string, args: WorkerInputs, opts?: pulumi.CustomResourceOptions) {
    super(
      workerProviderShim,
      name,
      { ...args },
      opts,
      "flex-roster",
      "Worker",
    );
  }
}
