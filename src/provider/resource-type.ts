// The Pulumi type of a roster worker, defined once: FlexWorker registers its
// dynamic resource under this module and name, and Pulumi calls the type
// `pulumi-nodejs:dynamic/<module>:<name>`. No Pulumi import here, so the report
// can use it without loading the Pulumi runtime.

export const WORKER_MODULE = "flex-roster";
export const WORKER_NAME = "Worker";
/** Type of every worker; with no parent this was the URN of workers before FlexRoster existed. */
export const WORKER_TYPE = `pulumi-nodejs:dynamic/${WORKER_MODULE}:${WORKER_NAME}`;
