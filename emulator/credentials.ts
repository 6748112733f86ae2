/**
 * The emulator's one test account: fixed, documented development credentials.
 *
 * They are fake by construction and never valid on real Twilio. The SIDs are
 * built at runtime (prefix + 32 times the same hex digit) so that no literal
 * shaped like a real SID appears in the source tree.
 */

const fakeSid = (prefix: string, digit: string): string => prefix + digit.repeat(32);

/** Account SID of the emulator's test account: `AC` followed by 32 `e`. */
export const DEV_ACCOUNT_SID = fakeSid("AC", "e");
/** Auth token of the test account (HTTP Basic password with the Account SID). */
export const DEV_AUTH_TOKEN = "emulator-dev-auth-token";
/** API key SID of the test account: `SK` followed by 32 `e`. */
export const DEV_API_KEY_SID = fakeSid("SK", "e");
/** Secret of that API key (HTTP Basic password with the API key SID). */
export const DEV_API_KEY_SECRET = "emulator-dev-api-key-secret";

export interface DevCredentials {
  accountSid: string;
  authToken: string;
  apiKeySid: string;
  apiKeySecret: string;
}

export const DEV_CREDENTIALS: Readonly<DevCredentials> = Object.freeze({
  accountSid: DEV_ACCOUNT_SID,
  authToken: DEV_AUTH_TOKEN,
  apiKeySid: DEV_API_KEY_SID,
  apiKeySecret: DEV_API_KEY_SECRET,
});

/** Name of the workspace a fresh emulator starts with (Flex's default workspace name). */
export const DEFAULT_WORKSPACE_NAME = "Flex Task Assignment";
