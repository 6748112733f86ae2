// What a run tells the operator besides errors, each message once per run
// (one provider process serves every worker): fallbacks, what SSO or Flex
// owns, and one warning per agent whose worker will be recreated.

import { corruptionWarning, type Drift } from "../flex/drift";

/** Where messages go: the Pulumi engine's log in a run, anything in tests. */
export interface NoticeSink {
  warn(message: string): Promise<void>;
  info(message: string): Promise<void>;
}

export class Notices {
  private readonly said = new Set<string>();
  private readonly warnedAgents = new Set<string>();

  constructor(private readonly sink: NoticeSink) {}

  async warn(message: string): Promise<void> {
    if (this.said.has(message)) return;
    this.said.add(message);
    await this.sink.warn(message);
  }

  async info(message: string): Promise<void> {
    if (this.said.has(message)) return;
    this.said.add(message);
    await this.sink.info(message);
  }

  /**
   * One warning per corrupted agent. `adoption` is check's message for a create that
   * will recreate an existing worker; it is dropped when the agent was already
   * warned about (a replacement is re-checked as a create).
   */
  async recreate(email: string, drift: Drift, adoption?: string): Promise<void> {
    if (adoption && this.warnedAgents.has(email)) return;
    this.warnedAgents.add(email);
    await this.warn(adoption ?? corruptionWarning(email, drift));
  }
}
