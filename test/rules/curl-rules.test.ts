import { describe, expect, it } from 'vitest';
import { parseCurl, splitCommandLine } from '../../src/intake/curl.js';
import {
  correctCurl,
  CURL_RULES,
  lintCurl,
  type CurlLintOptions,
  type CurlLintSeverity,
} from '../../src/rules/curl/index.js';

const API = 'https://api.bitbucket.org';
const USER = `${API}/2.0/user`;
const API_TOKEN = 'ATATT3xFfGF0T9k2mQx7Lp4Rz8Vb1Nc6Hd3Js5Kf0Wg2Ye9Ua4Ti7Oq1Pr6Es3Dw8=7C3A9B2D';
const TOKEN_ENDPOINT = 'https://bitbucket.org/site/oauth2/access_token';
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const CONNECT_JWT = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from('{"iss":"app","qsh":"abc"}').toString('base64url')}.c2ln`;

/** One invalid case of a rule: the command, and what the rule's own fix makes of it. */
interface Invalid {
  readonly command: string;
  readonly options?: CurlLintOptions;
  /** argv of the command with only this rule's fixes applied; undefined: not fixable. */
  readonly output?: string | undefined;
  readonly severity?: CurlLintSeverity;
  readonly data?: Readonly<Record<string, unknown>>;
}

/**
 * RuleTester for the curl rules (ESLint's, as data): each rule must find nothing in its `valid`
 * commands, and in each `invalid` one find a lint that its own fix turns into `output`.
 */
const TABLE: Record<string, { valid: readonly string[]; invalid: readonly Invalid[] }> = {
  'unexpanded-reference': {
    valid: [`curl -H "Authorization: Bearer abc" ${USER}`],
    invalid: [
      { command: `curl -H 'Authorization: Bearer $TOKEN' ${USER}`, data: { variable: 'TOKEN' } },
      // A credential header is a credential position (knowledge's isCredentialHeader).
      { command: `curl -H 'X-Auth-Token: $T' ${USER}`, severity: 'fail' },
      { command: `curl -H 'X-Trace: $T' ${USER}`, severity: 'warn' },
    ],
  },
  'header-no-colon': {
    valid: [`curl -H 'Authorization: Bearer abc' ${USER}`],
    invalid: [
      {
        command: `curl -H 'Authorization Bearer abc' ${USER}`,
        output: `curl -H Authorization: Bearer abc ${USER}`,
      },
    ],
  },
  'header-empty': {
    valid: [`curl -H 'Authorization: Bearer abc' ${USER}`],
    invalid: [{ command: `curl -H 'Authorization:' ${USER}` }],
  },
  'header-no-credentials': {
    valid: [`curl -H 'Authorization: Basic ${b64('a@b.c:pw')}' ${USER}`],
    invalid: [
      { command: `curl -H 'Authorization: Bearer' ${USER}` },
      { command: `curl -H 'Authorization: Bearer ' ${USER}` },
    ],
  },
  'header-no-scheme': {
    valid: [`curl -H 'Authorization: Bearer abc' ${USER}`],
    invalid: [
      {
        command: `curl -H 'Authorization: abc' ${USER}`,
        output: `curl -H Authorization: Bearer abc ${USER}`,
      },
      // An API token is not a Bearer token (§5.3): no mechanical fix.
      { command: `curl -H 'Authorization: ${API_TOKEN}' ${USER}`, output: undefined },
    ],
  },
  'header-scheme-colon': {
    valid: [`curl -H 'Authorization: Bearer abc' ${USER}`],
    invalid: [
      {
        command: `curl -H 'Authorization: Bearer: abc' ${USER}`,
        output: `curl -H Authorization: Bearer abc ${USER}`,
      },
      {
        command: `curl -H 'Authorization: Bearer:abc' ${USER}`,
        output: `curl -H Authorization: Bearer abc ${USER}`,
      },
    ],
  },
  'header-scheme-case': {
    valid: [
      `curl -H 'Authorization: Bearer abc' ${USER}`,
      `curl -H 'Authorization: JWT ${CONNECT_JWT}' ${USER}`,
    ],
    invalid: [
      {
        command: `curl -H 'Authorization: bearer abc' ${USER}`,
        output: `curl -H Authorization: Bearer abc ${USER}`,
        data: { scheme: 'bearer', expected: 'Bearer' },
      },
      {
        command: `curl -H 'Authorization: BASIC ${b64('a@b.c:pw')}' ${USER}`,
        output: `curl -H Authorization: Basic ${b64('a@b.c:pw')} ${USER}`,
      },
      {
        command: `curl -H 'Authorization: jwt ${CONNECT_JWT}' ${USER}`,
        output: `curl -H Authorization: JWT ${CONNECT_JWT} ${USER}`,
      },
    ],
  },
  'header-scheme-unknown': {
    valid: [`curl -H 'Authorization: Bearer abc' ${USER}`],
    invalid: [
      {
        command: `curl -H 'Authorization: token abc' ${USER}`,
        output: `curl -H Authorization: Bearer abc ${USER}`,
      },
      { command: `curl -H 'Authorization: OAuth abc' ${USER}`, output: undefined },
      { command: `curl -H 'Authorization: token ${API_TOKEN}' ${USER}`, output: undefined },
    ],
  },
  'header-scheme-unsupported': {
    valid: [`curl -H 'Authorization: Basic ${b64('a@b.c:pw')}' ${USER}`],
    invalid: [{ command: `curl -H 'Authorization: Digest username=x' ${USER}`, output: undefined }],
  },
  'header-jwt-outside-connect': {
    valid: [
      `curl -H 'Authorization: JWT ${CONNECT_JWT}' ${USER}`,
      `curl -H 'Authorization: JWT abc' -d grant_type=urn:bitbucket:oauth2:jwt ${TOKEN_ENDPOINT}`,
    ],
    invalid: [
      {
        command: `curl -H 'Authorization: JWT abc' ${USER}`,
        output: `curl -H Authorization: Bearer abc ${USER}`,
      },
    ],
  },
  'header-spacing': {
    valid: [`curl -H 'Authorization: Bearer abc' ${USER}`],
    invalid: [
      {
        command: `curl -H 'Authorization: Bearer  abc' ${USER}`,
        output: `curl -H Authorization: Bearer abc ${USER}`,
      },
      {
        command: `curl -H $'Authorization: Bearer\\tabc' ${USER}`,
        output: `curl -H Authorization: Bearer abc ${USER}`,
      },
    ],
  },
  'header-secret-whitespace': {
    valid: [`curl -H 'Authorization: Bearer abc' ${USER}`],
    invalid: [
      {
        command: `curl -H 'Authorization: Bearer "abc"' ${USER}`,
        output: `curl -H Authorization: Bearer abc ${USER}`,
      },
    ],
  },
  'header-credentials-whitespace': {
    valid: [`curl -H 'Authorization: Bearer $(cat token file)' ${USER}`],
    invalid: [{ command: `curl -H 'Authorization: Bearer abc def' ${USER}`, output: undefined }],
  },
  'header-basic-not-encoded': {
    valid: [`curl -H 'Authorization: Basic ${b64('jdoe:pw')}' ${USER}`],
    invalid: [
      {
        command: `curl -H 'Authorization: Basic jdoe:pw' ${USER}`,
        output: `curl -H Authorization: Basic ${b64('jdoe:pw')} ${USER}`,
      },
    ],
  },
  'header-basic-not-base64': {
    valid: [`curl -H 'Authorization: Basic $B64' ${USER}`],
    invalid: [{ command: `curl -H 'Authorization: Basic notbase64!!' ${USER}`, output: undefined }],
  },
  'secret-whitespace': {
    valid: [`curl -u jdoe:pw ${USER}`],
    invalid: [
      {
        command: `curl -u 'jdoe:"pw"' ${USER}`,
        output: `curl -u jdoe:pw ${USER}`,
        data: { position: '-u' },
      },
      {
        command: `curl --oauth2-bearer ' abc' ${USER}`,
        output: `curl --oauth2-bearer abc ${USER}`,
      },
    ],
  },
  'api-token-needs-email': {
    valid: [
      `curl -u a@b.c:${API_TOKEN} ${USER}`,
      `curl -u jdoe:${API_TOKEN} -d grant_type=client_credentials ${TOKEN_ENDPOINT}`,
    ],
    invalid: [
      { command: `curl -u jdoe:${API_TOKEN} ${USER}`, data: { position: '-u', username: 'jdoe' } },
      {
        command: `curl -H 'Authorization: Basic ${b64(`jdoe:${API_TOKEN}`)}' ${USER}`,
        data: { position: 'The Basic header' },
      },
    ],
  },
  'access-token-as-basic': {
    valid: [`curl -u jdoe:pw ${USER}`],
    invalid: [
      { command: `curl -u x-token-auth:abc ${USER}` },
      { command: `curl -H 'Authorization: Basic ${b64('x-token-auth:abc')}' ${USER}` },
    ],
  },
  'api-token-as-bearer': {
    valid: [`curl -H 'Authorization: Bearer abc' ${USER}`],
    invalid: [
      { command: `curl -H 'Authorization: Bearer ${API_TOKEN}' ${USER}` },
      { command: `curl --oauth2-bearer ${API_TOKEN} ${USER}` },
    ],
  },
  'insecure-http': {
    valid: [`curl http://127.0.0.1:4000/2.0/user`, `curl ${USER}`],
    invalid: [
      { command: 'curl http://api.bitbucket.org/2.0/user', output: `curl ${USER}` },
      { command: 'curl api.bitbucket.org/2.0/user', output: `curl ${USER}` },
    ],
  },
  'secret-in-userinfo': {
    valid: [`curl -u jdoe:pw ${USER}`],
    invalid: [
      {
        command: 'curl https://jdoe:pw@api.bitbucket.org/2.0/user',
        output: `curl -u jdoe:pw ${USER}`,
        severity: 'fail',
      },
      // The documented x-token-auth form is a warning (contract.md, SECRET_IN_URL).
      {
        command: 'curl https://x-token-auth:abc@api.bitbucket.org/2.0/user',
        severity: 'warn',
        output: `curl -u x-token-auth:abc ${USER}`,
      },
    ],
  },
  'secret-in-query': {
    valid: [`curl '${USER}?pagelen=5'`],
    invalid: [
      {
        command: `curl '${USER}?access_token=abc&pagelen=5'`,
        output: `curl -H Authorization: Bearer abc ${USER}?pagelen=5`,
      },
      {
        command: `curl '${USER}?client_secret=abc'`,
        output: `curl ${USER}`,
        data: { params: ['client_secret'] },
      },
    ],
  },
  'website-host': {
    valid: [`curl ${USER}`],
    invalid: [
      { command: 'curl https://bitbucket.org/2.0/user', output: `curl ${USER}` },
      {
        command: 'curl http://localhost:9000/2.0/user',
        options: { apiUrl: 'http://127.0.0.1:9001', authUrl: 'http://localhost:9000' },
        output: 'curl http://127.0.0.1:9001/2.0/user',
      },
    ],
  },
  'website-prefix': {
    valid: [`curl ${USER}`],
    invalid: [
      { command: `curl ${API}/!api/2.0/user`, output: `curl ${USER}` },
      { command: `curl ${API}/api/2.0/user`, output: `curl ${USER}` },
    ],
  },
  'oauth-on-api-host': {
    valid: [`curl -u a:b -d grant_type=client_credentials ${TOKEN_ENDPOINT}`],
    invalid: [
      {
        command: `curl -u a:b -d grant_type=client_credentials ${API}/site/oauth2/access_token`,
        output: `curl -u a:b -d grant_type=client_credentials ${TOKEN_ENDPOINT}`,
      },
    ],
  },
  'unversioned-path': {
    valid: [`curl ${USER}`],
    invalid: [{ command: `curl ${API}/user`, output: `curl ${USER}` }],
  },
  'api-v1-removed': {
    valid: [`curl ${API}/1.0/groups/acme`],
    invalid: [
      {
        command: `curl '${API}/1.0/repositories/acme/r/changesets?branch=master'`,
        output: `curl ${API}/2.0/repositories/acme/r/commits/master`,
      },
      // A replacement with a placeholder is advice, not a fix.
      {
        command: `curl ${API}/1.0/user/repositories`,
        output: undefined,
        data: { replacement: `${API}/2.0/repositories/{workspace}?role=member` },
      },
    ],
  },
  'endpoint-removed': {
    valid: [`curl ${API}/2.0/workspaces/acme`],
    invalid: [
      { command: `curl ${API}/2.0/workspaces`, output: `curl ${API}/2.0/user/workspaces` },
      { command: `curl ${API}/2.0/repositories`, output: undefined },
    ],
  },
  'data-center-path': {
    valid: ['curl https://git.example.com/rest/api/1.0/projects/ACME/repos/web'],
    invalid: [
      {
        command: `curl ${API}/rest/api/1.0/projects/ACME/repos/web`,
        output: undefined,
        data: { replacement: `${API}/2.0/repositories/{workspace}/web` },
      },
    ],
  },
  'access-token-in-body': {
    valid: [`curl -d pagelen=5 ${USER}`],
    invalid: [
      {
        command: `curl -d access_token=abc ${USER}`,
        output: `curl -H Authorization: Bearer abc ${USER}`,
        data: { location: 'body' },
      },
      {
        command: `curl -G -d access_token=abc ${USER}`,
        output: `curl -G -H Authorization: Bearer abc ${USER}`,
        data: { location: 'query' },
      },
    ],
  },
  'password-grant': {
    valid: [`curl -u a:b -d grant_type=client_credentials ${TOKEN_ENDPOINT}`],
    invalid: [
      {
        command: `curl -u a:b -d grant_type=password -d username=u -d password=p ${TOKEN_ENDPOINT}`,
      },
    ],
  },
  'consumer-not-basic': {
    valid: [`curl -u a:b -d grant_type=client_credentials ${TOKEN_ENDPOINT}`],
    invalid: [
      {
        command: `curl -d grant_type=client_credentials -d client_id=K -d client_secret=S ${TOKEN_ENDPOINT}`,
        output: `curl -u K:S -d grant_type=client_credentials ${TOKEN_ENDPOINT}`,
      },
      {
        command: `curl -H 'Authorization: Bearer abc' -d grant_type=client_credentials ${TOKEN_ENDPOINT}`,
        output: undefined,
      },
    ],
  },
  'write-method-not-replayed': {
    valid: [`curl ${USER}`, `curl -I ${USER}`],
    invalid: [{ command: `curl -X DELETE ${API}/2.0/repositories/acme/r`, severity: 'note' }],
  },
};

