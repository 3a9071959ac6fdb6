import { describeAuthorization } from '../../src/explain/capture.js';
import { gitSentHidden, isGitRedacted, withoutUserinfo } from '../../src/explain/git-output.js';
import { parseAuthorization } from '../../src/intake/credentials.js';
import type { GitService } from '../../src/knowledge/git.js';
import type { Capture, CheckContext, CredentialKind, Exchange } from '../../src/types.js';
import { gitKind } from './gather.js';
import type { GitAccessFacts, GitAttempt } from './judge.js';

/** The URL git was given carries `user:secret@` (SECRET_IN_URL: git kept it in the remote). */
const viaUrl = (url: string): boolean => {
  try {
    return new URL(url).password !== '';
  } catch {
    return false;
  }
};

/**
 * One captured ref advertisement as git sent it. git asks anonymously first and sends its
 * credential only after a 401 (gitprotocol-http(5); http.c), so a request without a header is git's
 * anonymous first request, except in git's stderr read back as one answer: a 403, a 410 or
 * "Authentication failed" there came after git had answered the challenge with a credential the
 * messages do not show (explain/git-output.ts `gitSentHidden`). A trace prints
 * the credential as `Basic <redacted>`, and names its username in `Server auth using Basic with user`.
 */
const attemptOf = (ctx: CheckContext, capture: Capture, exchange: Exchange): GitAttempt => {
  const service: GitService = exchange.request.url.includes('git-receive-pack')
    ? 'git-receive-pack'
    : 'git-upload-pack';
  const header = exchange.request.headers['authorization'];
  const status = exchange.response?.status ?? 0;
  const git = capture.git;
  if (header === undefined) {
    if (git === undefined || !gitSentHidden(git, status))
      return { service, as: 'anonymous', describe: 'no credentials', exchange };
    const username = git.username;
    return {
      service,
      as: 'as-sent',
      describe:
        username === undefined
          ? "git's credential (not shown in its messages)"
          : `Basic with ${username} (the secret not shown in git's messages)`,
      ...(username === undefined ? {} : { username }),
      exchange,
    };
  }
  if (isGitRedacted(header)) {
    const username = git?.username;
    return {
      service,
      as: 'as-sent',
      describe: `Basic with ${username ?? 'a username'} (the secret redacted by git)`,
      ...(username === undefined ? {} : { username }),
      exchange,
    };
  }
  const auth = describeAuthorization(header);
  // The credential of the run (a bb-doctor HAR's stand-in keeps its original's kind).
  const secret = parseAuthorization(header).basic?.secret;
  const known = ctx.input.credentials.find((c) => secret !== undefined && c.secret === secret);
  const kind = known === undefined ? auth.kind : gitKind(known);
  return {
    service,
    as: 'as-sent',
    describe: auth.describe,
    ...(auth.username === undefined ? {} : { username: auth.username }),
    ...(kind === undefined ? {} : { kind }),
    exchange,
  };
};

/**
 * git sends one credential per service; a later request of the same service with another one is
 * a replay with a correction (a bb-doctor HAR of a live git run: its proof).
 */
const withCorrections = (attempts: readonly GitAttempt[]): GitAttempt[] => {
  const first = new Map<GitService, string | undefined>();
  return attempts.map((a) => {
    const header = a.exchange.request.headers['authorization'];
    if (a.as !== 'as-sent' || header === undefined) return a;
    if (!first.has(a.service)) first.set(a.service, header);
    return first.get(a.service) === header ? a : { ...a, as: 'corrected' };
  });
};

/** explain: git's own answers in the capture (a trace, or git's stderr read back as one answer). */
export const fromCapture = (ctx: CheckContext, capture: Capture): GitAccessFacts => {
  const refs = capture.exchanges.filter((e) => e.request.url.includes('/info/refs?service=git-'));
  const empty = { helpers: [], notes: ctx.input.git?.notes ?? [], differs: [], captured: true };
  if (refs.length === 0) return { ...empty, attempts: [], skip: 'The capture has no git request.' };
  const attempts = withCorrections(refs.map((exchange) => attemptOf(ctx, capture, exchange)));
  const sent = attempts.find((a) => a.as === 'as-sent');
  const url =
    capture.git?.url ?? withoutUserinfo(refs[0]!.request.url.replace(/\/info\/refs\?.*$/u, ''));
  const kind: CredentialKind = sent?.kind ?? 'unknown';
  // Where git got it: the URL's userinfo when the request was made for one, else (a trace or
  // messages without it) a credential helper or a prompt, which the output does not name.
  const via = sent !== undefined && viaUrl(sent.exchange.request.url) ? 'url' : 'credential-helper';
  return {
    ...empty,
    url,
    from: ctx.input.git?.from ?? capture.file,
    push: capture.git?.push ?? attempts.some((a) => a.service === 'git-receive-pack'),
    ...(sent === undefined
      ? {}
      : {
          sends: {
            via,
            source: via === 'url' ? 'git:url' : 'git-credential',
            ...(sent.username === undefined ? {} : { username: sent.username }),
            kind,
          },
        }),
    attempts,
  };
};
