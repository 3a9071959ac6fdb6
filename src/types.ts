import type { AuthAttempt, FetchedToken } from './facts/auth.js';
import type { CurlLint, ParsedCurl } from './intake/curl.js';

/**
 * The shapes every part of bb-doctor shares: checks, their outcomes, credentials, the input of a
 * run and the evidence (HTTP exchanges). The JSON report (contract.md) is built from these.
 */

/** How a check ended. `error` is reserved for the runner: a check never returns it. */
export type Verdict = 'pass' | 'warn' | 'fail' | 'skip' | 'error';

/**
 * Every finding code of contract.md (stable API), plus the few bb-doctor adds. Adding is fine;
 * renaming or removing is a breaking change.
 */
export const FINDING_CODES = [
  'NETWORK_UNREACHABLE',
  'TLS_ERROR',
  'TIMEOUT',
  'PROXY_AUTH_REQUIRED',
  'SERVER_ERROR',
  'REDIRECTED_AWAY',
  'NOT_BITBUCKET',
  'NO_CREDENTIALS',
  'SECRET_WHITESPACE',
  'SECRET_UNEXPANDED',
  'SECRET_IN_URL',
  'INSECURE_HTTP',
  'HEADER_SCHEME_CASE',
  'HEADER_SCHEME_UNKNOWN',
  'HEADER_MALFORMED',
  'CREDENTIALS_IGNORED',
  'PASSWORD_GRANT_REMOVED',
  'CONSUMER_INVALID',
  'CONSUMER_NOT_PRIVATE',
  'CONSUMER_NO_CALLBACK',
  'REFRESH_TOKEN_INVALID',
  'API_TOKEN_NEEDS_EMAIL',
  'API_TOKEN_AS_BEARER',
  'API_TOKEN_UNSCOPED',
  'APP_PASSWORD_REMOVED',
  'ACCOUNT_PASSWORD_REJECTED',
  'ACCESS_TOKEN_AS_BASIC',
  'TOKEN_EXPIRED',
  'TOKEN_INVALID',
  'AUTH_REJECTED',
  'SCOPE_MISSING',
  'API_V1_REMOVED',
  'ENDPOINT_REMOVED',
  'DATA_CENTER_PATH_ON_CLOUD',
  'WRONG_HOST',
  'REPO_NOT_FOUND_OR_NO_ACCESS',
  'RATE_LIMITED',
  'GIT_USERNAME_WRONG',
  'GIT_ACCESS_TOKEN_USERNAME',
  'IP_NOT_ALLOWED',
  'DC_CREDENTIALS_REJECTED',
  'DC_CAPTCHA_REQUIRED',
  'DC_NOT_PERMITTED',
  'DC_TOKEN_AS_BASIC',
  'DC_TOKEN_REJECTED',
  'DC_TOKEN_OUTSIDE_REST',
  'DC_BASIC_AUTH_DISABLED',
  'CLOUD_CREDENTIAL_ON_DC',
  'CLOUD_PATH_ON_DC',
  'TWO_STEP_REQUIRED',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

/** What the user should do about a warn/fail. */
export interface Remediation {
  /** One imperative sentence that ends with a period. */
  readonly hint: string;
  /** Copy-pasteable commands, in the order to run them (secrets as $PLACEHOLDERS, never values). */
  readonly commands?: readonly string[];
  /** Where to read more. */
  readonly url?: string;
}

export interface OutcomeBase {
  /** One short line shown next to the title. */
  readonly summary: string;
  /** Extra lines, shown with --verbose and always in JSON. */
  readonly details?: readonly string[];
  /** Machine-readable facts for JSON consumers. */
  readonly data?: Readonly<Record<string, unknown>>;
  /** The experiment that proves (or fails to prove) the fix: first-class, not `data` keys. */
  readonly proof?: Proof;
  /** Typed facts for later checks that declare this check in their needs (never rendered). */
  readonly provides?: Partial<SharedFacts>;
}

/**
 * The proof of a fix: the same request as the user sent it and with one variable corrected
 * (design.md: "diagnose by experiment"). In the JSON report as a check's `proof`.
 */
export interface Proof {
  /** Status of the request as sent; undefined = no answer (or not captured). */
  readonly asSent?: number | undefined;
  /** Status of the corrected request; undefined = not sent (offline, or nothing to correct). */
  readonly corrected?: number | undefined;
  /** The corrected call as a command, secrets as $PLACEHOLDERS. */
  readonly command?: string | undefined;
  /** The corrected request worked (2xx) where the request as sent did not. */
  readonly verified: boolean;
}

/**
 * Facts one check establishes for later ones, typed, each with the one check that provides it
 * (PROVIDERS). A check reads one with ctx.fact(key) and must name its provider in `needs`.
 */
export interface SharedFacts {
  /** token-fetch: the access token it obtained (a secret: registered, never rendered). */
  readonly fetchedToken: FetchedToken;
  /** identity: the way of authenticating that Bitbucket accepted. */
  readonly workingAuth: AuthAttempt;
  /** connectivity: which product answered. */
  readonly product: Product;
}

export type Product = 'cloud' | 'data-center' | 'unknown';

/** Which check provides each shared fact. */
export const PROVIDERS: { readonly [K in keyof SharedFacts]: string } = {
  fetchedToken: 'token-fetch',
  workingAuth: 'identity',
  product: 'connectivity',
};

/** What `Check.run()` returns. A warn/fail cannot be built without a code and a remediation. */
export type Outcome =
  | (OutcomeBase & { readonly verdict: 'pass' })
  | (OutcomeBase & {
      readonly verdict: 'warn' | 'fail';
      readonly code: FindingCode;
      readonly remediation: Remediation;
    })
  | (OutcomeBase & { readonly verdict: 'skip' });

/** Something a check needs before it can run; the runner turns an unmet need into `skip`. */
export type Need =
  /** A credential (or an Authorization header) was given. */
  | 'credentials'
  /** An OAuth consumer (client id + secret) or a refresh token was given. */
  | 'consumer'
  /** A target URL (from --url or a curl command) was given. */
  | 'target-url'
  /** A workspace is known (from --workspace or the target URL). */
  | 'workspace'
  /** The network is needed (an `explain` run is offline). */
  | 'network'
  /** Another check must have finished (any verdict) first: `after:<id>`. */
  | `after:${string}`
  /** Another check must have passed (or warned) first: `pass:<id>`. */
  | `pass:${string}`
  /**
   * Reads another check's result or facts (ctx.result / ctx.fact) without waiting for it before
   * starting: the check sends its own requests first and awaits the answer when it needs it.
   */
  | `reads:${string}`;

export interface CheckMeta<Id extends string = string> {
  /** kebab-case, equal to the file name in checks/. */
  readonly id: Id;
  /** The passing state, present tense, no period. */
  readonly title: string;
  /** Why this matters; one or two sentences. */
  readonly description: string;
  /** Finding codes this check can produce. */
  readonly codes: readonly FindingCode[];
  readonly needs?: readonly Need[];
  /** Overrides the runner's default per-check timeout. */
  readonly timeoutMs?: number;
  /**
   * Runs after every other check has finished and may read all their answers (ctx.answers()):
   * for judgements about the whole run (rate-limit), instead of listing every check in needs.
   */
  readonly final?: boolean;
}

/**
 * A check is meta + gather + judge (design.md, "Gather / judge"; Lighthouse's gatherers and
 * audits). `gather` talks to the network (live runs) and `fromCapture` builds the same facts from a
 * saved exchange (explain); `judge` is pure: facts in, outcome out, shared by both modes and
 * unit-tested as data.
 */
export interface JudgedCheck<Id extends string = string, Facts = unknown> {
  readonly meta: CheckMeta<Id>;
  gather(context: CheckContext): Facts | Promise<Facts>;
  /** Explain: the facts from the capture. Absent: the check is skipped offline. */
  fromCapture?(context: CheckContext, capture: Capture): Facts | Promise<Facts>;
  judge(facts: Facts): Outcome;
}

/** A check that has not been split yet: one run() that gathers and judges. */
export interface RunCheck<Id extends string = string> {
  readonly meta: CheckMeta<Id>;
  run(context: CheckContext): Outcome | Promise<Outcome>;
}

export type Check<Id extends string = string> = JudgedCheck<Id, any> | RunCheck<Id>; // eslint-disable-line @typescript-eslint/no-explicit-any -- each check has its own Facts type

/** A saved exchange that `explain` diagnoses. */
export interface Capture {
  readonly file: string;
  readonly format: string;
  readonly exchanges: readonly Exchange[];
  /**
   * The non-secret facts of each credential of a bb-doctor HAR (`--output run.har`:
   * `log._bbDoctor.credentials`), so that a redacted header can still be judged by its kind and
   * username.
   */
  readonly credentials?: readonly CapturedCredential[];
  /** The target of the run that made a bb-doctor HAR (`log._bbDoctor.target`). */
  readonly target?: CapturedTarget;
  /** git's own output (a GIT_TRACE_CURL trace or git's stderr): what git was doing. */
  readonly git?: CapturedGit;
}

/** What git's own output says beyond its exchanges (explain/git-output.ts). */
export interface CapturedGit {
  /** The repository URL git talked to, without userinfo (`https://host/ws/repo.git`). */
  readonly url: string;
  /** A push (git-receive-pack), else a fetch, clone or ls-remote. */
  readonly push: boolean;
  /** The Basic username git sent, where the output names it even though the header is redacted. */
  readonly username?: string;
  /** git's stderr alone: the answer was read back from git's messages, not captured. */
  readonly readBack: boolean;
  /** git's own `fatal:` and `error:` lines (as printed; URLs in them carry no userinfo). */
  readonly messages: readonly string[];
}

/** What a bb-doctor HAR says of its run's target. */
export interface CapturedTarget {
  readonly apiUrl?: string;
  readonly authUrl?: string;
  readonly workspace?: string;
  readonly repo?: string;
  /** The user's failing call. */
  readonly url?: string;
}

/** A credential as a report or HAR describes it: never the secret. */
export interface CapturedCredential {
  readonly kind: CredentialKind;
  readonly source: string;
  readonly username?: string | undefined;
  /** The kind the secret's shape says (ATATT…, ATBB…, ATCTT…), if it has a known shape. */
  readonly shape?: CredentialKind | undefined;
  /** `sha256:XXXXXXXX`, or null where the report gives none (short secrets, passwords). */
  readonly fingerprint: string | null;
  readonly length: number;
  /** 1-based position in the HAR's list: what `[redacted #N]` marks refer to. */
  readonly position?: number;
}

/** Identity helper: literal ids and a shape check without an `as` cast. */
export function defineCheck<const Id extends string, Facts>(
  check: JudgedCheck<Id, Facts>,
): JudgedCheck<Id, Facts>;
export function defineCheck<const Id extends string>(check: RunCheck<Id>): RunCheck<Id>;
export function defineCheck(check: Check): Check {
  return check;
}

/** A recorded HTTP exchange: what was sent, what came back. Secrets are redacted at output. */
export interface Exchange {
  /** Why the doctor sent it, e.g. "identity: GET /2.0/user with the API token". */
  readonly label?: string;
  readonly request: {
    readonly method: string;
    readonly url: string;
    /** Lower-case header names. */
    readonly headers: Readonly<Record<string, string>>;
    readonly body?: string;
  };
  readonly response?: {
    readonly status: number;
    readonly headers: Readonly<Record<string, string>>;
    /** The first 4 KB of the body. */
    readonly body: string;
    readonly bodyTruncated?: boolean;
  };
  /** Set when no response came back (DNS, refused, TLS, timeout...). */
  readonly error?: { readonly code: string; readonly message: string };
  readonly durationMs: number;
  /** Bitbucket's trace ids (x-b3-traceid, x-trace-id, x-request-id...), for support staff. */
  readonly traceIds?: Readonly<Record<string, string>>;
}

/** Every kind of credential, in the order the report lists them. */
export const CREDENTIAL_KINDS = [
  'api-token',
  'app-password',
  'account-password',
  'access-token',
  'refresh-token',
  'client-id',
  'client-secret',
  'unknown',
] as const;

export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** A secret the user gave, with where it came from. `secret` never reaches a report. */
export interface Credential {
  readonly kind: CredentialKind;
  /** e.g. `flag:--api-token`, `env:BITBUCKET_API_TOKEN`, `header:Authorization`, `curl:-u`. */
  readonly source: string;
  /** The secret as the doctor uses it: outer whitespace and quotes removed. */
  readonly secret: string;
  /** The secret exactly as given (may carry whitespace, quotes, an unexpanded `$VAR`). */
  readonly raw: string;
  /** The username or email it was paired with (for Basic). */
  readonly username?: string;
  /** How the kind was decided: `flag`, `shape:ATATT`, `header:Bearer`... */
  readonly classifiedBy: string;
  /** Extra facts from the shape: e.g. "looks like an API token (ATATT prefix)". */
  readonly shapeNotes?: readonly string[];
  /**
   * Set on a stand-in for a credential that a capture shows only redacted (explain of a bb-doctor
   * HAR): the report shows the original's fingerprint and length, not the stand-in's.
   */
  readonly standsFor?: { readonly fingerprint: string | null; readonly length: number };
  /**
   * A stored credential (.netrc, a git credential helper): the host it is stored for. It is sent
   * only there (contract.md, "Secrets"; bitbucket.org and api.bitbucket.org are one site).
   */
  readonly storedFor?: string;
  /**
   * A credential a step of the user's command sent to the token endpoint (the password of a
   * password grant): judged, never sent anywhere by the doctor.
   */
  readonly tokenRequestOnly?: boolean;
  /** The origin the user's own command sent it to (a step's token endpoint): it goes only there. */
  readonly sentTo?: string;
}

/** An HTTP header exactly as the user's failing call sent it. */
export interface GivenHeader {
  readonly name: string;
  /** As sent; a part the user's shell computed reads as a placeholder (`<step-1-output>`). */
  readonly value: string;
  readonly source: string;
  /** The value holds what the user's shell computed (a substitution, a variable): unknown here. */
  readonly computed?: {
    readonly describe: string;
    readonly step?: number;
    readonly variable?: string;
  };
}

/** The failing call the user made (from --url or a curl command), for replay. */
export interface FailingRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: readonly GivenHeader[];
  readonly body?: string;
  /** Basic credentials given as `user:secret` (curl -u). */
  readonly basic?: { readonly username: string; readonly secret: string; readonly source: string };
  readonly source: 'url' | 'curl';
  /**
   * A credential of the call that the user's shell computed and bb-doctor cannot see (an unset
   * variable, `$(cat token.txt)`): where it stood and what it was, never its text.
   */
  readonly unknownCredential?: {
    readonly where: string;
    readonly describe: string;
    readonly variable?: string;
  };
}

