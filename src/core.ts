// `flex-roster/core`: the building blocks under the public API (src/index.ts),
// for tools built on flex-roster: Flex identity encoding, canonical attributes,
// the worker model, the parts of the health rule and the Pulumi type names.
// They follow the package's version like the rest, but are not the API a
// Pulumi program needs.

export { FLEX_ROSTER_TYPE } from "./component/flex-roster";
export { WORKER_TYPE } from "./provider/resource-type";
export { CONTACT_URI_PREFIX, contactUriFor, decodeFlexIdentity, flexIdentity, FlexIdentityError, nameKey, sameName } from "./flex/identity";
export { canonicalAttributes, managedAttributes } from "./flex/attributes";
export { FLEX_OWNED_KEYS, isFlexOwnedKey } from "./flex/flex-owned";
export {
  classifyOwnIdentity,
  corruptions,
  inPlaceChanges,
  notDriftMessage,
  parseNotDrift,
  reasonsOf,
  type DriftKind,
  type Finding,
  type HealthCode,
} from "./flex/drift";
export { desiredWorker, parseAttributes, type ChannelState } from "./flex/worker-model";