const parse = (command: string) => parseCurl(splitCommandLine(command));

describe('the curl rule table', () => {
  it('has a unique id per rule and a tester entry for every rule', () => {
    const ids = CURL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.keys(TABLE).sort()).toEqual([...ids].sort());
  });

  for (const rule of CURL_RULES) {
    const cases = TABLE[rule.id];
    if (cases === undefined) continue;
    describe(rule.id, () => {
      it.each(cases.valid)('valid: %s', (command) => {
        expect(lintCurl(parse(command)).filter((l) => l.rule === rule.id)).toEqual([]);
      });
      it.each(cases.invalid)('invalid: $command', (c) => {
        const parsed = parse(c.command);
        const lints = lintCurl(parsed, c.options).filter((l) => l.rule === rule.id);
        expect(
          lints.length,
          JSON.stringify(lintCurl(parsed, c.options).map((l) => l.rule)),
        ).toBeGreaterThan(0);
        const [lint] = lints;
        expect(lint?.code).toBe(rule.code);
        expect(lint?.severity).toBe(c.severity ?? rule.severity);
        expect(lint?.message).toMatch(/^[A-Z-].*[.)]$/su);
        if (c.data !== undefined) expect(lint?.data).toMatchObject(c.data);
        if ('output' in c) {
          expect(lint?.fixable).toBe(c.output !== undefined);
          if (c.output !== undefined)
            expect(correctCurl(parsed, lints).argv.join(' ')).toBe(c.output);
        }
        // A rule's fix never changes its input.
        const copy = structuredClone(parsed);
        correctCurl(parsed, lints);
        expect(parsed).toEqual(copy);
      });
    });
  }
});