/**
 * What git would send for the repository, in git's own order (contract.md, "Git over HTTPS"): the
 * URL's userinfo, then `http.extraHeader`, then the credential helper. Holds a secret: never print.
 */
export interface GitSends {
  readonly via: 'url' | 'extra-header' | 'credential-helper';
  /** The credential's `source` in `credentials[]` (`git:url`, `git-credential:store`...). */
  readonly source: string;
  /** The Basic username git sends (userinfo, the helper's answer); none for a header. */
  readonly username?: string;
  readonly secret: string;
  /** An `http.extraHeader` git sends on every request, as configured. */
  readonly header?: { readonly name: string; readonly value: string };
}

/** A git target: the repository a failing clone, fetch or push talks to (contract.md, "Git over HTTPS"). */
export interface GitTarget {
  /** The repository URL as git uses it, without userinfo (`https://bitbucket.org/acme/repo.git`). */
  readonly url: string;
  /** `http` (checked), or `ssh` (out of scope: said, not diagnosed). */
  readonly transport: 'http' | 'ssh';
  readonly push: boolean;
  /** What the user gave: `git clone`, `--git-url`, `--remote origin`, `the origin remote of …`. */
  readonly from: string;
  /** The remote's name, when the target came from a remote (for `git remote set-url NAME`). */
  readonly remoteName?: string;
  /** What git would send when challenged; undefined when git has nothing (it would prompt). */
  readonly sends?: GitSends;
  /** The credential helpers git asks for this URL, by program (`store`, `manager`). */
  readonly helpers: readonly string[];
  /** Facts of the intake for the report (a pasted helper reported, not run; an override). */
  readonly notes: readonly string[];
}

