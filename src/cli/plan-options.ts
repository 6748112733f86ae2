// The options every planning command (preview, up) takes: the guard's override, the
// stack or roster folder, where the report goes, and routing impact. One place, so
// preview and up cannot drift apart in what they accept.
import type { Command } from "commander";
import { addFolderOptions } from "./folder-flow";
import { addOutputOptions, addStackOptions } from "./flow";
import { addRoutingOptions } from "./routing";

export function addPlanOptions(cmd: Command): Command {
  cmd.option("--allow-mass-removal", "allow a plan that deletes/replaces more workers than the guard's limit");
  addStackOptions(cmd);
  addFolderOptions(cmd);
  addOutputOptions(cmd);
  addRoutingOptions(cmd);
  return cmd;
}
