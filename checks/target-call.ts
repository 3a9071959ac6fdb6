import { workingAuth } from '../src/facts/auth.js';
import { correctedCurlCommand } from '../src/facts/curl-fix.js';
import { correctedTargetUrl, replayAsSent, sendCorrected } from '../src/facts/target.js';
import { classifyUrl } from '../src/knowledge/api-versions.js';
import { answerProblem } from '../src/facts/network.js';
import { DATA_CENTER_SKIP, onDataCenter } from '../src/facts/requests.js';
import { DOCS } from '../src/knowledge/docs.js';
import { matchSignatures } from '../src/knowledge/signatures.js';
import { defineCheck } from '../src/types.js';

const curlFor = (method: string, url: string, describe: string): string => {
  const auth = describe.startsWith('Basic')
    ? `-u "${describe.includes('@') ? '$BITBUCKET_EMAIL' : '$BITBUCKET_USERNAME'}:$BITBUCKET_API_TOKEN"`
    : '-H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN"';
  return `curl ${method === 'GET' ? '' : `-X ${method} `}${auth} '${url}'`;
};

export default defineCheck({
  meta: {
    id: 'target-call',
    title: 'The failing call works once corrected',
    description:
      'Replays your call as you sent it, then with every fix the other checks found, and says whether the fix works.',
    codes: ['REPO_NOT_FOUND_OR_NO_ACCESS'],
    needs: ['network', 'target-url', 'reads:connectivity', 'reads:token-fetch', 'reads:identity'],
  },
  async run(ctx) {
    const request = ctx.input.failingRequest!;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return {
        verdict: 'skip',
        summary: `Skipped: your call is a ${request.method}; bb-doctor only replays read-only requests.`,
      };
    }
    // A path with no automatic replacement (a Data Center path, say) is api-version's finding:
    // sending it again with other credentials proves nothing.
    const unfixablePath =
      correctedTargetUrl(ctx) === request.url && classifyUrl(request.url).problems.length > 0;
    // Both calls at once; the other checks' verdicts are only needed to read the answers.
    const [original, corrected] = await Promise.all([
      replayAsSent(ctx)!,
      unfixablePath ? Promise.resolve(undefined) : sendCorrected(ctx),
    ]);
    const net = answerProblem(original);
    if (net !== undefined)
      return {
        verdict: 'fail',
        code: net.code,
        summary: `Replaying your call: ${net.summary}`,
        remediation: net.remediation,
      };
    if (unfixablePath) {
      return {
        verdict: 'skip',
        summary: `Your call answered ${original.status ?? 'nothing'}; the path itself is the problem and has no automatic replacement (see api-version).`,
        data: { statusAsSent: original.status },
      };
    }
    if (
      original.status !== undefined &&
      original.status < 300 &&
      (corrected === undefined || corrected.url === request.url)
    ) {
      return {
        verdict: 'pass',
        summary: `Your call works as sent (${original.status}).`,
        data: { statusAsSent: original.status, fixVerified: true },
      };
    }
    if (corrected === undefined) {
      return {
        verdict: 'skip',
        summary: `Your call answered ${original.status ?? 'nothing'}; there is no credential to build a corrected call with.`,
        data: { statusAsSent: original.status },
      };
    }
    const identity = await ctx.result('identity');
    if (await onDataCenter(ctx))
      return {
        verdict: 'skip',
        summary: DATA_CENTER_SKIP,
        data: { statusAsSent: original.status },
      };
    // The corrected call went out at once with the credential sent the right way by its kind; when
    // identity proved another way works (Bearer for a token sent as Basic, the email for the
    // username), and the first try failed, the call is sent once more that way.
    const working = await workingAuth(ctx);
    let fixed = corrected.result;
    let auth = corrected.auth;
    if (
      (fixed.status === undefined || fixed.status >= 300) &&
      working !== undefined &&
      working.header !== auth.header
    ) {
      auth = working;
      fixed = await ctx.http.request(
        corrected.url,
        {
          method: request.method,
          label: `the corrected call (${working.describe})`,
          headers: { authorization: working.header },
          secretKey: working.secretKey,
        },
        ctx.signal,
      );
    }
    const command =
      correctedCurlCommand(ctx.input, corrected.url, auth) ??
      curlFor(request.method, corrected.url, auth.describe);
    const data = {
      statusAsSent: original.status,
      statusCorrected: fixed.status,
      correctedUrl: corrected.url,
      correctedCommand: command,
    };
    if (fixed.status !== undefined && fixed.status < 300) {
      return {
        verdict: 'pass',
        summary: `Fix verified: your call answered ${original.status ?? '?'}, the corrected call (${auth.describe}) answered ${fixed.status}.`,
        data: { ...data, fixVerified: true },
      };
    }
    const signatures = matchSignatures({
      status: fixed.status ?? 0,
      headers: fixed.exchange.response?.headers ?? {},
      body: fixed.body,
    });
    const identityPassed =
      ['pass', 'warn'].includes(identity?.status ?? '') ||
      (identity?.status === 'fail' && identity.data['fixVerified'] === true);
    if (
      fixed.status === 404 &&
      identityPassed &&
      !signatures.some((s) => s.code === 'API_V1_REMOVED' || s.code === 'ENDPOINT_REMOVED')
    ) {
      const repo =
        ctx.input.repo === undefined
          ? 'the resource'
          : `${ctx.input.workspace ?? '?'}/${ctx.input.repo}`;
      return {
        verdict: 'fail',
        code: 'REPO_NOT_FOUND_OR_NO_ACCESS',
        summary: `Even with working credentials ${repo} answers 404: it does not exist (check the slug and workspace, case matters) or this account may not see it.`,
        remediation: {
          hint: `Check the workspace and repository slug in the URL, then ask a workspace admin to give your account (or the access token) read access to ${repo}.`,
          commands: [
            `curl -u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" '${ctx.input.apiUrl}/2.0/repositories/${ctx.input.workspace ?? '{workspace}'}?role=member&pagelen=100'`,
          ],
          url: DOCS.restIntro,
        },
        data: { ...data, fixVerified: false },
      };
    }
    return {
      verdict: 'skip',
      summary: `The corrected call still answered ${fixed.status ?? 'nothing'}${signatures[0] === undefined ? '' : ` (${signatures[0].code})`}: see the findings above.`,
      data: { ...data, fixVerified: false },
    };
  },
});