/** Everything a run knows before the first request: the target, the credentials, the failing call. */
export interface DoctorInput {
  readonly apiUrl: string;
  readonly authUrl: string;
  readonly workspace?: string;
  readonly repo?: string;
  readonly url?: string;
  readonly username?: string;
  readonly email?: string;
  readonly credentials: readonly Credential[];
  readonly headers: readonly GivenHeader[];
  readonly failingRequest?: FailingRequest;
  /** The target is the embedded simulator (demo), not bitbucket.org. */
  /** The demo: the embedded simulator's scenario, and which product it plays (known up front). */
  readonly simulator?: { readonly scenario: string; readonly product?: Product };
  /** --allow-insecure-http: credentials may go over plain http:// (a Data Center on :7990). */
  readonly allowInsecureHttp?: boolean;
  /** `explain` runs: saved exchanges instead of the network. */
  readonly offline?: Capture;
  /** Warnings from reading the input (e.g. a secret given as a flag). */
  readonly warnings: readonly string[];
  /**
   * Origins the user named with --api-url / --auth-url: flag and environment credentials may go
   * there (contract.md, "Secrets"). A --url or a pasted command's host is not one of them.
   */
  readonly explicitOrigins?: readonly string[];
  /** --use-refresh-token: token-fetch may spend (and so rotate) the given refresh token. */
  readonly useRefreshToken?: boolean;
  /** The user's curl command, parsed and linted, when one was given. Holds secrets: never print. */
  readonly curl?: {
    readonly original: string;
    readonly parsed: ParsedCurl;
    readonly lints: readonly CurlLint[];
  };
  /**
   * The earlier steps of a pasted command, in order: the curl commands in its substitutions (a
   * token fetch whose output the call sent). The call itself is the last step.
   */
  /** A git target (`-- git …`, `--git`, `--git-url`, `--remote`, the work tree's remote). */
  readonly git?: GitTarget;
  readonly steps?: readonly {
    readonly index: number;
    readonly describe: string;
    readonly method: string;
    readonly url: string;
    /** The grant a token fetch asked for. */
    readonly grant?: string;
    /** The field of the answer the call kept (`jq -r .access_token`). */
    readonly field?: string;
  }[];
}

