import type { Capture, CheckContext } from '../../src/types.js';
import { gitKind } from './gather.js';
import type { GitAccessFacts, GitAttempt } from './judge.js';
import type { GitService } from '../../src/knowledge/git.js';

/** explain: git's own answers in the capture (a trace, or git's stderr read back as one answer). */
export const fromCapture = (ctx: CheckContext, capture: Capture): GitAccessFacts => {
  const refs = capture.exchanges.filter((e) => e.request.url.includes('/info/refs?service=git-'));
  const empty = { helpers: [], notes: [], differs: [], captured: true };
  if (refs.length === 0) return { ...empty, attempts: [], skip: 'The capture has no git request.' };
  const attempts = refs.map((exchange, i): GitAttempt => {
    const service: GitService = exchange.request.url.includes('git-receive-pack')
      ? 'git-receive-pack'
      : 'git-upload-pack';
    const header = exchange.request.headers['authorization'];
    const as =
      header === undefined && (i === 0 || refs.length === 1) && exchange.response?.status !== 401
        ? 'as-sent'
        : header === undefined
          ? 'anonymous'
          : 'as-sent';
    return {
      service,
      as,
      describe: header === undefined ? "git's credential" : (header.split(/\s/u)[0] ?? ''),
      exchange,
    };
  });
  const push = attempts.some((a) => a.service === 'git-receive-pack');
  const url = refs[0]!.request.url.replace(/\/info\/refs\?.*$/u, '');
  const cred = ctx.input.credentials[0];
  return {
    ...empty,
    url,
    from: capture.file,
    push,
    ...(cred === undefined
      ? {}
      : {
          sends: {
            via: 'url',
            source: cred.source,
            ...(cred.username === undefined ? {} : { username: cred.username }),
            kind: gitKind(cred),
          },
        }),
    attempts,
  };
};
