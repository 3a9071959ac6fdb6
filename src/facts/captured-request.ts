import { CREDENTIAL_HEADER } from '../intake/credentials.js';
import { classifyUrl } from '../knowledge/api-versions.js';
import { secretFieldsOf } from '../knowledge/oauth.js';
import { matchSignatures } from '../knowledge/signatures.js';
import { gitSentHidden, isGitRedacted } from '../explain/git-output.js';
import type { Capture, DoctorInput, Exchange, FindingCode } from '../types.js';

/**
 * URL problems that no credential can fix (api-version's domain): the endpoint is gone, or it is
 * not an API path of this host at all.
 */
const GONE: readonly FindingCode[] = [
  'API_V1_REMOVED',
  'ENDPOINT_REMOVED',
  'WRONG_HOST',
  'DATA_CENTER_PATH_ON_CLOUD',
];

/** What a capture shows of the failing request's credentials (explain only). */
export interface CapturedRequestFacts {
  /** `METHOD /path` of the failing request (no query); undefined: the capture does not show it. */
  readonly request?: string;
  /**
   * Where the failing request carries a secret outside an Authorization header (a Cookie header,
   * the URL, the form body of a token request), if it does: then it was not anonymous.
   */
  readonly secretElsewhere?: string;
  /** Which check judges that secret (default: token-fetch and api-version). */
  readonly see?: string;
  /**
   * The endpoint of the failing request answers the same with any credential (a removed API 1.0
   * path, a CHANGE-2770 endpoint): the URL, not the credentials, is the diagnosis.
   */
  readonly endpointGone?: { readonly code: FindingCode; readonly summary: string };
}

const pathOf = (url: string): string => {
  try {
    return new URL(url).pathname;
  } catch {
    return '?';
  }
};

/**
 * git's own output hides the credential git sent: a trace prints it as `Basic <redacted>`
 * (git-config(1), GIT_TRACE_REDACT), and git's stderr alone shows only the answer, which for a
 * 403, a 410 or "Authentication failed" came after git answered Bitbucket's 401 challenge with a
 * credential (explain/git-output.ts `gitSentHidden`).
 */
const gitHidden = (capture: Capture, answer: Exchange | undefined): string | undefined => {
  if (capture.git === undefined || answer === undefined) return undefined;
  const header = answer.request.headers['authorization'];
  if (header !== undefined)
    return isGitRedacted(header) ? "git's credential, which the trace shows redacted" : undefined;
  return gitSentHidden(capture.git, answer.response?.status ?? 0)
    ? "git's credential, which git's messages do not show"
    : undefined;
};

/** Reads the failing request of an explain run (ctx.input.failingRequest) and its captured answer. */
export const capturedRequestFacts = (
  input: DoctorInput,
  capture: Capture,
): CapturedRequestFacts => {
  const request = input.failingRequest;
  if (request === undefined) return {};
  const header = request.headers.find(
    (h) =>
      CREDENTIAL_HEADER.test(h.name) &&
      !/^(?:authorization|proxy-authorization)$/iu.test(h.name) &&
      h.value.trim() !== '',
  );
  const fields = secretFieldsOf(request.body).map((f) => f.name);
  const classification = classifyUrl(request.url);
  const answer = [...capture.exchanges].reverse().find((e) => e.request.url === request.url);
  const hidden = gitHidden(capture, answer);
  const secretElsewhere =
    hidden ??
    (header !== undefined
      ? `the ${header.name} header`
      : classification.problems.some((p) => p.code === 'SECRET_IN_URL')
        ? 'the URL'
        : fields.length > 0
          ? `the form body (${fields.join(', ')})`
          : undefined);
  // The URL's own classification, or Bitbucket's answer to it (410 "Resource removed", CHANGE-2770).
  const signature =
    answer?.response === undefined
      ? undefined
      : matchSignatures(answer.response).find((s) => GONE.includes(s.code) && !s.blamesCredentials);
  const problem = classification.problems.find((p) => GONE.includes(p.code));
  const endpointGone =
    problem !== undefined
      ? { code: problem.code, summary: problem.summary }
      : signature !== undefined
        ? { code: signature.code, summary: signature.summary }
        : undefined;
  return {
    request: `${request.method} ${pathOf(request.url)}`,
    ...(secretElsewhere === undefined ? {} : { secretElsewhere }),
    ...(hidden === undefined ? {} : { see: 'git-access' }),
    ...(endpointGone === undefined ? {} : { endpointGone }),
  };
};