/** One check's result as it appears in the report. */
export interface CheckReport {
  readonly id: string;
  readonly title: string;
  readonly status: Verdict;
  readonly code?: FindingCode;
  readonly summary: string;
  readonly details?: readonly string[];
  readonly durationMs: number;
  readonly remediation?: Remediation;
  readonly evidence: readonly Exchange[];
  readonly data: Readonly<Record<string, unknown>>;
  /** Only for `error`: what was thrown (shown with --verbose). */
  readonly error?: { readonly message: string; readonly stack?: string };
  /** The experiment that proves the fix, when the check made one. */
  readonly proof?: Proof;
}

/** Options of the HTTP client, one request. */
export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'HEAD';
  readonly headers?: Readonly<Record<string, string>>;
  /** application/x-www-form-urlencoded body (token endpoint only). */
  readonly form?: Readonly<Record<string, string>>;
  /** Shown in the evidence: why this request was sent. */
  readonly label: string;
  /** The secret whose failures count toward the 401 budget (see the budget in http/client.ts). */
  readonly secretKey?: string;
  /**
   * An informative request (a contrast, a scope probe): it never takes the last failed-answer slot
   * of the budget, which is kept for the experiments that prove a fix (the email instead of the
   * username, the corrected header). The budget is reserved before sending, so without this a
   * rejected credential could spend it all before its fix is tried.
   */
  readonly spare?: boolean;
}

