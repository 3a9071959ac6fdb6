import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLOUD_URLS, DOCS } from '../../src/knowledge/docs.js';
import * as knowledge from '../../src/knowledge/index.js';
import { SOURCES } from '../../src/knowledge/sources.js';

// The fact dossier lives outside the repository; the check runs where it is available.
const DOSSIER = '/work/shared/docs/bitbucket-auth.md';

describe('DOCS', () => {
  it('are https URLs', () => {
    for (const url of [
      ...Object.values(DOCS),
      ...Object.values(SOURCES),
      ...Object.values(CLOUD_URLS),
    ]) {
      expect(() => new URL(url)).not.toThrow();
      expect(url).toMatch(/^https:\/\//);
    }
  });

  it('has the names remediations use', () => {
    expect(DOCS.apiTokens).toBe(
      'https://support.atlassian.com/bitbucket-cloud/docs/using-api-tokens',
    );
    for (const name of [
      'createApiToken',
      'oauth2',
      'accessTokens',
      'apiTokenPermissions',
      'scopes',
      'v1Deprecation',
      'change2770',
      'rateLimits',
      'getting401KB',
      'accountPasswordDeprecation',
      'appPasswordDeprecation',
    ] as const) {
      expect(DOCS[name]).toMatch(/^https:\/\//);
    }
  });

  it.skipIf(!existsSync(DOSSIER))('only links that appear in the dossier', () => {
    const dossier = readFileSync(DOSSIER, 'utf8');
    const missing = Object.entries(DOCS).filter(
      ([, url]) => !dossier.includes(url.replace(/^https:\/\//, '')),
    );
    expect(missing).toEqual([]);
  });
});

describe('index', () => {
  it('re-exports every module', () => {
    for (const name of [
      'matchSignatures',
      'parseErrorBody',
      'parseScopeList',
      'expandScopes',
      'satisfies',
      'missingScopes',
      'vocabularyOf',
      'equivalentScope',
      'requiredScopes',
      'v1Replacement',
      'removedEndpoint',
      'dataCenterPath',
      'classifyUrl',
      'appPasswordStatus',
      'detectDataCenter',
      'DOCS',
      'SIGNATURES',
      'TIMELINE',
    ]) {
      expect(knowledge, name).toHaveProperty(name);
    }
  });
});
