import { describe, expect, it } from 'vitest';
import { ENDPOINT_SCOPES, requiredScopes } from '../../src/knowledge/endpoints.js';
import { vocabularyOf } from '../../src/knowledge/scopes.js';

const REPO = '/2.0/repositories/{workspace}/{repo_slug}';

describe('ENDPOINT_SCOPES data', () => {
  it('names known scopes of the right vocabulary, with a source', () => {
    for (const entry of ENDPOINT_SCOPES) {
      expect(entry.template).toMatch(/^\/2\.0\//);
      for (const scope of entry.legacy) expect(vocabularyOf(scope), entry.template).toBe('legacy');
      for (const scope of entry.granular)
        expect(vocabularyOf(scope), entry.template).toBe('granular');
      expect(entry.source).toMatch(/^https:\/\//);
      expect(['H', 'M', 'L', 'U']).toContain(entry.confidence);
    }
  });

  it('has no duplicate method + template', () => {
    const keys = ENDPOINT_SCOPES.flatMap((entry) =>
      entry.methods.map((method) => `${method} ${entry.template}`),
    );
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('requiredScopes', () => {
  it.each([
    // User
    ['GET', '/2.0/user', '/2.0/user', ['account'], ['read:user:bitbucket']],
    ['GET', '/2.0/user/', '/2.0/user', ['account'], ['read:user:bitbucket']],
    ['HEAD', '/2.0/user?fields=uuid', '/2.0/user', ['account'], ['read:user:bitbucket']],
    ['GET', '/2.0/user/emails', '/2.0/user/emails', ['email'], ['read:user:bitbucket']],
    // Workspaces
    [
      'GET',
      '/2.0/user/workspaces?pagelen=100',
      '/2.0/user/workspaces',
      ['team'],
      ['read:workspace:bitbucket'],
    ],
    [
      'GET',
      '/2.0/workspaces/acme',
      '/2.0/workspaces/{workspace}',
      ['team'],
      ['read:workspace:bitbucket'],
    ],
    [
      'GET',
      '/2.0/workspaces/acme/members/',
      '/2.0/workspaces/{workspace}/members',
      ['team'],
      ['read:workspace:bitbucket'],
    ],
    [
      'GET',
      '/2.0/workspaces/acme/permissions',
      '/2.0/workspaces/{workspace}/permissions',
      ['team'],
      ['read:workspace:bitbucket'],
    ],
    [
      'GET',
      '/2.0/workspaces/acme/permissions/repositories/secret-repo',
      '/2.0/workspaces/{workspace}/permissions/repositories/{repo_slug}',
      ['team'],
      ['read:workspace:bitbucket'],
    ],
    // Repositories
    [
      'GET',
      '/2.0/repositories/acme?pagelen=1',
      '/2.0/repositories/{workspace}',
      ['repository'],
      ['read:repository:bitbucket'],
    ],
    [
      'GET',
      '/2.0/repositories/acme/secret-repo',
      REPO,
      ['repository'],
      ['read:repository:bitbucket'],
    ],
    [
      'GET',
      '/2.0/repositories/%7B1234%7D/secret-repo/',
      REPO,
      ['repository'],
      ['read:repository:bitbucket'],
    ],
    [
      'GET',
      '/2.0/repositories/acme/secret-repo/commits',
      `${REPO}/commits`,
      ['repository'],
      ['read:repository:bitbucket'],
    ],
    [
      'GET',
      '/2.0/repositories/acme/secret-repo/commits/master?pagelen=5',
      `${REPO}/commits/{revision}`,
      ['repository'],
      ['read:repository:bitbucket'],
    ],
    [
      'GET',
      '/2.0/repositories/acme/secret-repo/commit/abc123',
      `${REPO}/commit/{commit}`,
      ['repository'],
      ['read:repository:bitbucket'],
    ],
    [
      'GET',
      '/2.0/repositories/acme/secret-repo/src',
      `${REPO}/src`,
      ['repository'],
      ['read:repository:bitbucket'],
    ],
    [
      'GET',
      '/2.0/repositories/acme/secret-repo/src/HEAD/default.json',
      `${REPO}/src/{commit}/{path*}`,
      ['repository'],
      ['read:repository:bitbucket'],
    ],
    [
      'GET',
      '/2.0/repositories/acme/secret-repo/src/main/a/b/c.txt',
      `${REPO}/src/{commit}/{path*}`,
      ['repository'],
      ['read:repository:bitbucket'],
    ],
    [
      'GET',
      '/2.0/repositories/acme/secret-repo/refs',
      `${REPO}/refs`,
      ['repository'],
      ['read:repository:bitbucket'],
    ],
    [
      'GET',
      '/2.0/repositories/acme/secret-repo/refs/branches?q=name~"x"',
      `${REPO}/refs/branches`,
      ['repository'],
      ['read:repository:bitbucket'],
    ],
    [
      'GET',
      '/2.0/repositories/acme/secret-repo/refs/tags/v1.0',
      `${REPO}/refs/tags/{name}`,
      ['repository'],
      ['read:repository:bitbucket'],
    ],
    // Pull requests
    [
      'GET',
      '/2.0/repositories/acme/secret-repo/pullrequests?state=OPEN',
      `${REPO}/pullrequests`,
      ['pullrequest'],
      ['read:pullrequest:bitbucket'],
    ],
    [
      'GET',
      '/2.0/repositories/acme/secret-repo/pullrequests/7',
      `${REPO}/pullrequests/{pull_request_id}`,
      ['pullrequest'],
      ['read:pullrequest:bitbucket'],
    ],
    [
      'GET',
      '/2.0/repositories/acme/secret-repo/pullrequests/7/diffstat',
      `${REPO}/pullrequests/{pull_request_id}/{sub*}`,
      ['pullrequest'],
      ['read:pullrequest:bitbucket'],
    ],
    [
      'POST',
      '/2.0/repositories/acme/secret-repo/pullrequests',
      `${REPO}/pullrequests`,
      ['pullrequest:write'],
      ['write:pullrequest:bitbucket'],
    ],
    [
      'post',
      '/2.0/repositories/acme/secret-repo/pullrequests/7/approve',
      `${REPO}/pullrequests/{pull_request_id}/{sub*}`,
      ['pullrequest:write'],
      ['write:pullrequest:bitbucket'],
    ],
    // Pipelines
    [
      'GET',
      '/2.0/repositories/acme/secret-repo/pipelines/',
      `${REPO}/pipelines`,
      ['pipeline'],
      ['read:pipeline:bitbucket'],
    ],
    [
      'POST',
      '/2.0/repositories/acme/secret-repo/pipelines',
      `${REPO}/pipelines`,
      ['pipeline:write'],
      ['write:pipeline:bitbucket'],
    ],
    [
      'GET',
      '/2.0/repositories/acme/secret-repo/pipelines_config/variables',
      `${REPO}/pipelines_config/variables`,
      ['pipeline'],
      ['read:pipeline:bitbucket'],
    ],
    [
      'POST',
      '/2.0/repositories/acme/secret-repo/pipelines_config/variables/',
      `${REPO}/pipelines_config/variables`,
      ['pipeline:variable'],
      ['admin:pipeline:bitbucket'],
    ],
    // Webhooks
    [
      'GET',
      '/2.0/repositories/acme/secret-repo/hooks',
      `${REPO}/hooks`,
      ['webhook'],
      ['read:webhook:bitbucket'],
    ],
    [
      'POST',
      '/2.0/repositories/acme/secret-repo/hooks',
      `${REPO}/hooks`,
      ['webhook'],
      ['write:webhook:bitbucket'],
    ],
    [
      'DELETE',
      '/2.0/repositories/acme/secret-repo/hooks/%7Babc%7D',
      `${REPO}/hooks/{uid}`,
      ['webhook'],
      ['delete:webhook:bitbucket'],
    ],
    [
      'GET',
      '/2.0/workspaces/acme/hooks',
      '/2.0/workspaces/{workspace}/hooks',
      ['webhook'],
      ['read:webhook:bitbucket'],
    ],
    // Permissions
    [
      'GET',
      '/2.0/repositories/acme/secret-repo/permissions-config/users',
      `${REPO}/permissions-config/users`,
      ['repository:admin'],
      ['admin:repository:bitbucket'],
    ],
    [
      'GET',
      '/2.0/repositories/acme/secret-repo/permissions-config/groups/devs',
      `${REPO}/permissions-config/groups/{group_slug}`,
      ['repository:admin'],
      ['admin:repository:bitbucket'],
    ],
    [
      'GET',
      '/2.0/repositories/acme/secret-repo/branch-restrictions',
      `${REPO}/branch-restrictions`,
      ['repository:admin'],
      ['admin:repository:bitbucket'],
    ],
    // Whole URLs and website prefixes
    [
      'GET',
      'https://api.bitbucket.org/2.0/repositories/acme/secret-repo/commits/master',
      `${REPO}/commits/{revision}`,
      ['repository'],
      ['read:repository:bitbucket'],
    ],
    ['GET', 'http://127.0.0.1:4567/2.0/user', '/2.0/user', ['account'], ['read:user:bitbucket']],
    ['GET', '/!api/2.0/user', '/2.0/user', ['account'], ['read:user:bitbucket']],
  ] as const)('%s %s', (method, path, endpoint, legacy, granular) => {
    const found = requiredScopes(method, path);
    expect(found).toMatchObject({ endpoint, legacy, granular });
    expect(found?.source).toMatch(/^https:\/\//);
  });

  it.each([
    ['GET', '/2.0/repositories'],
    ['GET', '/2.0/repositories/'],
    ['GET', '/2.0/snippets'],
    ['GET', '/1.0/user'],
    ['GET', '/2.0/repositories//?role=member'],
    ['POST', '/2.0/user'],
    ['GET', ''],
  ] as const)('%s %s is not in the table', (method, path) => {
    expect(requiredScopes(method, path)).toBeUndefined();
  });

  it('returns copies that callers may change', () => {
    const first = requiredScopes('GET', '/2.0/user');
    first?.legacy.push('changed');
    expect(requiredScopes('GET', '/2.0/user')?.legacy).toEqual(['account']);
  });
});
