import { describe, expect, it } from 'vitest';
import {
  GRANULAR_SCOPES,
  LEGACY_IMPLICATIONS,
  LEGACY_SCOPES,
  SCOPE_EQUIVALENTS,
  equivalentScope,
  equivalentScopes,
  expandScopes,
  missingScopes,
  parseScopeList,
  satisfies,
  scopeInfo,
  vocabularyOf,
} from '../../src/knowledge/scopes.js';

describe('scope data', () => {
  it('every scope, rule and pair has a source and a confidence', () => {
    for (const entry of [
      ...LEGACY_SCOPES,
      ...GRANULAR_SCOPES,
      ...LEGACY_IMPLICATIONS,
      ...SCOPE_EQUIVALENTS,
    ]) {
      expect(entry.source).toMatch(/^https:\/\//);
      expect(['H', 'M', 'L', 'U']).toContain(entry.confidence);
    }
  });

  it('implication rules only name legacy scopes', () => {
    for (const rule of LEGACY_IMPLICATIONS) {
      expect(vocabularyOf(rule.scope)).toBe('legacy');
      for (const implied of rule.implies) expect(vocabularyOf(implied)).toBe('legacy');
    }
  });

  it('equivalences pair a legacy scope with a granular one', () => {
    for (const pair of SCOPE_EQUIVALENTS) {
      expect(vocabularyOf(pair.legacy)).toBe('legacy');
      expect(vocabularyOf(pair.granular)).toBe('granular');
      expect(scopeInfo(pair.granular)).toBeDefined();
    }
  });

  it('describes scopes of both vocabularies', () => {
    expect(scopeInfo('repository:admin')?.description).toMatch(/does not imply/i);
    expect(scopeInfo('write:repository:bitbucket')?.description).toMatch(/does not include/i);
    expect(scopeInfo('project:write')?.deprecated).toMatch(/2023-05-15/);
    expect(scopeInfo('nope')).toBeUndefined();
  });
});

describe('parseScopeList', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['repository:write', ['repository:write']],
    // §1.4: the token response uses spaces.
    ['pipeline:variable webhook snippet:write', ['pipeline:variable', 'webhook', 'snippet:write']],
    // §3.6: headers use commas and/or spaces.
    ['account, repository,pullrequest', ['account', 'repository', 'pullrequest']],
    [
      '  read:repository:bitbucket ,, write:repository:bitbucket  ',
      ['read:repository:bitbucket', 'write:repository:bitbucket'],
    ],
    ['account account,account', ['account']],
    ['"repository"', ['repository']],
  ] as const)('%j', (value, expected) => {
    expect(parseScopeList(value)).toEqual(expected);
  });
});

describe('vocabularyOf', () => {
  it.each([
    ['repository', 'legacy'],
    ['repository:admin', 'legacy'],
    ['pipeline:variable', 'legacy'],
    ['project:write', 'legacy'],
    ['read:repository:bitbucket', 'granular'],
    ['delete:ssh-key:bitbucket', 'granular'],
    ['read:jira-work', 'unknown'],
    ['repo', 'unknown'],
    ['', 'unknown'],
  ] as const)('%s → %s', (scope, expected) => {
    expect(vocabularyOf(scope)).toBe(expected);
  });
});

describe('expandScopes (legacy implications only)', () => {
  it.each([
    [['repository:write'], ['repository:write', 'repository']],
    [['repository:admin'], ['repository:admin']],
    [['pullrequest:write'], ['pullrequest:write', 'pullrequest', 'repository']],
    [['project'], ['project', 'repository']],
    [['project:admin'], ['project:admin', 'project', 'repository']],
    [['pipeline:variable'], ['pipeline:variable', 'pipeline:write', 'pipeline']],
    [['runner:write'], ['runner:write', 'runner']],
    [['issue:write'], ['issue:write', 'issue']],
    [['snippet:write'], ['snippet:write', 'snippet']],
    [['account:write'], ['account:write', 'account', 'email']],
    [['team:write'], ['team:write', 'team']],
    [['write:repository:bitbucket'], ['write:repository:bitbucket']],
    [['admin:repository:bitbucket'], ['admin:repository:bitbucket']],
    [['something-else'], ['something-else']],
    [[], []],
  ])('%j', (granted, expected) => {
    expect([...expandScopes(granted)].sort()).toEqual([...expected].sort());
  });

  it('can leave out the unverified rules', () => {
    expect([...expandScopes(['issue:write'], { minConfidence: 'L' })]).toEqual(['issue:write']);
    expect([...expandScopes(['repository:write'], { minConfidence: 'H' })].sort()).toEqual([
      'repository',
      'repository:write',
    ]);
  });
});

