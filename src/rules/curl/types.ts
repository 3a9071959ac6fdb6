/**
 * The shape of a curl rule (ESLint's rule shape: one row per mistake, its detection next to its
 * fix) and of what a rule finds. Messages, hints and data never contain a secret value: only
 * header names, schemes, parameter names, variable names, hosts and paths.
 */
import type { AuthorizationProblem } from '../../facts/header-lint.js';
import type { CurlHeader, ParsedCurl } from '../../intake/curl-parse.js';
import type { UrlParts } from '../../intake/curl-url.js';
import type { UrlClassification, UrlEdit, UrlOptions } from '../../knowledge/api-versions.js';
import type { FindingCode } from '../../types.js';

/**
 * A finding code, or `WRITE_METHOD_NOT_REPLAYED`: a note (not a finding) that the replay will not
 * send a write request.
 */
export type CurlLintCode = FindingCode | 'WRITE_METHOD_NOT_REPLAYED';

/**
 * `fail`: Bitbucket rejects or ignores it. `warn`: works but unsafe or deprecated. `note`:
 * information only.
 */
export type CurlLintSeverity = 'fail' | 'warn' | 'note';

/** One place where a rule applies. */
export interface CurlMatch {
  /** One or two sentences, ending with a period or a closing parenthesis; no secret values. */
  readonly message: string;
  /** What to change, with secrets as `$PLACEHOLDERS`. */
  readonly hint?: string;
  /** The rule's `fix` corrects it mechanically. */
  readonly fixable: boolean;
  /** Overrides the rule's severity (a `$VAR` outside a credential position only warns). */
  readonly severity?: CurlLintSeverity;
  /** Machine-readable facts: `index` (of the header), `position`, `variable`, `replacement`... */
  readonly data?: Readonly<Record<string, unknown>>;
  /** For URL rules: the knowledge's fix of the URL, which the rule's fix applies. */
  readonly edit?: UrlEdit;
}

/** A match with the rule that made it: what `lintCurl` returns. */
export interface CurlLint extends CurlMatch {
  readonly rule: string;
  readonly code: CurlLintCode;
  readonly severity: CurlLintSeverity;
  /** The check that proves this finding by experiment; absent: curl-command's own verdict. */
  readonly provenBy?: string;
}

/** One form field of the data (`-d a=1&b=2` gives two), for the token endpoint. */
export interface CurlField {
  readonly name: string;
  readonly value: string;
  readonly item: number;
  readonly flag: string;
}

/** One Authorization header with what the one linter found in it. */
export interface CurlAuthorization {
  readonly index: number;
  readonly header: CurlHeader;
  readonly problems: readonly AuthorizationProblem[];
}

/** What every rule reads: the command, its URL judged once, its fields and headers linted once. */
export interface CurlContext {
  readonly parsed: ParsedCurl;
  /** The URL as typed, in pieces. */
  readonly url?: UrlParts;
  /** The URL judged by src/knowledge (with curl's default scheme, http, when it has none). */
  readonly classification?: UrlClassification;
  readonly tokenEndpoint: boolean;
  /** grant_type=urn:bitbucket:oauth2:jwt: `JWT` is the right scheme there (§1.2). */
  readonly jwtGrant: boolean;
  readonly fields: readonly CurlField[];
  readonly authorization: readonly CurlAuthorization[];
}

/** The hosts of the run: `--api-url`'s counts as the Cloud API, `--auth-url`'s as the website. */
export type CurlLintOptions = Pick<UrlOptions, 'apiUrl' | 'authUrl'>;

/**
 * One rule: what it finds (`detect`) and how to correct it (`fix`, for matches that are
 * `fixable`). A fix returns a new ParsedCurl and never changes its input; `correctCurl` applies
 * them in table order.
 */
export interface CurlRule {
  /** kebab-case, unique in the table. */
  readonly id: string;
  readonly code: CurlLintCode;
  readonly severity: CurlLintSeverity;
  /** The check that proves this finding by experiment (header-casing, credentials, identity...). */
  readonly provenBy?: string;
  readonly detect: (context: CurlContext) => readonly CurlMatch[];
  readonly fix?: (parsed: ParsedCurl, lint: CurlLint) => ParsedCurl;
}
