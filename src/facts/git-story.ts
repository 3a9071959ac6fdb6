import type { Story } from '../diagnosis.js';
import { NO_VERDICT_CODES } from '../knowledge/findings.js';
import type { CheckContext, CheckReport, DoctorInput } from '../types.js';

/** The check that judges git itself; the REST checks judge the same credential for the API. */
const GIT_CHECK = 'git-access';

/**
 * For a git target, git's experiments come first: a REST check that sends git's secret waits for
 * git-access, so the failed-authentication budget of that secret (MAX_401_PER_SECRET) goes to the
 * requests git would make and their correction before REST's. No wait without a git target.
 */
export const afterGit = async (ctx: CheckContext): Promise<void> => {
  if (ctx.input.git !== undefined) await ctx.result(GIT_CHECK);
};

/** REST findings about the secret itself, which refuse it for git as well (bitbucket-auth.md §12.1). */
const NARROWS_GIT: ReadonlySet<string> = new Set([
  'API_TOKEN_UNSCOPED',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
]);

/** What REST says of the same credential, in one sentence (identity's verdict). */
const restLine = (input: DoctorInput, checks: readonly CheckReport[]): string => {
  // git's own output (explain) holds git's requests only: identity read git's answer, not REST's.
  if (input.offline?.git !== undefined) return '';
  const identity = checks.find((c) => c.id === 'identity');
  if (identity === undefined || identity.status === 'skip') return '';
  return identity.status === 'pass'
    ? ` REST: ${identity.summary}`
    : ` REST fails too: ${identity.summary}`;
};

/**
 * For a git target the verdict follows git (contract.md, "Git over HTTPS"): when git accepts the
 * credential as it would be sent, a REST-only problem with it is a warning, not a failure; when
 * git fails, git's cause comes first and the diagnosis says what REST makes of the same
 * credential ("works for REST with your email, for git with your username").
 */
export const followGit = (
  input: DoctorInput,
  checks: readonly CheckReport[],
): { checks: readonly CheckReport[]; story: Story } => {
  const git = checks.find((c) => c.id === GIT_CHECK);
  if (input.git?.transport !== 'http' || git === undefined || git.status === 'skip')
    return { checks, story: {} };
  if (git.status === 'pass') {
    return {
      checks: checks.map((c) =>
        c.status === 'fail' && c.code !== undefined && !NO_VERDICT_CODES.has(c.code)
          ? { ...c, status: 'warn', summary: `REST only (git gets in): ${c.summary}` }
          : c,
      ),
      story: {},
    };
  }
  // git could not narrow the refusal (every username refused); REST's experiments on the same
  // secret can (an unscoped classic token, an unknown or expired token fail for both, §12.1).
  const identity = checks.find((c) => c.id === 'identity');
  const narrowed =
    git.code === 'AUTH_REJECTED' &&
    identity?.status === 'fail' &&
    identity.code !== undefined &&
    NARROWS_GIT.has(identity.code);
  // Whether or not a REST finding follows, git's step is told the same way.
  const told = narrowed
    ? (failed: CheckReport): string =>
        failed.id === GIT_CHECK
          ? failed.summary
          : `${git.summary.replace(/\.$/u, '')}; REST tells why: ${failed.summary}`
    : (failed: CheckReport): string => `${failed.summary}${restLine(input, checks)}`;
  return {
    checks,
    story: {
      stepChecks: narrowed ? [GIT_CHECK, 'identity'] : [GIT_CHECK],
      tell: told,
      alone: told,
    },
  };
};
