import { effectiveKind, fetchedToken, isUserCredential } from '../../src/facts/auth.js';
import { STEP_OUTPUT } from '../../src/intake/curl-input.js';
import { basicAuthorization, kindByShape } from '../../src/intake/credentials.js';
import { gitUsernamesFor, infoRefsUrl, isEmail, type GitService } from '../../src/knowledge/git.js';
import { fingerprint } from '../../src/report/redactor.js';
import type { CheckContext, Credential, CredentialKind, GitSends } from '../../src/types.js';
import type { GitAccessFacts, GitAttempt } from './judge.js';
import { ok } from './words.js';

/** A kind for git: the secret's shape first (an ATATT… token with x-token-auth is still one). */
export const gitKind = (c: Credential): CredentialKind =>
  kindByShape(c.secret)?.kind ?? effectiveKind(c);

const SERVICES = (push: boolean): GitService[] =>
  push ? ['git-upload-pack', 'git-receive-pack'] : ['git-upload-pack'];

/**
 * The smart-HTTP ref advertisements git asks for first (gitprotocol-http(5)), the way git asks:
 * anonymously, then with its credential when challenged (401), then, when that fails, one
 * correction: the username git accepts for the secret's kind, or the doctor's own credential in
 * its git form (bitbucket-auth.md §12.1). GETs only: no pack data is ever sent.
 */
export const gather = async (ctx: CheckContext): Promise<GitAccessFacts> => {
  const git = ctx.input.git;
  const empty = { helpers: [], notes: [], attempts: [], differs: [] };
  if (git === undefined)
    return { ...empty, skip: 'No git target (give -- git …, --git-url or --remote).' };
  if (git.transport !== 'http')
    return { ...empty, skip: `SSH remote (${git.url}): bb-doctor diagnoses git over HTTPS only.` };
  const sends = await withStepToken(ctx, git.sends);
  if (sends === null)
    return {
      ...empty,
      skip: "The token your script fetches for git's URL could not be had (see token-fetch).",
    };
  // A fetched OAuth token is an access token for git (x-token-auth, §12.1).
  const fetched = sends !== git.sends;
  const sendsCredential = ctx.input.credentials.find(
    (c) => c.source === git.sends?.source && c.secret === git.sends.secret,
  );
  const sendsKind: CredentialKind = fetched
    ? 'access-token'
    : sendsCredential === undefined
      ? 'unknown'
      : gitKind(sendsCredential);
  const own = ctx.input.credentials.filter(
    (c) => isUserCredential(c) && /^(?:flag|env):/u.test(c.source),
  );
  const differs = own
    .filter((c) => git.sends !== undefined && c.secret !== git.sends.secret)
    .map(
      (c) =>
        `git sends ${sendsKind === 'unknown' ? 'a credential' : `the ${sendsKind}`} from ${git.sends!.source}, not the ${gitKind(c)} in ${c.source.replace(/^(?:flag|env):/u, '')}.`,
    );
  const attempts: GitAttempt[] = [];
  const ask = async (
    service: GitService,
    as: GitAttempt['as'],
    auth?: {
      header: string;
      describe: string;
      secret: string;
      username?: string;
      kind?: CredentialKind;
      source?: string;
    },
  ): Promise<GitAttempt> => {
    const result = await ctx.http.request(
      infoRefsUrl(git.url, service),
      {
        label: `git-access: GET info/refs?service=${service} ${auth === undefined ? 'anonymously, as git asks first' : `with ${auth.describe}`}`,
        headers: {
          'git-protocol': 'version=2',
          ...(auth === undefined ? {} : { authorization: auth.header }),
        },
        ...(auth === undefined ? {} : { secretKey: fingerprint(auth.secret) }),
      },
      ctx.signal,
    );
    const attempt: GitAttempt = {
      service,
      as,
      describe: auth?.describe ?? 'no credentials',
      ...(auth?.username === undefined ? {} : { username: auth.username }),
      ...(auth?.kind === undefined ? {} : { kind: auth.kind }),
      ...(auth?.source === undefined ? {} : { source: auth.source }),
      exchange: result.exchange,
    };
    attempts.push(attempt);
    return attempt;
  };
  const basic = (secret: string, username: string, kind: CredentialKind, source?: string) => ({
    header: basicAuthorization(username, secret),
    describe: `Basic with ${username}`,
    secret,
    username,
    kind,
    ...(source === undefined ? {} : { source }),
  });
  const asSent =
    sends === undefined
      ? undefined
      : sends.header !== undefined
        ? {
            header: sends.header.value,
            describe: `${sends.header.value.split(/\s/u)[0] ?? ''} (http.extraHeader)`,
            secret: sends.secret,
            kind: sendsKind,
          }
        : basic(sends.secret, sends.username ?? '', sendsKind);
  for (const service of SERVICES(git.push)) {
    let failed: GitAttempt | undefined;
    if (asSent !== undefined && sends?.header !== undefined) {
      // http.extraHeader goes on every request, the first one included.
      failed = await ask(service, 'as-sent', asSent);
    } else {
      const anonymous = await ask(service, 'anonymous');
      if (anonymous.exchange.response?.status !== 401) {
        if (ok(anonymous)) continue;
        break;
      }
      if (asSent === undefined) failed = anonymous;
      else failed = await ask(service, 'as-sent', asSent);
    }
    if (ok(failed)) continue;
    const status = failed.exchange.response?.status;
    if (status !== 401 && status !== 410 && status !== 403) break;
    if (status === 403 && sends !== undefined) break;
    // One change: the username git accepts for this secret, else the doctor's own credential.
    const candidates = [
      ...(sends === undefined || (sendsCredential === undefined && !fetched) || status === 410
        ? []
        : gitUsernamesFor(
            sendsKind,
            ctx.input.username ?? (isEmail(sends.username) ? undefined : sends.username),
          )
            .filter((u) => u !== sends.username)
            .map((u) => basic(sends.secret, u, sendsKind))),
      ...own.flatMap((c) =>
        gitUsernamesFor(gitKind(c), ctx.input.username)
          .slice(0, 1)
          .map((u) => basic(c.secret, u, gitKind(c), c.source)),
      ),
    ].filter((c) => c.secret !== sends?.secret || c.username !== sends.username);
    for (const candidate of candidates.slice(0, 2)) {
      const fixed = await ask(service, 'corrected', candidate);
      if (ok(fixed)) break;
    }
    break;
  }
  return {
    url: git.url,
    from: git.from,
    push: git.push,
    ...(git.remoteName === undefined ? {} : { remoteName: git.remoteName }),
    ...(sends === undefined
      ? {}
      : {
          sends: {
            via: sends.via,
            source: sends.source,
            ...(sends.username === undefined ? {} : { username: sends.username }),
            kind: sendsKind,
          },
        }),
    helpers: git.helpers,
    notes: git.notes,
    attempts,
    differs,
  };
};

/**
 * A script's token fetch in git's URL (`x-token-auth:<step-1-output>@`) is stood in for by the
 * token the doctor got with the same consumer (token-fetch); null when it got none.
 */
const withStepToken = async (
  ctx: CheckContext,
  sends: GitSends | undefined,
): Promise<GitSends | undefined | null> => {
  if (sends?.secret.match(STEP_OUTPUT) == null) return sends;
  const token = (await fetchedToken(ctx))?.token;
  return token === undefined ? null : { ...sends, secret: token };
};
