import { diagnose } from '../../src/diagnosis.js';
import { buildReport, type Report } from '../../src/report/model.js';
import { Redactor } from '../../src/report/redactor.js';
import type { CheckReport } from '../../src/types.js';
import { cred, makeInput } from './context.js';

export const SAMPLE_TOKEN = 'ATCTT3xFfGN0sampleAccessToken0123456789';

/** A report with every verdict, the seed story's findings, and evidence with trace ids. */
export const sampleReport = (): Report => {
  const redactor = new Redactor();
  redactor.register(SAMPLE_TOKEN);
  const evidence = {
    label: 'header-casing: your header, as sent',
    request: {
      method: 'GET',
      url: 'https://api.bitbucket.org/2.0/repositories/acme/secret-repo/commits/master',
      headers: { authorization: `bearer ${SAMPLE_TOKEN}` },
    },
    response: {
      status: 404,
      headers: { 'content-type': 'application/json', 'x-b3-traceid': '5f0c1e2d3c4b5a69' },
      body: '{"type":"error","error":{"message":"You may not have access to this repository or it no longer exists in this workspace. If you think this repository exists and you have access, make sure you are authenticated."}}',
    },
    durationMs: 120,
    traceIds: { 'x-b3-traceid': '5f0c1e2d3c4b5a69' },
  };
  const checks: CheckReport[] = [
    {
      id: 'connectivity',
      title: 'The Bitbucket API can be reached',
      status: 'pass',
      summary: 'api.bitbucket.org answered 200 in 80 ms (Bitbucket Cloud).',
      durationMs: 80,
      evidence: [],
      data: {},
    },
    {
      id: 'header-casing',
      title: 'The Authorization header is well-formed',
      status: 'fail',
      code: 'HEADER_SCHEME_CASE',
      summary:
        'The header says "bearer"; Bitbucket only knows "Bearer" and ignored it: your call ran anonymous (404), the corrected one got 200.',
      durationMs: 130,
      remediation: {
        hint: 'Spell the scheme "Bearer" with a capital B (OAuth\'s token_type "bearer" is not the header scheme).',
        commands: [
          'curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" https://api.bitbucket.org/2.0/repositories/acme/secret-repo/commits/master',
        ],
        url: 'https://developer.atlassian.com/cloud/bitbucket/oauth-2',
      },
      evidence: [evidence],
      data: { scheme: 'bearer' },
    },
    {
      id: 'public-private-contrast',
      title: 'The authenticated view differs from the anonymous one',
      status: 'warn',
      code: 'CREDENTIALS_IGNORED',
      summary:
        'Authenticated and anonymous listings are identical (3 public repositories | no private ones).',
      durationMs: 90,
      remediation: {
        hint: 'Treat a 200 on the workspace listing as proof of nothing; fix the header first.',
      },
      evidence: [],
      data: {},
    },
    {
      id: 'token-fetch',
      title: 'An OAuth access token can be obtained',
      status: 'skip',
      summary: 'Skipped: no OAuth consumer (client id and secret) was given.',
      durationMs: 0,
      evidence: [],
      data: {},
    },
    {
      id: 'rate-limit',
      title: 'No answer was rate limited',
      status: 'error',
      summary: 'The check itself crashed; this is a bug in bb-doctor.',
      durationMs: 1,
      evidence: [],
      data: {},
      error: {
        message: "Cannot read properties of undefined (reading 'trim')",
        stack:
          "TypeError: Cannot read properties of undefined (reading 'trim')\n    at rate-limit.ts:1:1",
      },
    },
  ];
  const report = buildReport({
    input: makeInput({
      workspace: 'acme',
      repo: 'secret-repo',
      url: 'https://api.bitbucket.org/2.0/repositories/acme/secret-repo/commits/master',
      credentials: [
        cred('access-token', SAMPLE_TOKEN, { source: 'header:Authorization (flag:--header)' }),
      ],
      warnings: [
        "A secret was given as a flag (--header): flags end up in shell history and in 'ps'. Prefer the environment variables.",
      ],
    }),
    checks,
    diagnosis: diagnose(checks),
    version: '0.1.0',
    startedAt: new Date('2026-11-28T12:00:00.000Z'),
    finishedAt: new Date('2026-11-28T12:00:00.812Z'),
    requests: 4,
    environment: {
      bbDoctor: '0.1.0',
      node: 'v20.20.2',
      os: 'Linux 6.1 (linux/x64)',
      proxy: null,
      ci: false,
    },
    mode: 'live',
  });
  return redactor.redactDeep(report);
};
