/**
 * Twilio-style API errors. Every error the emulator returns on a Twilio path has
 * the body Twilio uses: `{ code, message, more_info, status }`.
 */

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export class TwilioApiError extends Error {
  readonly status: number;
  readonly code: number;
  readonly headers: Record<string, string>;

  constructor(status: number, code: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = "TwilioApiError";
    this.status = status;
    this.code = code;
    this.headers = headers;
  }

  toJSON(): TwilioErrorBody {
    return errorBody(this.status, this.code, this.message);
  }
}

export function moreInfo(code: number): string {
  return `https://www.twilio.com/docs/errors/${code}`;
}

export function errorBody(status: number, code: number, message: string): TwilioErrorBody {
  return { code, message, more_info: moreInfo(code), status };
}

/** Error codes used by the emulator (see emulator/README.md for sources). */
export const ErrorCode = {
  /** TaskRouter's generic "bad request / invalid parameter" code. */
  INVALID_PARAMETER: 20001,
  AUTHENTICATION: 20003,
  FORBIDDEN: 20403,
  NOT_FOUND: 20404,
  PRECONDITION_FAILED: 20412,
  TOO_MANY_REQUESTS: 20429,
  INTERNAL: 20500,
  UNAVAILABLE: 20503,
} as const;

/**
 * Duplicate worker FriendlyName. Twilio answers TaskRouter duplicate-name
 * conflicts (seen for TaskQueues: "Queue named X already exists for workspace
 * WS... for account AC...") with HTTP 400 and code 20001; the emulator uses the
 * same pair for Workers. Kept in one place so it is easy to change.
 */
export const DUPLICATE_NAME = { status: 400, code: ErrorCode.INVALID_PARAMETER } as const;

export const Errors = {
  badRequest(message: string): TwilioApiError {
    return new TwilioApiError(400, ErrorCode.INVALID_PARAMETER, message);
  },
  missingParameter(name: string): TwilioApiError {
    return new TwilioApiError(400, ErrorCode.INVALID_PARAMETER, `Missing required parameter ${name} in the post body`);
  },
  notFound(path: string): TwilioApiError {
    return new TwilioApiError(404, ErrorCode.NOT_FOUND, `The requested resource ${path} was not found`);
  },
  forbidden(message = "Forbidden"): TwilioApiError {
    return new TwilioApiError(403, ErrorCode.FORBIDDEN, message);
  },

  unauthorized(message = "Authenticate"): TwilioApiError {
    return new TwilioApiError(401, ErrorCode.AUTHENTICATION, message, {
      "WWW-Authenticate": 'Basic realm="Twilio API"',
    });
  },
  preconditionFailed(): TwilioApiError {
    return new TwilioApiError(
      412,
      ErrorCode.PRECONDITION_FAILED,
      "Precondition Failed: the If-Match header does not match the current version of the resource",
    );
  },
  duplicateName(kind: string, name: string, workspaceSid: string, accountSid: string): TwilioApiError {
    return new TwilioApiError(
      DUPLICATE_NAME.status,
      DUPLICATE_NAME.code,
      `${kind} with FriendlyName ${name} already exists for workspace ${workspaceSid} for account ${accountSid}`,
    );
  },
  tooManyRequests(retryAfterSeconds?: number): TwilioApiError {
    const headers: Record<string, string> = {};
    if (retryAfterSeconds !== undefined) headers["Retry-After"] = String(retryAfterSeconds);
    return new TwilioApiError(429, ErrorCode.TOO_MANY_REQUESTS, "Too Many Requests", headers);
  },
  internal(): TwilioApiError {
    return new TwilioApiError(500, ErrorCode.INTERNAL, "Internal Server Error");
  },
  unavailable(): TwilioApiError {
    return new TwilioApiError(503, ErrorCode.UNAVAILABLE, "Service Unavailable");
  },
};

/** `value`, or Twilio's 404 naming `path` when there is none. */
export function orNotFound<T>(value: T | undefined, path: string): T {
  if (value === undefined) throw Errors.notFound(path);
  return value;
}
