import { matchSignatures } from '../knowledge/signatures.js';
import { makeResult } from '../http/client.js';
import { isCredentialHeader } from '../knowledge/wire.js';
import type { Capture, CheckContext, Exchange, HttpResult } from '../types.js';
import { userAuthHeaders, workingAuth } from './auth.js';
import { afterGit } from './git-story.js';
import { anonymousListing, onDataCenter, workspaceListingUrl } from './requests.js';
import { bestAuth, replayAsSent } from './target.js';

/**
 * The public-vs-private contrast (bitbucket-auth.md §3.1, §3.2): the workspace listing asked
 * anonymously and with the credentials. Anonymous callers get the public repositories, so only a
 * difference shows that the credentials were read.
 */

/** A workspace listing as far as the contrast needs it. */
export interface Listing {
  readonly size: number | undefined;
  readonly slugs: readonly string[];
  readonly privateCount: number;
}

/** One side of the contrast: the status, and the listing when it is one. */
export interface ListingAnswer {
  readonly status: number | undefined;
  readonly listing?: Listing | undefined;
}

export const listingOf = (result: HttpResult): ListingAnswer => {
  const body = result.json() as { size?: unknown; values?: unknown } | undefined;
  if (result.status !== 200 || body === undefined || !Array.isArray(body.values))
    return { status: result.status };
  const values = body.values as Record<string, unknown>[];
  const slug = (v: Record<string, unknown>): string =>
    typeof v['slug'] === 'string'
      ? v['slug']
      : typeof v['full_name'] === 'string'
        ? v['full_name']
        : '';
  return {
    status: result.status,
    listing: {
      size: typeof body.size === 'number' ? body.size : undefined,
      slugs: values.map(slug).sort(),
      privateCount: values.filter((v) => v['is_private'] === true).length,
    },
  };
};

export const sameListing = (a: Listing, b: Listing): boolean =>
  a.size === b.size && a.privateCount === b.privateCount && a.slugs.join(',') === b.slugs.join(',');

/** The live facts of the contrast. */
export interface LiveContrastFacts {
  readonly source: 'live';
  readonly workspace: string;
  /** The user's own headers were sent (the call under suspicion), not a credential of the run. */
  readonly usesOwn: boolean;
  readonly anonymous: ListingAnswer;
  readonly authenticated: ListingAnswer;
  /** connectivity found Bitbucket Data Center. */
  readonly dataCenter: boolean;
  /** Identical listings only: identity proved these very credentials authenticate. */
  readonly proven?: boolean | undefined;
  /** Identical listings only: the user's call, replayed as sent, got the anonymous 404 (§3.2). */
  readonly anonymous404OnTarget?: boolean | undefined;
  /** "your call to acme/secret-repo", or "your call". */
  readonly target: string;
  readonly listingUrl: string;
}

/** Why nothing was compared (no credentials, none to send), before any request. */
export interface NoContrast {
  readonly source: 'none';
  readonly summary: string;
}

/**
 * Sends both listings at once: with the user's own headers when they gave any (that is the call
 * under suspicion), else with the credential sent the right way (as identity sends it). Only for
 * identical listings does it read identity and replay the user's call (the replay target-call
 * sends too, memoised).
 */
export const gatherLiveContrast = async (
  ctx: CheckContext,
  workspace: string,
): Promise<LiveContrastFacts | NoContrast> => {
  await afterGit(ctx);
  const { input } = ctx;
  const own = userAuthHeaders(input);
  const usesOwn = Object.keys(own).length > 0;
  if (!usesOwn && input.credentials.length === 0)
    return { source: 'none', summary: 'Skipped: no credentials were given.' };
  const auth = await bestAuth(ctx);
  const headers = usesOwn ? own : auth === undefined ? undefined : { authorization: auth.header };
  if (headers === undefined)
    return {
      source: 'none',
      summary: 'Skipped: no credential to compare with the anonymous view.',
    };
  const listingUrl = workspaceListingUrl(input.apiUrl, workspace);
  const [anon, authed] = await Promise.all([
    anonymousListing(ctx)!,
    ctx.http.request(
      listingUrl,
      {
        label: `public-private-contrast: listing with ${usesOwn ? 'your headers' : (auth?.describe ?? 'credentials')}`,
        headers,
        spare: true,
        ...(auth === undefined ? {} : { secretKey: auth.secretKey }),
      },
      ctx.signal,
    ),
  ]);
  const facts: LiveContrastFacts = {
    source: 'live',
    workspace,
    usesOwn,
    anonymous: listingOf(anon),
    authenticated: listingOf(authed),
    dataCenter: await onDataCenter(ctx),
    target: input.repo === undefined ? 'your call' : `your call to ${workspace}/${input.repo}`,
    listingUrl,
  };
  const a = facts.anonymous.listing;
  const b = facts.authenticated.listing;
  if (facts.dataCenter || a === undefined || b === undefined || !sameListing(a, b)) return facts;
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
  )
    return { ...facts, proven: true };
  // With a repository target, the user's own call answering 404 "…make sure you are
  // authenticated" is the anonymous signature (§3.2).
  const replay = usesOwn ? replayAsSent(ctx) : undefined;
  const call = replay === undefined ? undefined : await replay;
  const anonymous404OnTarget =
    call?.status === 404 &&
    matchSignatures({
      status: 404,
      headers: call.exchange.response?.headers ?? {},
      body: call.body,
    }).some((s) => s.id.startsWith('cloud-repo-no-access'));
  return { ...facts, proven: false, anonymous404OnTarget };
};

/**
 * Explain of a capture that holds both sides of the contrast (bb-doctor's own HAR does): the
 * workspace listing asked without credentials and with them. They stand in for the two requests
 * the live check sends, and the same judge compares them. Undefined: the capture lacks a side.
 */
export const capturedContrast = async (
  ctx: CheckContext,
  capture: Capture,
  workspace: string,
): Promise<LiveContrastFacts | undefined> => {
  const listingUrl = workspaceListingUrl(ctx.input.apiUrl, workspace);
  const to = capture.exchanges.filter(
    (e) => e.request.url === listingUrl && e.response !== undefined,
  );
  const credentialed = (e: Exchange): string[] =>
    Object.keys(e.request.headers).filter((name) => isCredentialHeader(name));
  const anon = to.find((e) => credentialed(e).length === 0);
  const authed = [...to].reverse().find((e) => credentialed(e).length > 0);
  if (anon === undefined || authed === undefined) return undefined;
  // "Your headers": the listing carried a credential header other than the Authorization the
  // doctor builds itself.
  const usesOwn = credentialed(authed).some((name) => name.toLowerCase() !== 'authorization');
  const result = (e: Exchange): HttpResult =>
    makeResult({ exchange: e, body: e.response?.body ?? '' });
  const facts: LiveContrastFacts = {
    source: 'live',
    workspace,
    usesOwn,
    anonymous: listingOf(result(anon)),
    authenticated: listingOf(result(authed)),
    dataCenter: await onDataCenter(ctx),
    target:
      ctx.input.repo === undefined ? 'your call' : `your call to ${workspace}/${ctx.input.repo}`,
    listingUrl,
  };
  const identityPassed = (await ctx.result('identity'))?.status === 'pass';
  return { ...facts, proven: identityPassed && !usesOwn };
};
