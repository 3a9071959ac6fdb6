import { networkProblem } from '../src/facts/network.js';
import { afterGit } from '../src/facts/git-story.js';
import { gatherDcPermission, judgeDcPermission } from '../src/facts/data-center.js';
import { fetchedToken } from '../src/facts/auth.js';
import { DATA_CENTER_SKIP, onDataCenter, workspaceListingUrl } from '../src/facts/requests.js';
import {
  capturedPath,
  capturedScopeAnswer,
  readScopeAnswer,
  type ScopesFacts,
} from '../src/facts/scope-facts.js';
import { bestAuth, sendCorrected } from '../src/facts/target.js';
import { DOCS } from '../src/knowledge/docs.js';
import { requiredScopes } from '../src/knowledge/endpoints.js';
import { CURRENT_USER_PATH, SCOPE_HEADERS } from '../src/knowledge/oauth.js';
import { missingScopes, satisfies } from '../src/knowledge/scopes.js';
import { defineCheck, type HttpResult, type Outcome } from '../src/types.js';

export type { ScopesFacts } from '../src/facts/scope-facts.js';

/** Pure: what the credential has against what the call needs, as the answer says it. */
export const judge = (facts: ScopesFacts): Outcome => {
  if ('skip' in facts) return { verdict: 'skip', summary: `Skipped: ${facts.skip}.` };
  if ('dcPermission' in facts) return judgeDcPermission(facts.dcPermission);
  const { status, granted, accepted, required } = facts;
  if (facts.dataCenter) return { verdict: 'skip', summary: DATA_CENTER_SKIP };
  if (status === undefined || status === 429)
    return {
      verdict: 'skip',
      summary: 'Skipped: the probe got no usable answer (see connectivity and rate-limit).',
    };
  if (status === 401)
    return {
      verdict: 'skip',
      summary: `Skipped: the credential is refused (401), so its scopes cannot be read (see identity).`,
    };
  const path = facts.path ?? 'The call';
  const table = facts.path === undefined ? undefined : requiredScopes(facts.method, facts.path);
  const data = {
    granted,
    accepted,
    endpoint: table?.endpoint,
    requiredByTable:
      table === undefined ? undefined : { legacy: table.legacy, granular: table.granular },
    ...(facts.from === 'capture' ? { captured: true } : {}),
  };
  const has = granted.length > 0 ? granted.join(', ') : 'none listed';

  if (status === 403 && required !== undefined) {
    // Bitbucket's own list, quoted verbatim (§4.4).
    const missing = missingScopes(granted, required);
    return {
      verdict: 'fail',
      code: 'SCOPE_MISSING',
      summary: `${path} needs ${required.join(' or ')}; the credential has ${has} (403 "${facts.message ?? 'Forbidden'}").`,
      remediation: {
        hint: `Give the credential the scope ${required.join(' or ')} (a new API token or access token, or edit the OAuth consumer's permissions); granular write scopes do not include read.`,
        url: DOCS.scopes,
      },
      data: { ...data, required, missing: missing.length > 0 ? missing : required },
    };
  }
  const wanted =
    accepted.length > 0
      ? accepted
      : table === undefined
        ? []
        : [...table.legacy, ...table.granular];
  if (status === 403 && granted.length > 0 && wanted.length > 0 && !satisfies(granted, wanted)) {
    return {
      verdict: 'fail',
      code: 'SCOPE_MISSING',
      summary: `${path} answered 403; it accepts ${wanted.join(' or ')} and the credential has ${granted.join(', ')}.`,
      remediation: {
        hint: `Give the credential one of these scopes: ${wanted.join(', ')}.`,
        url: DOCS.scopes,
      },
      data: { ...data, missing: wanted },
    };
  }
  if (status === 403 && !facts.notAUser) {
    return {
      verdict: 'skip',
      summary: `${path} answered 403 without naming a scope: permission on the repository, not a scope (see target-call).`,
      data,
    };
  }
  return {
    verdict: 'pass',
    summary: `Scopes ${granted.length > 0 ? granted.join(', ') : '(not listed by Bitbucket)'}${wanted.length > 0 ? `; ${path.split('?')[0] ?? path} accepts ${wanted.join(' or ')}` : ''} (${status}).`,
    data,
  };
};

export default defineCheck({
  meta: {
    id: 'scopes',
    title: 'The credential has the scopes the target needs',
    description: `A 403 with a valid credential is a missing scope: what the credential has (${SCOPE_HEADERS.granted}, 403 detail.granted) against what the target needs (${SCOPE_HEADERS.accepted}, 403 detail.required).`,
    codes: ['SCOPE_MISSING', 'DC_NOT_PERMITTED', 'REPO_NOT_FOUND_OR_NO_ACCESS'],
    needs: ['reads:connectivity', 'reads:token-fetch', 'reads:identity', 'reads:git-access'],
  },
  async gather(ctx): Promise<ScopesFacts> {
    await afterGit(ctx);
    const { input } = ctx;
    if (input.credentials.length === 0) return { skip: 'no credentials were given' };
    const auth = await bestAuth(ctx);
    if (auth === undefined) return { skip: 'no credential to inspect' };
    if (await onDataCenter(ctx)) {
      const dc = await gatherDcPermission(ctx, auth);
      return 'skip' in dc ? dc : { dcPermission: dc };
    }
    // Probe: the corrected target when there is one, else the workspace listing or /2.0/user
    // (the same requests target-call and public-private-contrast send: memoised, sent once).
    const corrected = await sendCorrected(ctx);
    const probeUrl =
      corrected?.url ??
      (input.workspace === undefined
        ? `${input.apiUrl}${CURRENT_USER_PATH}`
        : workspaceListingUrl(input.apiUrl, input.workspace));
    const probe: HttpResult =
      corrected?.result ??
      (await ctx.http.request(
        probeUrl,
        {
          label: `scopes: probe with ${auth.describe}`,
          headers: { authorization: auth.header },
          secretKey: auth.secretKey,
          spare: true,
        },
        ctx.signal,
      ));
    // An answer that is no evidence (the network, another origin's page) says nothing of scopes.
    const away = networkProblem(probe.exchange);
    if (away !== undefined) return { skip: `no verdict on the probe: ${away.summary}` };
    const identity = await ctx.result('identity');
    const response = probe.exchange.response;
    const facts = readScopeAnswer(
      {
        from: 'live',
        method: 'GET',
        path: new URL(probeUrl).pathname + new URL(probeUrl).search,
        notAUser: identity?.data['notAUser'] === true,
      },
      response === undefined ? undefined : { ...response, body: probe.body },
      {
        header: identity?.evidence
          .map((e) => e.response?.headers[SCOPE_HEADERS.granted])
          .find((v) => v !== undefined),
        scopes: (await fetchedToken(ctx))?.scopes ?? [],
      },
    );
    // Live, connectivity says which product answered.
    return { ...facts, dataCenter: await onDataCenter(ctx) };
  },
  fromCapture(_ctx, capture): ScopesFacts {
    const answer = capturedScopeAnswer(capture.exchanges);
    if (answer === undefined) return { skip: 'the capture holds no answer that names scopes' };
    return readScopeAnswer(
      {
        from: 'capture',
        method: answer.request.method === '' ? 'GET' : answer.request.method.toUpperCase(),
        path: capturedPath(answer),
        notAUser: false,
      },
      answer.response,
    );
  },
  judge,
});
