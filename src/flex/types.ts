// Shared shapes between the roster loader, the pure Flex core and the providers.

/** One channel of a worker as the roster wants it. */
export interface ChannelSpec {
  /** 0..50, Twilio's range for a worker channel capacity. */
  capacity: number;
  /** Whether the worker may take tasks on this channel. */
  available: boolean;
}

/** A fully defaulted, validated agent from the roster. */
export interface AgentSpec {
  /** The Flex login username as written in the roster (usually an email). */
  email: string;
  /** Flex identity: explicit in the roster, or encoded from `email`. Also the worker's friendly name. */
  identity: string;
  /** `client:` + identity. */
  contactUri: string;
  fullName: string;
  roles: string[];
  skills: string[];
  levels: Record<string, number>;
  /** Keyed by task channel unique name (voice, chat, sms, ...). */
  channels: Record<string, ChannelSpec>;
  /** Extra attribute keys the roster manages, any JSON. */
  attributes: Record<string, unknown>;
  /** When true the roster owns the whole attributes object; unmanaged keys are dropped. */
  ownAllAttributes: boolean;
  /** Pulumi `protect`. */
  protect: boolean;
  /** 1-based line of the agent entry in the roster file, for messages. */
  line: number;
}

/** A validated roster. */
export interface Roster {
  /** Path of the file it was loaded from, as given. */
  file: string;
  /** Workspace friendly name or WS SID. */
  workspace: string;
  agents: AgentSpec[];
}
