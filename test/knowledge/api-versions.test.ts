import { describe, expect, it } from 'vitest';
import {
  DATA_CENTER_MAP,
  REMOVED_ENDPOINTS,
  V1_MAP,
  applyUrlEdit,
  classifyUrl,
  correctedUrl,
  dataCenterPath,
  isV1Path,
  removedEndpoint,
  v1Replacement,
} from '../../src/knowledge/api-versions.js';
import { splitUrlText } from '../../src/knowledge/paths.js';
import { DOCS } from '../../src/knowledge/docs.js';
import { FINDING_CODES } from '../../src/types.js';

describe('data', () => {
  it('every entry has a source and a confidence', () => {
    for (const entry of [...V1_MAP, ...REMOVED_ENDPOINTS, ...DATA_CENTER_MAP]) {
      expect(entry.source).toMatch(/^https:\/\//);
      expect(['H', 'M', 'L', 'U']).toContain(entry.confidence);
    }
  });
});

describe('v1Replacement', () => {
  it.each([
    // The seed story (§6, community 2017): v1 changesets on one branch → 2.0 commits/{revision}.
    [
      '/1.0/repositories/acme/secret-repo/changesets?branch=master',
      '/2.0/repositories/acme/secret-repo/commits/master',
    ],
    [
      'https://api.bitbucket.org/1.0/repositories/acme/secret-repo/changesets?branch=master&limit=5',
      '/2.0/repositories/acme/secret-repo/commits/master',
    ],
    [
      '/1.0/repositories/acme/secret-repo/changesets?branch=feature%2Flogin',
      '/2.0/repositories/acme/secret-repo/commits/feature%2Flogin',
    ],
    ['/1.0/repositories/acme/secret-repo/changesets', '/2.0/repositories/acme/secret-repo/commits'],
    [
      '/1.0/repositories/acme/secret-repo/changesets/',
      '/2.0/repositories/acme/secret-repo/commits',
    ],
    [
      '/1.0/repositories/acme/secret-repo/changesets/abc123',
      '/2.0/repositories/acme/secret-repo/commit/abc123',
    ],
    ['/1.0/user', '/2.0/user'],
    ['/1.0/user/', '/2.0/user'],
    ['/1.0/user/repositories', '/2.0/repositories/{workspace}?role=member'],
    // bitbucket.org/api/1.0/... (xuhdev/backup-on-the-go #4)
    ['/api/1.0/user/repositories', '/2.0/repositories/{workspace}?role=member'],
    [
      'https://bitbucket.org/api/1.0/user/repositories',
      '/2.0/repositories/{workspace}?role=member',
    ],
    // §6 [H]: "/2.0/users/{account_id or {uuid}}" (curl-lint's {account_id} won over {selected_user}).
    ['/1.0/users/jdoe', '/2.0/users/{account_id}'],
    ['/1.0/repositories/acme/secret-repo', '/2.0/repositories/acme/secret-repo'],
    [
      '/1.0/repositories/acme/secret-repo/branches',
      '/2.0/repositories/acme/secret-repo/refs/branches',
    ],
    ['/1.0/repositories/acme/secret-repo/branches-tags', '/2.0/repositories/acme/secret-repo/refs'],
    ['/1.0/repositories/acme/secret-repo/tags', '/2.0/repositories/acme/secret-repo/refs/tags'],
    [
      '/1.0/repositories/acme/secret-repo/raw/master/docs/readme.md',
      '/2.0/repositories/acme/secret-repo/src/master/docs/readme.md',
    ],
    [
      '/1.0/repositories/acme/secret-repo/src/abc/README',
      '/2.0/repositories/acme/secret-repo/src/abc/README',
    ],
    ['/1.0/repositories/acme/secret-repo/issues', '/2.0/repositories/acme/secret-repo/issues'],
    [
      '/1.0/repositories/acme/secret-repo/issues/12',
      '/2.0/repositories/acme/secret-repo/issues/12',
    ],
    [
      '/1.0/privileges/acme/secret-repo',
      '/2.0/workspaces/acme/permissions/repositories/secret-repo',
    ],
    ['/1.0/privileges/acme', '/2.0/workspaces/acme/permissions/repositories'],
    ['/api/1.0/oauth/access_token', '/site/oauth2/access_token'],
    [
      '/1.0/repositories/acme/secret-repo/pullrequests/3',
      '/2.0/repositories/acme/secret-repo/pullrequests/3',
    ],
  ] as const)('%s → %s', (v1, replacement) => {
    const found = v1Replacement(v1);
    expect(found).toMatchObject({ removed: true, replacement });
    expect(found?.source).toMatch(/^https:\/\//);
  });

  it('says where a replacement lives and which placeholders it could not fill', () => {
    expect(v1Replacement('/1.0/oauth/access_token')).toMatchObject({ on: 'auth', unresolved: [] });
    expect(v1Replacement('/1.0/user')).toMatchObject({ on: 'api', unresolved: [] });
    expect(v1Replacement('/1.0/user/repositories')?.unresolved).toEqual(['workspace']);
    expect(v1Replacement('/1.0/users/jdoe')?.unresolved).toEqual(['account_id']);
  });

  it('notes query parameters it cannot carry over (names only)', () => {
    const found = v1Replacement(
      '/1.0/repositories/acme/r/changesets?branch=master&limit=5&start=abc',
    );
    expect(found?.note).toMatch(/not carried over: limit, start/);
  });

  it.each([
    ['/1.0/groups'],
    ['/1.0/groups/acme/developers/members'],
    ['/1.0/group-privileges/acme'],
    ['/1.0/invitations/acme/secret-repo'],
    ['/1.0/users/jdoe/invitations'],
    ['/api/1.0/groups/acme'],
  ] as const)('%s is one of the kept 1.0 resources', (path) => {
    const found = v1Replacement(path);
    expect(found?.removed).toBe(false);
    expect(found?.note).toMatch(/Still served/);
  });

  it.each([
    ['/2.0/user'],
    ['/rest/api/1.0/projects'],
    ['/1.0/nothing-known'],
    ['/api/2.0/user'],
    [''],
  ])('%j has no v1 replacement', (path) => {
    expect(v1Replacement(path)).toBeUndefined();
  });

  it('isV1Path', () => {
    expect(isV1Path('/1.0/user')).toBe(true);
    expect(isV1Path('/api/1.0/user')).toBe(true);
    expect(isV1Path('/!api/1.0/user')).toBe(true);
    expect(isV1Path('/rest/api/1.0/projects')).toBe(false);
    expect(isV1Path('/2.0/user')).toBe(false);
    expect(isV1Path('/1.00/user')).toBe(false);
  });
});

describe('removedEndpoint', () => {
  it.each([
    ['GET', '/2.0/repositories', 'CHANGE-2770', '/2.0/repositories/{workspace}'],
    ['GET', '/2.0/repositories/', 'CHANGE-2770', '/2.0/repositories/{workspace}'],
    [
      'GET',
      '/2.0/repositories?role=member',
      'CHANGE-2770',
      '/2.0/repositories/{workspace}?role=member',
    ],
    ['GET', '/2.0/workspaces', 'CHANGE-2770', '/2.0/user/workspaces'],
    ['HEAD', '/2.0/workspaces?pagelen=100', 'CHANGE-2770', '/2.0/user/workspaces?pagelen=100'],
    ['GET', '/2.0/user/permissions/workspaces', 'CHANGE-2770', '/2.0/user/workspaces'],
    [
      'GET',
      '/2.0/user/permissions/repositories?q=x',
      'CHANGE-2770',
      '/2.0/repositories/{workspace}?role=member&q=x',
    ],
    ['GET', '/2.0/user/permissions/teams', 'CHANGE-2770', undefined],
    ['GET', '/2.0/teams', 'TEAMS-USERS-2020', '/2.0/user/workspaces'],
    ['GET', '/2.0/teams/acme', 'TEAMS-USERS-2020', '/2.0/workspaces/acme'],
    ['GET', '/2.0/teams/acme/members', 'TEAMS-USERS-2020', '/2.0/workspaces/acme/members'],
    ['GET', '/2.0/teams/acme/repositories', 'TEAMS-USERS-2020', '/2.0/repositories/acme'],
    ['GET', '/2.0/users/acme/repositories', 'TEAMS-USERS-2020', '/2.0/repositories/acme'],
    ['GET', '/2.0/users/acme/projects/', 'TEAMS-USERS-2020', '/2.0/workspaces/acme/projects'],
    ['GET', '/2.0/users/jdoe/followers', 'TEAMS-USERS-2020', undefined],
  ] as const)('%s %s → %s %s', (method, path, change, replacement) => {
    const found = removedEndpoint(method, path);
    expect(found?.change).toBe(change);
    expect(found?.replacement).toBe(replacement);
    expect(found?.announcementUrl).toBe(
      change === 'CHANGE-2770' ? DOCS.change2770 : DOCS.teamsDeprecation,
    );
  });

  it.each([
    ['GET', '/2.0/repositories/acme'],
    ['GET', '/2.0/repositories/acme/secret-repo'],
    ['GET', '/2.0/workspaces/acme'],
    ['GET', '/2.0/workspaces/acme/members'],
    ['GET', '/2.0/user/workspaces'],
    ['GET', '/2.0/user'],
    ['GET', '/2.0/users/%7Babc%7D'],
    ['POST', '/2.0/repositories'],
    ['GET', '/1.0/user'],
  ] as const)('%s %s is not removed', (method, path) => {
    expect(removedEndpoint(method, path)).toBeUndefined();
  });

  it('never echoes a secret from the query into the replacement', () => {
    expect(
      removedEndpoint('GET', '/2.0/workspaces?access_token=SECRET&pagelen=5')?.replacement,
    ).toBe('/2.0/user/workspaces?pagelen=5');
  });
});

describe('dataCenterPath', () => {
  it.each([
    ['/rest/api/1.0/projects/ACME/repos/secret-repo', '/2.0/repositories/{workspace}/secret-repo'],
    [
      '/rest/api/latest/projects/ACME/repos/secret-repo/',
      '/2.0/repositories/{workspace}/secret-repo',
    ],
    [
      '/rest/api/1.0/projects/ACME/repos/secret-repo/commits?until=master',
      '/2.0/repositories/{workspace}/secret-repo/commits',
    ],
    [
      '/rest/api/1.0/projects/ACME/repos/secret-repo/commits/abc123',
      '/2.0/repositories/{workspace}/secret-repo/commit/abc123',
    ],
    [
      '/rest/api/1.0/projects/ACME/repos/secret-repo/branches',
      '/2.0/repositories/{workspace}/secret-repo/refs/branches',
    ],
    [
      '/rest/api/1.0/projects/ACME/repos/secret-repo/tags',
      '/2.0/repositories/{workspace}/secret-repo/refs/tags',
    ],
    [
      '/rest/api/1.0/projects/ACME/repos/secret-repo/browse/docs/a.md?at=refs/heads/dev',
      '/2.0/repositories/{workspace}/secret-repo/src/dev/docs/a.md',
    ],
    [
      '/rest/api/1.0/projects/ACME/repos/secret-repo/raw/a.md',
      '/2.0/repositories/{workspace}/secret-repo/src/HEAD/a.md',
    ],
    [
      '/rest/api/1.0/projects/ACME/repos/secret-repo/pull-requests',
      '/2.0/repositories/{workspace}/secret-repo/pullrequests',
    ],
    [
      '/rest/api/1.0/projects/ACME/repos/secret-repo/pull-requests/4',
      '/2.0/repositories/{workspace}/secret-repo/pullrequests/4',
    ],
    ['/rest/api/1.0/projects/ACME', '/2.0/workspaces/{workspace}/projects/ACME'],
    ['/rest/api/1.0/projects', '/2.0/workspaces/{workspace}/projects'],
    ['/rest/api/1.0/repos', '/2.0/repositories/{workspace}'],
    [
      '/bitbucket/rest/api/1.0/projects/ACME/repos/secret-repo',
      '/2.0/repositories/{workspace}/secret-repo',
    ],
    [
      'https://bitbucket.org/rest/api/1.0/projects/ACME/repos/secret-repo',
      '/2.0/repositories/{workspace}/secret-repo',
    ],
    // §8: a context path may have several segments (curl-lint's answer won).
    ['/a/b/rest/api/1.0/projects', '/2.0/workspaces/{workspace}/projects'],
    [
      '/org/team/rest/api/1.0/projects/ACME/repos/web/commits',
      '/2.0/repositories/{workspace}/web/commits',
    ],
    // §9.17: Server-style projects/{KEY}/repos/{slug} without /rest/api (curl-lint's answer won).
    ['/projects/ACME/repos/web/commits', '/2.0/repositories/{workspace}/web/commits'],
  ] as const)('%s → %s', (path, cloud) => {
    expect(dataCenterPath(path)?.cloudEquivalent).toBe(cloud);
  });

  it('says that a project key is not a workspace', () => {
    expect(dataCenterPath('/rest/api/1.0/projects/ACME/repos/r')?.note).toMatch(
      /project key is not a Cloud workspace/,
    );
  });

  it.each([
    ['/rest/api/1.0/application-properties'],
    ['/rest/api/1.0/unknown/thing'],
    ['/rest/build-status/1.0/commits/abc'],
  ])('%s is a DC path without a Cloud equivalent', (path) => {
    const found = dataCenterPath(path);
    expect(found).toBeDefined();
    expect(found?.cloudEquivalent).toBeUndefined();
    expect(found?.note).toMatch(/Data Center/);
  });

  it.each([['/2.0/repositories/acme'], ['/1.0/user'], ['/rest'], ['/projects/ACME']])(
    '%s is not a DC path',
    (path) => {
      expect(dataCenterPath(path)).toBeUndefined();
    },
  );
});

describe('classifyUrl', () => {
  const codes = (url: string): string[] => classifyUrl(url).problems.map((problem) => problem.code);

  it.each([
    // Website host instead of api.bitbucket.org (§1.1, §9.17).
    [
      'https://bitbucket.org/2.0/repositories/acme/secret-repo',
      'cloud',
      'website',
      [['WRONG_HOST', 'https://api.bitbucket.org/2.0/repositories/acme/secret-repo']],
    ],
    [
      'https://bitbucket.org/!api/2.0/repositories/acme/secret-repo?pagelen=1',
      'cloud',
      'website',
      [['WRONG_HOST', 'https://api.bitbucket.org/2.0/repositories/acme/secret-repo?pagelen=1']],
    ],
    [
      'https://www.bitbucket.org/api/2.0/user',
      'cloud',
      'website',
      [['WRONG_HOST', 'https://api.bitbucket.org/2.0/user']],
    ],
    // The API host with API 1.0 (§6).
    [
      'https://api.bitbucket.org/1.0/repositories/acme/secret-repo/changesets?branch=master',
      'cloud',
      'api',
      [
        [
          'API_V1_REMOVED',
          'https://api.bitbucket.org/2.0/repositories/acme/secret-repo/commits/master',
        ],
      ],
    ],
    [
      'https://bitbucket.org/api/1.0/user/repositories',
      'cloud',
      'website',
      [['API_V1_REMOVED', 'https://api.bitbucket.org/2.0/repositories/{workspace}?role=member']],
    ],
    ['https://api.bitbucket.org/1.0/groups/acme', 'cloud', 'api', []],
    // Plain HTTP.
    [
      'http://api.bitbucket.org/2.0/user',
      'cloud',
      'api',
      [['INSECURE_HTTP', 'https://api.bitbucket.org/2.0/user']],
    ],
    // Loopback (the simulator): no INSECURE_HTTP, and a clean path has no problem at all.
    [
      'http://127.0.0.1:1234/2.0/repositories/acme/secret-repo/commits/master',
      'cloud',
      'other',
      [],
    ],
    ['http://localhost:8080/2.0/user', 'cloud', 'other', []],
    ['http://[::1]:8080/2.0/user', 'cloud', 'other', []],
    // Path problems are found on any host.
    [
      'http://127.0.0.1:1234/1.0/repositories/acme/secret-repo/changesets?branch=master',
      'cloud',
      'other',
      [
        [
          'API_V1_REMOVED',
          'http://127.0.0.1:1234/2.0/repositories/acme/secret-repo/commits/master',
        ],
      ],
    ],
    [
      'http://127.0.0.1:1234/2.0/repositories',
      'cloud',
      'other',
      [['ENDPOINT_REMOVED', 'http://127.0.0.1:1234/2.0/repositories/{workspace}']],
    ],
    [
      'https://api.bitbucket.org/2.0/workspaces',
      'cloud',
      'api',
      [['ENDPOINT_REMOVED', 'https://api.bitbucket.org/2.0/user/workspaces']],
    ],
    [
      'http://127.0.0.1:1234/!api/2.0/user',
      'cloud',
      'other',
      [['WRONG_HOST', 'http://127.0.0.1:1234/2.0/user']],
    ],
    // Secrets in the URL (§1.5: rejected from 2026-05-04); the replacement drops them.
    [
      'https://api.bitbucket.org/2.0/repositories/acme?access_token=SECRET123&pagelen=1',
      'cloud',
      'api',
      [['SECRET_IN_URL', 'https://api.bitbucket.org/2.0/repositories/acme?pagelen=1']],
    ],
    // Data Center paths (§6, §9.17): on Cloud and on any other host.
    [
      'https://api.bitbucket.org/rest/api/1.0/projects/ACME/repos/secret-repo/commits',
      'cloud',
      'api',
      [
        [
          'DATA_CENTER_PATH_ON_CLOUD',
          'https://api.bitbucket.org/2.0/repositories/{workspace}/secret-repo/commits',
        ],
      ],
    ],
    [
      'https://bitbucket.org/rest/api/1.0/projects/ACME/repos/secret-repo',
      'cloud',
      'website',
      [
        [
          'DATA_CENTER_PATH_ON_CLOUD',
          'https://api.bitbucket.org/2.0/repositories/{workspace}/secret-repo',
        ],
      ],
    ],
    // On a host that is not Cloud it is that Data Center's own API (§8; curl-lint's answer won).
    [
      'https://git.example.com/rest/api/1.0/projects/ACME/repos/secret-repo',
      'data-center',
      'other',
      [],
    ],
    // Unversioned path on the API host (§3.3: 403 Forbidden).
    [
      'https://api.bitbucket.org/user',
      'cloud',
      'api',
      [['WRONG_HOST', 'https://api.bitbucket.org/2.0/user']],
    ],
    // The token endpoint lives on bitbucket.org (§1.1).
    [
      'https://api.bitbucket.org/site/oauth2/access_token',
      'cloud',
      'api',
      [['WRONG_HOST', 'https://bitbucket.org/site/oauth2/access_token']],
    ],
    ['https://bitbucket.org/site/oauth2/access_token', 'cloud', 'website', []],
    ['https://api.bitbucket.org/2.0/repositories/acme/secret-repo', 'cloud', 'api', []],
    ['https://example.com/some/page', 'unknown', 'other', []],
  ] as const)('%s', (url, product, host, problems) => {
    const found = classifyUrl(url);
    expect(found.product).toBe(product);
    expect(found.host).toBe(host);
    expect(found.problems.map((problem) => [problem.code, problem.replacementUrl])).toEqual(
      problems,
    );
    for (const problem of found.problems) {
      expect(FINDING_CODES).toContain(problem.code);
      expect(problem.source).toMatch(/^https:\/\//);
    }
  });

  it('reports several problems in causal order and composes the fixes', () => {
    const found = classifyUrl(
      'http://bitbucket.org/!api/1.0/repositories/acme/r/changesets?branch=main&access_token=S3CR3T',
    );
    expect(found.problems.map((problem) => problem.code)).toEqual([
      'INSECURE_HTTP',
      'SECRET_IN_URL',
      'API_V1_REMOVED',
    ]);
    expect(found.correctedUrl).toBe(
      'https://api.bitbucket.org/2.0/repositories/acme/r/commits/main',
    );
  });

  it('fixes host and removed endpoint together', () => {
    const found = classifyUrl('http://bitbucket.org/!api/2.0/repositories?role=member');
    expect(found.problems.map((problem) => problem.code)).toEqual([
      'INSECURE_HTTP',
      'WRONG_HOST',
      'ENDPOINT_REMOVED',
    ]);
    // The concrete fixes are sent; the placeholder one is advice.
    expect(found.correctedUrl).toBe('https://api.bitbucket.org/2.0/repositories?role=member');
    expect(found.adviceUrl).toBe(
      'https://api.bitbucket.org/2.0/repositories/{workspace}?role=member',
    );
  });

  it('never repeats a secret in a summary or a replacement', () => {
    const found = classifyUrl(
      'http://jdoe:hunter2@api.bitbucket.org/2.0/repositories?access_token=S3CR3T&client_secret=XYZ',
    );
    const text = JSON.stringify(found);
    expect(text).not.toContain('S3CR3T');
    expect(text).not.toContain('XYZ');
    expect(text).not.toContain('hunter2');
    expect(found.problems.map((problem) => problem.code)).toEqual([
      'INSECURE_HTTP',
      'SECRET_IN_URL',
      'SECRET_IN_URL',
      'ENDPOINT_REMOVED',
    ]);
  });

  it('reports a secret query parameter other than access_token', () => {
    expect(codes('https://bitbucket.org/site/oauth2/access_token?client_secret=x')).toEqual([
      'SECRET_IN_URL',
    ]);
  });

  it('does not report INSECURE_HTTP for loopback hosts', () => {
    for (const url of [
      'http://127.0.0.1/2.0/user',
      'http://127.1.2.3:99/2.0/user',
      'http://localhost/2.0/user',
      'http://[::1]/2.0/user',
      'http://app.localhost/2.0/user',
    ]) {
      expect(codes(url)).toEqual([]);
    }
    expect(codes('http://10.0.0.5/2.0/user')).toEqual(['INSECURE_HTTP']);
  });

  it('does not flag /2.0/repositories/{workspace} or /2.0/workspaces/{workspace}', () => {
    expect(codes('https://api.bitbucket.org/2.0/repositories/acme')).toEqual([]);
    expect(codes('https://api.bitbucket.org/2.0/workspaces/acme')).toEqual([]);
  });

  it('never throws on garbage', () => {
    for (const url of ['', 'not a url', '::::', 'http://', '/2.0/user', 'https://%zz']) {
      expect(classifyUrl(url)).toMatchObject({ product: 'unknown', host: 'other', problems: [] });
    }
  });
});

describe('correctedUrl: the one corrected URL of a run', () => {
  it('applies every concrete fix to the URL as typed', () => {
    expect(
      correctedUrl('http://bitbucket.org/!api/2.0/repositories/{workspace}/r/src/main/a%20b.md/'),
    ).toBe('https://api.bitbucket.org/2.0/repositories/{workspace}/r/src/main/a%20b.md/');
    expect(correctedUrl('https://api.bitbucket.org/2.0/user?fields=~x')).toBe(
      'https://api.bitbucket.org/2.0/user?fields=~x',
    );
  });

  it('skips a fix that leaves a placeholder, keeping the concrete ones', () => {
    expect(correctedUrl('http://api.bitbucket.org/1.0/user/repositories')).toBe(
      'https://api.bitbucket.org/1.0/user/repositories',
    );
  });

  it('drops secrets from the URL (an access token moves to the header)', () => {
    expect(
      correctedUrl(
        'https://jdoe:pw@api.bitbucket.org/2.0/user?access_token=t&pagelen=1&refresh_token=r',
      ),
    ).toBe('https://api.bitbucket.org/2.0/user?pagelen=1');
  });

  it('counts the run hosts: --api-url for the API, --auth-url for OAuth', () => {
    const hosts = { apiUrl: 'http://127.0.0.1:9001', authUrl: 'http://localhost:9000' };
    expect(correctedUrl('http://127.0.0.1:9001/site/oauth2/access_token', hosts)).toBe(
      'http://localhost:9000/site/oauth2/access_token',
    );
    expect(correctedUrl('http://localhost:9000/1.0/user', hosts)).toBe(
      'http://127.0.0.1:9001/2.0/user',
    );
    expect(
      classifyUrl('http://127.0.0.1:9001/rest/api/1.0/projects', hosts).problems[0]?.code,
    ).toBe('DATA_CENTER_PATH_ON_CLOUD');
    expect(classifyUrl('http://127.0.0.1:9001/user', hosts).problems[0]?.kind).toBe(
      'unversioned-path',
    );
  });

  it('a host that answered like Cloud counts as Cloud (cloudHosts)', () => {
    const url = 'https://proxy.example.com/rest/api/1.0/projects';
    expect(classifyUrl(url).problems).toEqual([]);
    expect(classifyUrl(url, { cloudHosts: ['proxy.example.com'] }).problems[0]?.code).toBe(
      'DATA_CENTER_PATH_ON_CLOUD',
    );
  });

  it('applyUrlEdit changes only what the edit names', () => {
    const parts = splitUrlText('http://u:p@h:80/a?x=1&access_token=t#f');
    expect(applyUrlEdit(parts, { https: true })).toEqual({ ...parts, scheme: 'https' });
    expect(applyUrlEdit(parts, { dropParams: ['ACCESS_TOKEN'] }).query).toBe('x=1');
    expect(applyUrlEdit(parts, { target: '/b' })).toMatchObject({ path: '/b', fragment: 'f' });
    expect(applyUrlEdit(parts, { target: '/b' }).query).toBeUndefined();
    expect(applyUrlEdit(parts, { origin: { scheme: 'https', host: 'x' } })).toMatchObject({
      scheme: 'https',
      host: 'x',
      userinfo: 'u:p',
    });
    expect(applyUrlEdit(parts, { origin: { scheme: 'https', host: 'x' } }).port).toBeUndefined();
  });

  it('does not take /2.0/repositories// (an empty segment, §3.2) for the removed endpoint', () => {
    expect(removedEndpoint('GET', '/2.0/repositories//?role=member')).toBeUndefined();
    expect(removedEndpoint('GET', '/2.0/repositories/?role=member')?.change).toBe('CHANGE-2770');
  });
});
