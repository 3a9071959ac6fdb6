import { userAuthHeaders, workingAuth } from '../src/facts/auth.js';
import { bestAuth, replayAsSent } from '../src/facts/target.js';
import {
  anonymousListing,
  DATA_CENTER_SKIP,
  onDataCenter,
  workspaceListingUrl,
} from '../src/facts/requests.js';
import { remedy } from '../src/facts/remedies.js';
import { matchSignatures } from '../src/knowledge/signatures.js';
import { defineCheck, type HttpResult } from '../src/types.js';

interface Listing {
  readonly size: number | undefined;
  readonly slugs: readonly string[];
  readonly privateCount: number;
}

const listingOf = (result: HttpResult): Listing | undefined => {
  const body = result.json() as { size?: unknown; values?: unknown } | undefined;
  if (result.status !== 200 || body === undefined || !Array.isArray(body.values)) return undefined;
  const values = body.values as Record<string, unknown>[];
  return {
    size: typeof body.size === 'number' ? body.size : undefined,
    slugs: values
      .map((v) =>
        typeof v['slug'] === 'string'
          ? v['slug']
          : typeof v['full_name'] === 'string'
            ? v['full_name']
            : '',
      )
      .sort(),
    privateCount: values.filter((v) => v['is_private'] === true).length,
  };
};

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

const same = (a: Listing, b: Listing): boolean =>
  a.size === b.size && a.privateCount === b.privateCount && a.slugs.join(',') === b.slugs.join(',');

export default defineCheck({
  meta: {
    id: 'public-private-contrast',
    title: 'The authenticated view differs from the anonymous one',
    description:
      'A workspace listing answers anonymous callers with the public repositories, so a 200 there proves nothing; only a difference from the anonymous answer shows the credentials were read.',
    codes: ['CREDENTIALS_IGNORED'],
    needs: [
      'network',
      'workspace',
      'credentials',
      'reads:connectivity',
      'reads:token-fetch',
      'reads:identity',
    ],
  },
  async run(ctx) {
    const { input } = ctx;
    const ws = input.workspace!;
    // The user's own headers when they gave any (that is the call under suspicion), else the
    // credential sent the right way (as identity sends it).
    const own = userAuthHeaders(input);
    const usesOwn = Object.keys(own).length > 0;
    const auth = await bestAuth(ctx);
    const headers = usesOwn ? own : auth === undefined ? undefined : { authorization: auth.header };
    if (headers === undefined)
      return {
        verdict: 'skip',
        summary: 'Skipped: no credential to compare with the anonymous view.',
      };

    const [anon, authed] = await Promise.all([
      anonymousListing(ctx)!,
      ctx.http.request(
        workspaceListingUrl(input.apiUrl, ws),
        {
          label: `public-private-contrast: listing with ${usesOwn ? 'your headers' : (auth?.describe ?? 'credentials')}`,
          headers,
          ...(auth === undefined ? {} : { secretKey: auth.secretKey }),
        },
        ctx.signal,
      ),
    ]);
    if (await onDataCenter(ctx)) return { verdict: 'skip', summary: DATA_CENTER_SKIP };
    if (authed.status === 429 || anon.status === 429)
      return { verdict: 'skip', summary: 'Skipped: rate limited (see rate-limit).' };
    if (authed.status !== undefined && authed.status >= 400 && authed.status === anon.status) {
      return {
        verdict: 'skip',
        summary: `Skipped: the listing of ${ws} answered ${authed.status} with and without credentials (a misspelt workspace, or a server problem), so there is nothing to compare.`,
        data: { anonymousStatus: anon.status, authenticatedStatus: authed.status },
      };
    }
    if (authed.status !== undefined && authed.status >= 400) {
      return {
        verdict: 'pass',
        summary: `Bitbucket read the credentials: the listing answered ${authed.status} with them and ${anon.status ?? '?'} without (see identity for why they are refused).`,
        data: { anonymousStatus: anon.status, authenticatedStatus: authed.status },
      };
    }
    const a = listingOf(anon);
    const b = listingOf(authed);
    if (a === undefined || b === undefined) {
      return {
        verdict: 'skip',
        summary: `Skipped: the listings could not be compared (anonymous ${anon.status ?? 'no answer'}, authenticated ${authed.status ?? 'no answer'}).`,
      };
    }
    const data = {
      anonymous: { size: a.size, private: a.privateCount },
      authenticated: { size: b.size, private: b.privateCount },
    };
    if (!same(a, b)) {
      return {
        verdict: 'pass',
        summary: `The authenticated listing of ${ws} shows ${b.size ?? b.slugs.length} repositories (${b.privateCount} private); anonymous shows ${a.size ?? a.slugs.length}.`,
        data,
      };
    }
    // Identical listings are innocent when identity proved these very headers authenticate (the
    // workspace then simply has no private repository this account can see).
    const identityPassed = (await ctx.result('identity'))?.status === 'pass';
    const proven = (await workingAuth(ctx))?.header;
    const ownAuthorization = Object.entries(own).find(
      ([name]) => name.toLowerCase() === 'authorization',
    )?.[1];
    if (
      identityPassed &&
      (!usesOwn || (ownAuthorization !== undefined && ownAuthorization === proven))
    ) {
      return {
        verdict: 'pass',
        summary: `Identical listings, but identity proved the credentials work: ${ws} has no private repositories you can see.`,
        data,
      };
    }
    // With a repository target, the user's own call (the replay target-call sends too, memoised)
    // answering 404 "…make sure you are authenticated" is the anonymous signature (§3.2).
    const replay = usesOwn ? replayAsSent(ctx) : undefined;
    const call = replay === undefined ? undefined : await replay;
    const anonymous404 =
      call?.status === 404 &&
      matchSignatures({
        status: 404,
        headers: call.exchange.response?.headers ?? {},
        body: call.body,
      }).some((s) => s.id.startsWith('cloud-repo-no-access'));
    const target = input.repo === undefined ? 'your call' : `your call to ${ws}/${input.repo}`;
    return {
      verdict: 'fail',
      code: 'CREDENTIALS_IGNORED',
      summary: `With ${usesOwn ? 'your headers' : 'the credentials'} the listing of ${ws} is identical to the anonymous one (${plural(a.size ?? a.slugs.length, 'repository', 'repositories')}, ${a.privateCount} private)${anonymous404 ? `, and ${target} got the anonymous 404 ("…make sure you are authenticated")` : ''}: Bitbucket never read them as credentials, and a 200 here proves nothing.`,
      remediation: remedy('CREDENTIALS_IGNORED', [
        `curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" '${workspaceListingUrl(input.apiUrl, ws)}&role=member'`,
      ]),
      data: { ...data, anonymousSignatureOnTarget: anonymous404 },
    };
  },
});
