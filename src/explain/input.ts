/**
 * The input of `bb-doctor explain FILE`, built in one place for the command and its tests: the
 * capture (with stand-ins for a bb-doctor HAR's redacted credentials), the call that matters, the
 * credentials of every captured request, and, for a bb-doctor HAR, the run's own target.
 */
import { credentialsOfHeaders } from '../intake/input.js';
import { isCredentialHeader } from '../knowledge/wire.js';
import type { Redactor } from '../report/redactor.js';
import type {
  Capture,
  CapturedCredential,
  CapturedGit,
  CapturedTarget,
  Credential,
  Exchange,
  FailingRequest,
  GitTarget,
  GivenHeader,
} from '../types.js';
import { isGitRedacted } from './git-output.js';
import { failingRequestOf, mostImportantFailure } from './offline.js';
import type { ParsedCapture } from './parse.js';
import { withStandIns } from './stand-ins.js';

export interface ExplainPlan {
  readonly capture: Capture;
  readonly failingRequest?: FailingRequest | undefined;
  /** Distinct credential-bearing request headers of the capture, each once, in capture order. */
  readonly headers: readonly GivenHeader[];
  readonly standIns: ReadonlyMap<string, CapturedCredential>;
  /** A bb-doctor HAR's target: the run is explained as it was configured. */
  readonly configured: CapturedTarget;
  /** git's own output: the repository git talked to, as the run's git target. */
  readonly git?: GitTarget | undefined;
  /** The workspace and repository of that git target (its URL's last two segments). */
  readonly gitRepo?: { readonly workspace?: string; readonly repo?: string };
}

/**
 * The git target of git's own output. explain needs one because a run with a git target tells
 * its story by git (facts/git-story.ts `followGit`, doctor.ts): git-access's verdict comes first
 * and the REST checks (identity, scopes, …), which see only a git request, are said beside it.
 * Nothing is sent: `sends` stays empty (git-access reads what git sent from the capture itself,
 * checks/git-access/capture.ts), and the target only names the repository.
 */
const gitTargetOf = (git: CapturedGit | undefined, file: string): GitTarget | undefined => {
  if (git === undefined) return undefined;
  return {
    url: git.url,
    transport: 'http',
    push: git.push,
    from: git.readBack ? `git's messages in ${file}` : `git's trace in ${file}`,
    helpers: [],
    notes: git.readBack
      ? [
          "the answer was read back from git's messages (its status and remote: lines), not captured: run the command again with GIT_TRACE_CURL=1 for the whole exchange",
        ]
      : [],
  };
};

const repoOf = (url: string): { workspace?: string; repo?: string } => {
  try {
    const parts = new URL(url).pathname.split('/').filter((p) => p !== '');
    const [workspace, repo] = parts.slice(-2);
    return workspace === undefined || repo === undefined
      ? {}
      : { workspace, repo: repo.replace(/\.git$/u, '') };
  } catch {
    return {};
  }
};

/** Distinct credential-bearing request headers of a capture, each once. */
const capturedHeaders = (exchanges: readonly Exchange[], file: string): GivenHeader[] => {
  const seen = new Set<string>();
  const out: GivenHeader[] = [];
  exchanges.forEach((exchange, index) => {
    for (const [name, value] of Object.entries(exchange.request.headers)) {
      if (!isCredentialHeader(name) || /^(?:cookie|proxy-authorization)$/iu.test(name)) continue;
      // `Basic <redacted>` of a git trace carries no credential to judge.
      if (isGitRedacted(value)) continue;
      if (seen.has(`${name}:${value}`)) continue;
      seen.add(`${name}:${value}`);
      out.push({
        name: name === 'authorization' ? 'Authorization' : name,
        value,
        source: `capture:${file} #${index + 1}`,
      });
    }
  });
  return out;
};

/**
 * A capture that is no git output but holds git's ref advertisement (a bb-doctor HAR of a live
 * `--git-url` run, curl -v of info/refs): the repository it asked, so that its story follows git
 * as the live run's did.
 */
const gitOfRefs = (exchanges: readonly Exchange[]): CapturedGit | undefined => {
  const refs = exchanges.find((e) => e.request.url.includes('/info/refs?service=git-'));
  if (refs === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(refs.request.url.replace(/\/info\/refs\?.*$/u, ''));
  } catch {
    return undefined;
  }
  url.username = '';
  url.password = '';
  return {
    url: url.toString(),
    push: exchanges.some((e) => e.request.url.includes('/info/refs?service=git-receive-pack')),
    readBack: false,
    messages: [],
  };
};

export const planExplain = (
  parsed: ParsedCapture,
  file: string,
  redactor: Redactor,
): ExplainPlan => {
  const seen = parsed.git ?? gitOfRefs(parsed.exchanges);
  const original: Capture = {
    file,
    format: parsed.format,
    exchanges: parsed.exchanges,
    ...(parsed.credentials === undefined ? {} : { credentials: parsed.credentials }),
    ...(parsed.target === undefined ? {} : { target: parsed.target }),
    ...(seen === undefined ? {} : { git: seen }),
  };
  const { exchanges, byStandIn } = withStandIns(original, redactor);
  // The call that matters: a bb-doctor HAR names the run's own target, and its first exchange to
  // it is the call as the user sent it (the replays with corrections come after); any other
  // capture, the failing answer that comes first causally.
  const target = parsed.target?.url;
  const own =
    target === undefined
      ? undefined
      : exchanges.find((e) => e.request.url === target && e.response !== undefined);
  const failing = own ?? mostImportantFailure(exchanges);
  const request = failing === undefined ? undefined : failingRequestOf(failing, file);
  const git = gitTargetOf(seen, file);
  return {
    capture: { ...original, exchanges },
    ...(request === undefined
      ? {}
      : {
          failingRequest: {
            ...request,
            // git's placeholder is no header the checks could lint or replay.
            headers: request.headers.filter((h) => !isGitRedacted(h.value)),
          },
        }),
    git,
    ...(git === undefined ? {} : { gitRepo: repoOf(git.url) }),
    // The credentials of every captured request: a redirect may have dropped them from the
    // answer that matters, and that is a finding, not "no credentials".
    headers: capturedHeaders(exchanges, file),
    standIns: byStandIn,
    configured: parsed.target ?? {},
  };
};

/** A stand-in credential reports its original's kind, fingerprint and length. */
export const standInCredentials = (
  credentials: readonly Credential[],
  standIns: ReadonlyMap<string, CapturedCredential>,
): Credential[] =>
  credentials.map((credential) => {
    const original = standIns.get(credential.secret);
    return original === undefined
      ? credential
      : {
          ...credential,
          kind: original.kind,
          standsFor: { fingerprint: original.fingerprint, length: original.length },
        };
  });

/** The credentials explain reads from a plan (what buildInput makes of its headers). */
export const planCredentials = (plan: ExplainPlan): Credential[] =>
  standInCredentials(credentialsOfHeaders(plan.headers), plan.standIns);
