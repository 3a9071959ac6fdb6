import { correctAuth, primaryCredential } from '../src/facts/auth.js';
import { lintAuthorization } from '../src/facts/header-lint.js';
import { REMEDY } from '../src/facts/remedies.js';
import { parseAuthorization } from '../src/intake/credentials.js';
import { defineCheck, type GivenHeader } from '../src/types.js';

export default defineCheck({
  meta: {
    id: 'header-casing',
    title: 'The Authorization header is well-formed',
    description:
      'Bitbucket ignores an Authorization header whose scheme is not spelled Bearer or Basic, so the call runs anonymous; replaying it with the corrected spelling proves it.',
    codes: ['HEADER_SCHEME_CASE', 'HEADER_SCHEME_UNKNOWN', 'HEADER_MALFORMED'],
    needs: [],
  },
  async run(ctx) {
    const { input } = ctx;
    const headers: GivenHeader[] = (input.failingRequest?.headers ?? input.headers).filter(
      (h) => h.name.toLowerCase() === 'authorization',
    );
    if (headers.length === 0) {
      return {
        verdict: 'skip',
        summary:
          'Skipped: no Authorization header was given (--header or a curl command); the doctor builds its own headers correctly.',
      };
    }
    const header = headers[0]!;
    const lint = lintAuthorization(header.value);
    const scheme = parseAuthorization(header.value).scheme;
    if (lint === undefined) {
      return {
        verdict: 'pass',
        summary: `Authorization: ${scheme} … is well-formed (from ${header.source}).`,
        data: { scheme },
      };
    }
    // The experiment (below): the same request with the user's header and with the corrected one,
    // to the target when it is a GET on the API, else /2.0/user (any authenticated user gets 200).
    const target =
      input.failingRequest?.method === 'GET' && input.failingRequest.url.startsWith(input.apiUrl)
        ? input.failingRequest.url
        : `${input.apiUrl}/2.0/user`;
    const placeholder =
      lint.corrected?.startsWith('Basic') === true
        ? '$(printf %s "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" | base64)'
        : '$BITBUCKET_ACCESS_TOKEN';
    const remediation = {
      ...REMEDY[lint.code],
      ...(lint.corrected === undefined
        ? {}
        : {
            commands: [
              `curl -H "Authorization: ${lint.corrected.replace(/^(\S+) .*$/su, '$1')} ${placeholder}" ${target}`,
            ],
          }),
    };
    // Offline (explain) or nothing to correct: the lint stands on the documented facts alone.
    if (input.offline !== undefined || lint.corrected === undefined) {
      return {
        verdict: 'fail',
        code: lint.code,
        summary: `Your Authorization header is wrong: ${lint.problem}.`,
        remediation,
        data: { scheme, proven: false },
      };
    }

    const credential = primaryCredential(input);
    const secretKey =
      credential === undefined ? 'header' : correctAuth(credential, input).secretKey;
    const [asSent, fixed] = await Promise.all([
      ctx.http.request(
        target,
        {
          label: 'header-casing: your header, as sent',
          headers: { authorization: header.value.trim() },
          secretKey,
        },
        ctx.signal,
      ),
      ctx.http.request(
        target,
        {
          label: 'header-casing: the corrected header',
          headers: { authorization: lint.corrected },
          secretKey,
        },
        ctx.signal,
      ),
    ]);
    const before = asSent.status;
    const after = fixed.status;
    const proven = before !== undefined && after !== undefined && before !== after;
    const works = after !== undefined && after < 300;
    const outcome = !proven
      ? `Replaying with the corrected header changed nothing (${before ?? 'no answer'} both times), so something else is wrong too.`
      : works
        ? `Bitbucket ignored it and answered as if anonymous (${before ?? '?'}); the corrected header got ${after}.`
        : `Bitbucket ignored it (${before ?? '?'}); with the corrected header it read the credentials (${after}: see identity for why they are refused).`;
    return {
      verdict: 'fail',
      code: lint.code,
      summary: `Your Authorization header is wrong: ${lint.problem}. ${outcome}`,
      remediation,
      data: { scheme, proven, statusAsSent: before, statusCorrected: after, fixVerified: works },
    };
  },
});
