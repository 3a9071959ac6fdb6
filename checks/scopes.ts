import { bestAuth, sendCorrected } from '../src/facts/target.js';
import { DOCS } from '../src/knowledge/docs.js';
import { requiredScopes } from '../src/knowledge/endpoints.js';
import { missingScopes, parseScopeList, satisfies } from '../src/knowledge/scopes.js';
import { parseErrorBody } from '../src/knowledge/signatures.js';
import { fetchedToken } from '../src/facts/auth.js';
import { DATA_CENTER_SKIP, onDataCenter, workspaceListingUrl } from '../src/facts/requests.js';
import { defineCheck, type HttpResult } from '../src/types.js';

export default defineCheck({
  meta: {
    id: 'scopes',
    title: 'The credential has the scopes the target needs',
    description:
      'A 403 with a valid credential is a missing scope: what the credential has (x-oauth-scopes, 403 detail.granted) against what the target needs (x-accepted-oauth-scopes, 403 detail.required).',
    codes: ['SCOPE_MISSING'],
    needs: ['network', 'credentials', 'reads:connectivity', 'reads:token-fetch', 'reads:identity'],
  },
  async run(ctx) {
    const { input } = ctx;
    const auth = await bestAuth(ctx);
    if (auth === undefined)
      return { verdict: 'skip', summary: 'Skipped: no credential to inspect.' };
    // Probe: the corrected target when there is one, else the workspace listing or /2.0/user
    // (the same requests target-call and public-private-contrast send: memoised, sent once).
    const corrected = await sendCorrected(ctx);
    const probeUrl =
      corrected?.url ??
      (input.workspace === undefined
        ? `${input.apiUrl}/2.0/user`
        : workspaceListingUrl(input.apiUrl, input.workspace));
    const probe: HttpResult =
      corrected?.result ??
      (await ctx.http.request(
        probeUrl,
        {
          label: `scopes: probe with ${auth.describe}`,
          headers: { authorization: auth.header },
          secretKey: auth.secretKey,
        },
        ctx.signal,
      ));
    const identity = await ctx.result('identity');
    if (await onDataCenter(ctx)) return { verdict: 'skip', summary: DATA_CENTER_SKIP };
    if (probe.status === undefined || probe.status === 429)
      return {
        verdict: 'skip',
        summary: 'Skipped: the probe got no usable answer (see connectivity and rate-limit).',
      };
    if (probe.status === 401)
      return {
        verdict: 'skip',
        summary: `Skipped: the credential is refused (401), so its scopes cannot be read (see identity).`,
      };

    const parsed = parseErrorBody(probe.body, probe.header('content-type'));
    const fromIdentity = identity?.evidence
      .map((e) => e.response?.headers['x-oauth-scopes'])
      .find((v) => v !== undefined);
    const granted = [
      ...new Set([
        ...parseScopeList(probe.header('x-oauth-scopes') ?? fromIdentity),
        ...(parsed.granted ?? []),
        ...((await fetchedToken(ctx))?.scopes ?? []),
      ]),
    ];
    const accepted = parseScopeList(probe.header('x-accepted-oauth-scopes'));
    const path = new URL(probeUrl).pathname + new URL(probeUrl).search;
    const table = requiredScopes('GET', path);
    const data = {
      granted,
      accepted,
      endpoint: table?.endpoint,
      requiredByTable:
        table === undefined ? undefined : { legacy: table.legacy, granular: table.granular },
    };

    if (probe.status === 403 && parsed.required !== undefined) {
      const missing = missingScopes(granted, parsed.required);
      return {
        verdict: 'fail',
        code: 'SCOPE_MISSING',
        summary: `${path} needs ${parsed.required.join(' or ')}; the credential has ${granted.length > 0 ? granted.join(', ') : 'none listed'} (403 "${parsed.message ?? 'Forbidden'}").`,
        remediation: {
          hint: `Give the credential the scope ${parsed.required.join(' or ')} (a new API token or access token, or edit the OAuth consumer's permissions); granular write scopes do not include read.`,
          url: DOCS.scopes,
        },
        data: {
          ...data,
          required: parsed.required,
          missing: missing.length > 0 ? missing : parsed.required,
        },
      };
    }
    const wanted =
      accepted.length > 0
        ? accepted
        : table === undefined
          ? []
          : [...table.legacy, ...table.granular];
    if (
      probe.status === 403 &&
      granted.length > 0 &&
      wanted.length > 0 &&
      !satisfies(granted, wanted)
    ) {
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
    if (probe.status === 403 && identity?.data['notAUser'] !== true) {
      return {
        verdict: 'skip',
        summary: `${path} answered 403 without naming a scope: permission on the repository, not a scope (see target-call).`,
        data,
      };
    }
    return {
      verdict: 'pass',
      summary: `Scopes ${granted.length > 0 ? granted.join(', ') : '(not listed by Bitbucket)'}${wanted.length > 0 ? `; ${path.split('?')[0] ?? path} accepts ${wanted.join(' or ')}` : ''} (${probe.status}).`,
      data,
    };
  },
});
