import { placeholders } from '../src/facts/curl-fix.js';
import { formatCurl } from '../src/intake/curl.js';
import { DOCS } from '../src/knowledge/docs.js';
import { defineCheck, type FindingCode } from '../src/types.js';

/**
 * Lints that no other check proves: a token in the POST body or query string (rejected since
 * 2026-05-04, bitbucket-auth.md §1.5) and the removed password grant sent to the token endpoint
 * (§1.2). The header's spelling, unexpanded variables, the URL and the credential kind are
 * judged by experiment in header-casing, credentials, api-version and identity.
 */
const OWN: readonly FindingCode[] = ['SECRET_IN_URL', 'PASSWORD_GRANT_REMOVED', 'CONSUMER_INVALID'];

const DOC: Partial<Record<FindingCode, string>> = {
  SECRET_IN_URL: DOCS.oauth2,
  PASSWORD_GRANT_REMOVED: DOCS.oauth2,
  CONSUMER_INVALID: DOCS.oauth2,
};

export default defineCheck({
  meta: {
    id: 'curl-command',
    title: 'The curl command sends what it should',
    description:
      'Reads your curl command as curl does and lints what people get wrong with Bitbucket; the corrected command is printed with secrets as $BITBUCKET_… placeholders.',
    codes: [...OWN],
  },
  run({ input }) {
    const curl = input.curl;
    if (curl === undefined)
      return {
        verdict: 'skip',
        summary: 'Skipped: no curl command was given (-- curl ... or --curl).',
      };
    const { parsed, lints } = curl;
    const corrected = formatCurl(parsed, { placeholders: placeholders(input), fixes: lints });
    const details = lints.map((l) => `${l.severity} ${l.code}: ${l.message}`);
    const data = {
      lints: lints.map((l) => ({ code: l.code, severity: l.severity })),
      correctedCommand: corrected,
      method: parsed.method,
    };
    const own = lints.find(
      (l) => (OWN as readonly string[]).includes(l.code) && l.severity !== 'note',
    );
    if (own !== undefined) {
      const code = own.code as FindingCode;
      return {
        verdict: own.severity === 'fail' ? 'fail' : 'warn',
        code,
        summary: own.message,
        remediation: {
          hint:
            own.fix === undefined
              ? 'Send the token as "Authorization: Bearer <token>", never in the URL or the body.'
              : `${own.fix.replace(/\.?$/u, '')}.`,
          commands: [corrected],
          ...(DOC[code] === undefined ? {} : { url: DOC[code] }),
        },
        details,
        data,
      };
    }
    const others = [...new Set(lints.filter((l) => l.severity !== 'note').map((l) => l.code))];
    return {
      verdict: 'pass',
      summary: `${parsed.method} ${parsed.url ?? ''}${others.length > 0 ? `; lints for the other checks to prove: ${others.join(', ')}` : '; no lint'}.`,
      details,
      data,
    };
  },
});