/** One answer of the HTTP client: the exchange (evidence) plus the whole body (up to 1 MB). */
export interface HttpResult {
  readonly exchange: Exchange;
  /** The redirects followed on the way to `exchange`, in order (also evidence). */
  readonly redirects: readonly Exchange[];
  /** The response body as text (up to 1 MB), '' when there was no response. */
  readonly body: string;
  readonly status: number | undefined;
  /** Lower-case response header, or undefined. */
  header(name: string): string | undefined;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json(): unknown;
}

export interface HttpClient {
  /** Sends (or returns the memoised answer for) one request. Never throws for HTTP or network errors. */
  request(url: string, options: RequestOptions, signal?: AbortSignal): Promise<HttpResult>;
}

/** What a check sees of the world. */
export interface CheckContext {
  readonly input: DoctorInput;
  readonly http: HttpClient;
  readonly now: () => Date;
  /** Aborts when this check times out or the run's deadline passes. */
  readonly signal: AbortSignal;
  /**
   * Waits for an earlier check's report. A check sends its requests first and waits only when it
   * needs the answer, so independent requests are in flight together. The id must be in `needs`
   * (after:, pass: or reads:); the runner refuses an undeclared read.
   */
  result(id: string): Promise<CheckReport | undefined>;
  /** Every answer of the run so far, in check order: only for a `final` check. */
  answers(): readonly Exchange[];
  /** Waits for a fact an earlier check provides (PROVIDERS); its provider must be in `needs`. */
  fact<K extends keyof SharedFacts>(key: K): Promise<SharedFacts[K] | undefined>;
  /** Shares a computed value between checks in one run (first caller computes it). */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T>;
  /**
   * Registers a secret obtained during the run (e.g. a fetched access token) with the redactor,
   * so no output can show it.
   */
  registerSecret(secret: string, usernames?: readonly string[]): void;
}
