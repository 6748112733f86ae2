// What a failed Twilio call means, and how it is said in one line. SDK errors
// (RestException) carry Twilio's status, code and message, never credentials.

import type RestException from "twilio/lib/base/RestException";
import type { TwilioSettings } from "./settings";

export function isRestException(err: unknown): err is RestException {
  return err instanceof Error && typeof (err as { status?: unknown }).status === "number";
}

export function isNotFound(err: unknown): boolean {
  return isRestException(err) && err.status === 404;
}

export function isPreconditionFailed(err: unknown): boolean {
  return isRestException(err) && err.status === 412;
}

/** `Twilio 404 (code 20404): The requested resource was not found`. */
export function twilioErrorText(err: Pick<RestException, "status" | "code" | "message">): string {
  return `Twilio ${err.status}${err.code ? ` (code ${err.code})` : ""}: ${err.message}`;
}

/** One clear message for Twilio's 401 (code 20003), naming the setting to fix. */
export function credentialsMessage(settings: Pick<TwilioSettings, "accountSid" | "authKind" | "credentialSource">, err: unknown): string {
  const twilio = isRestException(err) ? `HTTP ${err.status}${err.code ? `, code ${err.code}` : ""}: ${err.message}` : String(err);
  const what = settings.authKind === "api-key" ? "API key and secret" : "auth token";
  const fix =
    settings.authKind === "api-key"
      ? "`twilio:apiKey` and secret `twilio:apiSecret` (or TWILIO_API_KEY and TWILIO_API_SECRET); the key must belong to the account"
      : "secret `twilio:authToken` (or TWILIO_AUTH_TOKEN)";
  const source = settings.credentialSource ? `, read from ${settings.credentialSource}` : "";
  return `Twilio rejected the ${what} for account ${settings.accountSid}${source} (${twilio}). Fix ${fix}`;
}