describe('satisfies', () => {
  it.each([
    // Legacy: write implies read.
    [['repository:write'], ['repository'], true],
    [['repository'], ['repository:write'], false],
    // repository:admin implies neither read nor write (official).
    [['repository:admin'], ['repository'], false],
    [['repository:admin'], ['repository:write'], false],
    [['pullrequest:write'], ['repository'], true],
    [['project'], ['repository'], true],
    // x-accepted-oauth-scopes lists alternatives: any one is enough.
    [['pullrequest'], ['repository:admin', 'pullrequest'], true],
    [['team'], ['account', 'repository'], false],
    [['anything'], [], true],
    // Granular scopes imply nothing: a write-only API token cannot read.
    [['write:repository:bitbucket'], ['read:repository:bitbucket'], false],
    [['admin:repository:bitbucket'], ['read:repository:bitbucket'], false],
    [['write:repository:bitbucket'], ['repository'], false],
    [
      ['read:repository:bitbucket', 'write:repository:bitbucket'],
      ['read:repository:bitbucket'],
      true,
    ],
    // Across vocabularies, by exact equivalence only.
    [['read:user:bitbucket'], ['account'], true],
    [['account'], ['read:user:bitbucket'], true],
    [['repository:write'], ['read:repository:bitbucket'], true],
    [['write:pullrequest:bitbucket'], ['read:pullrequest:bitbucket'], false],
  ] as const)('%j satisfies %j: %s', (granted, required, expected) => {
    expect(satisfies(granted, required)).toBe(expected);
  });
});

describe('missingScopes', () => {
  it('lists what the granted scopes do not cover, verbatim', () => {
    // §4.4 Terraform-provider 403: granted lists top-level scopes only.
    const granted = [
      'runner:write',
      'pipeline:variable',
      'webhook',
      'snippet:write',
      'wiki',
      'issue:write',
      'pullrequest:write',
      'project',
      'team',
    ];
    expect(missingScopes(granted, ['repository:admin'])).toEqual(['repository:admin']);
    expect(missingScopes(granted, ['repository', 'pipeline'])).toEqual([]);
    expect(missingScopes(['team'], ['account'])).toEqual(['account']);
    expect(
      missingScopes(
        ['write:repository:bitbucket'],
        ['read:repository:bitbucket', 'write:repository:bitbucket'],
      ),
    ).toEqual(['read:repository:bitbucket']);
    expect(missingScopes([], ['account', 'account'])).toEqual(['account']);
  });
});

describe('equivalentScope', () => {
  it.each([
    ['repository', 'read:repository:bitbucket'],
    ['read:repository:bitbucket', 'repository'],
    ['account', 'read:user:bitbucket'],
    ['read:user:bitbucket', 'account'],
    ['pullrequest', 'read:pullrequest:bitbucket'],
    ['pullrequest:write', 'write:pullrequest:bitbucket'],
    ['repository:write', 'write:repository:bitbucket'],
    ['write:repository:bitbucket', 'repository:write'],
    ['repository:admin', 'admin:repository:bitbucket'],
    ['pipeline:variable', 'admin:pipeline:bitbucket'],
    ['wiki', undefined],
    ['nope', undefined],
  ] as const)('%s ↔ %s', (scope, expected) => {
    expect(equivalentScope(scope)).toBe(expected);
  });

  it('legacy webhook covers reading and writing', () => {
    expect(equivalentScopes('webhook')).toEqual([
      'read:webhook:bitbucket',
      'write:webhook:bitbucket',
    ]);
  });
});
