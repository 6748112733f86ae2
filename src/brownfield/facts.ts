// What one scanned worker is, on its own: its attributes parsed, its email and
// username, its contact_uri's shape and the health rule's verdict against its
// own identity (or, with a roster, against the agent that adopts it). The audit
// and import both start from these facts.

import { classify, classifyOwnIdentity, type Drift } from "../flex/drift";
import { contactUriFor, decodeFlexIdentity } from "../flex/identity";
import type { AgentSpec } from "../flex/types";
import { desiredWorker, parseAttributes, projectLive, type AttributesFormat, type LiveChannelRecord, type WorkerInputs } from "../flex/worker-model";
import { describeContactUri, isFlexIdentity, type ContactUriShape } from "./patterns";

/** One worker as the scan read it: the list entry, its fetched attributes and its channels. */
export interface ScannedWorker {
  sid: string;
  friendlyName: string;
  /** Raw attributes string from a fetch. */
  attributes: string | null | undefined;
  channels: LiveChannelRecord[];
  activityName?: string | null;
}

/** What the audit learned about one worker; import builds roster entries from it. */
export interface WorkerFacts {
  sid: string;
  friendlyName: string;
  /** Position in the scan (Twilio's list order, oldest first). */
  order: number;
  /** The friendly name is a Flex identity (letters, digits, `_`). */
  identityName: boolean;
  format: AttributesFormat;
  /** The attributes object (empty unless format is json-object). */
  attributes: Record<string, unknown>;
  /** attributes.email, else the decoded friendly name. */
  email?: string;
  emailSource?: "attributes" | "friendly-name";
  /** The friendly name decoded (`bob_40acme_2Ecom` → `bob@acme.com`). */
  username?: string;
  /** contact_uri as found; undefined when absent. */
  contactUri?: unknown;
  /** Canonical contact_uri for the friendly name, when it is an identity. */
  expectedContactUri?: string;
  contactShape?: ContactUriShape;
  /**
   * The health rule's verdict the findings come from: against the roster agent
   * that adopts the worker (audit with a roster), else against its own identity.
   */
  health: Drift;
  /** Judged against its own identity, the worker is recreated: unusable attributes or a wrong contact_uri. */
  corrupted: boolean;
  channels: LiveChannelRecord[];
}

/** The shape projectLive needs when no roster says which extra keys and channels are managed. */
const NO_ROSTER = { workspace: "", extraAttributes: {}, channels: {} };

function liveWorker(w: Pick<ScannedWorker, "sid" | "friendlyName" | "attributes" | "channels">, shape: Parameters<typeof projectLive>[0]): WorkerInputs {
  return projectLive(shape, { sid: w.sid, workspaceSid: "", friendlyName: w.friendlyName, attributes: w.attributes }, w.channels);
}

/** The rule's verdict on a worker against the roster agent it belongs to. */
export function healthAgainst(agent: AgentSpec, workspace: string | undefined, w: Pick<ScannedWorker, "sid" | "friendlyName" | "attributes" | "channels">): Drift {
  const want = desiredWorker(workspace, agent);
  return classify(want, liveWorker(w, want));
}

/** Everything the audit and import need to know about one worker, without looking at the others. */
export function workerFacts(w: ScannedWorker, order: number): WorkerFacts {
  const parsed = parseAttributes(w.attributes);
  const attributes = parsed.value;
  const identityName = isFlexIdentity(w.friendlyName);
  const username = identityName ? decodeFlexIdentity(w.friendlyName) : undefined;
  const rawEmail = typeof attributes.email === "string" ? attributes.email.trim() : "";
  let email: string | undefined;
  let emailSource: WorkerFacts["emailSource"];
  if (rawEmail !== "") [email, emailSource] = [rawEmail, "attributes"];
  else if (username !== undefined && username !== "") [email, emailSource] = [username, "friendly-name"];
  // A friendly name that is no identity gives no contact_uri to expect: only the attributes are judged.
  const health = classifyOwnIdentity(liveWorker(w, NO_ROSTER), identityName ? w.friendlyName : undefined);
  const facts: WorkerFacts = {
    sid: w.sid,
    friendlyName: w.friendlyName,
    order,
    identityName,
    format: parsed.format,
    attributes,
    email,
    emailSource,
    username,
    health,
    corrupted: health.kind === "replace",
    channels: w.channels.map((c) => ({ ...c })),
  };
  if ("contact_uri" in attributes) facts.contactUri = attributes.contact_uri;
  if (identityName) {
    facts.expectedContactUri = contactUriFor(w.friendlyName);
    if (parsed.format === "json-object") facts.contactShape = describeContactUri(w.friendlyName, facts.contactUri);
  }
  return facts;
}
