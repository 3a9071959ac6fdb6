import { correctedCommand } from '../src/facts/curl-fix.js';
import { REMEDY } from '../src/knowledge/remedies.js';
import { CURL_RULES, lintCurl, type CurlLint } from '../src/rules/curl/index.js';
import { defineCheck, type CheckContext, type FindingCode, type Outcome } from '../src/types.js';

/**
 * The verdicts of the curl rules that no other check proves by experiment (a rule without
 * `provenBy`): a token in the query string or the body (rejected since 2026-05-04,
 * bitbucket-auth.md §1.5), a secret in the URL, the removed password grant (§1.2), the consumer
 * not sent as Basic (§1.3) and a header curl never sent. The others (the header's spelling,
 * unexpanded variables, the URL, the credential's kind) are proven by header-casing,
 * credentials, api-version and identity, and only listed here.
 */
const OWN: readonly FindingCode[] = [
  ...new Set(
    CURL_RULES.filter((r) => r.provenBy === undefined && r.severity !== 'note').map(
      (r) => r.code as FindingCode,
    ),
  ),
];

/** What the rules found in the pasted command (no secrets: codes, messages, hints, names). */
export interface CurlCommandFacts {
  /** Undefined: no curl command was given. */
  readonly command?: {
    readonly method: string;
    readonly url?: string | undefined;
    readonly lints: readonly CurlLint[];
    /** The one corrected command, secrets as $BITBUCKET_… placeholders. */
    readonly corrected: string;
  };
}

/** Pure: curl-command's own verdict is its first own lint; the rest is listed for other checks. */
export const judge = ({ command }: CurlCommandFacts): Outcome => {
  if (command === undefined)
    return {
      verdict: 'skip',
      summary: 'Skipped: no curl command was given (-- curl ... or --curl).',
    };
  const { lints, corrected, method, url } = command;
  const details = lints.map((l) => `${l.severity} ${l.code}: ${l.message}`);
  const data = {
    lints: lints.map((l) => ({ code: l.code, severity: l.severity })),
    rules: lints.map((l) => l.rule),
    correctedCommand: corrected,
    method,
  };
  const own = lints.find((l) => l.provenBy === undefined && l.severity !== 'note');
  if (own !== undefined) {
    const code = own.code as FindingCode;
    return {
      verdict: own.severity === 'fail' ? 'fail' : 'warn',
      code,
      summary: own.message,
      remediation: {
        hint: own.hint === undefined ? REMEDY[code].hint : `${own.hint.replace(/\.?$/u, '')}.`,
        commands: [corrected],
        ...(REMEDY[code].url === undefined ? {} : { url: REMEDY[code].url }),
      },
      details,
      data,
    };
  }
  const others = [...new Set(lints.filter((l) => l.severity !== 'note').map((l) => l.code))];
  return {
    verdict: 'pass',
    summary: `${method} ${url ?? ''}${others.length > 0 ? `; lints for the other checks to prove: ${others.join(', ')}` : '; no lint'}.`,
    details,
    data,
  };
};

/** Runs the rules on the pasted command (no request: the same live and offline). */
const gather = ({ input }: CheckContext): CurlCommandFacts => {
  const curl = input.curl;
  if (curl === undefined) return {};
  const { parsed } = curl;
  return {
    command: {
      method: parsed.method,
      url: parsed.url,
      lints: lintCurl(parsed, { apiUrl: input.apiUrl, authUrl: input.authUrl }),
      corrected: correctedCommand(input) ?? '',
    },
  };
};

export default defineCheck({
  meta: {
    id: 'curl-command',
    title: 'The curl command sends what it should',
    description:
      'Reads your curl command as curl does and lints what people get wrong with Bitbucket; the corrected command is printed with secrets as $BITBUCKET_… placeholders.',
    codes: OWN,
  },
  gather,
  fromCapture: (ctx) => gather(ctx),
  judge,
});
