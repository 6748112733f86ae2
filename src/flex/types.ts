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
  /** Roster setting: "sso" when an identity provider owns full_name, email and roles. */
  identityProvider?: "sso";
  /** Roster setting: how a wrong contact_uri is repaired. Default "recreate". */
  repair?: "recreate" | "in-place";
  /** Roster setting (`contactUri: leave-to-flex`): new workers get no contact_uri, Flex writes it at first sign-in. Default: flex-roster writes it. */
  contactUriByFlex?: boolean;
  /** 1-based line of the agent entry in the roster file, for messages. */
  line: number;
}

/** One skill of Flex's skill catalogue (`taskrouter_skills`), as Flex describes it. */
export interface FlexSkill {
  name: string;
  /** true: levels minimum..maximum; false: on/off, no level. */
  multivalue: boolean;
  minimum: number;
  maximum: number;
}

/** A validated roster. */
export interface Roster {
  /** Path of the file it was loaded from, as given. */
  file: string;
  /** Workspace friendly name or WS SID; absent: the Flex Configuration's `taskrouter_workspace_sid`. */
  workspace?: string;
  /** TaskQueues (friendly names) this roster may leave with no eligible worker: the routing guard lets them empty. */
  allowEmptyQueues?: string[];
  agents: AgentSpec[];
}
