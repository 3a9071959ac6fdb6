import { describe, expect, it } from 'vitest';
import { renderJson } from '../src/report/render-json.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { renderText } from '../src/report/render-text.js';
import { formatForFile } from '../src/report/render.js';
import { SAMPLE_TOKEN, sampleReport } from './helpers/sample-report.js';

describe('renderers', () => {
  const report = sampleReport();

  it('text: golden, 80 columns, no colour codes without colour', async () => {
    const text = renderText(report, { color: false, verbose: false });
    await expect(text).toMatchFileSnapshot('golden/sample.txt');
    expect(text).not.toContain('\u001B[');
    // Every line fits, unless it is one unbreakable word (a long URL).
    for (const line of text.split('\n')) {
      if (/\S\s+\S/u.test(line.replace(/^[\s│$]+|[\s│]+$/gu, '')))
        expect(line.length, line).toBeLessThanOrEqual(80);
    }
  });

  it('text: the diagnosis comes before the checks', () => {
    const text = renderText(report, { color: false, verbose: false });
    expect(text.indexOf('Diagnosis: HEADER_SCHEME_CASE')).toBeGreaterThan(-1);
    expect(text.indexOf('Diagnosis: HEADER_SCHEME_CASE')).toBeLessThan(text.indexOf('Checks'));
  });

  it('text verbose: golden with evidence, trace ids and the crash stack', async () => {
    const text = renderText(report, { color: false, verbose: true });
    await expect(text).toMatchFileSnapshot('golden/sample.verbose.txt');
    expect(text).toContain('x-b3-traceid=5f0c1e2d3c4b5a69');
    expect(text).toContain('at rate-limit.ts');
  });

  it('text with colour uses ANSI codes', () => {
    expect(renderText(report, { color: true, verbose: false })).toContain('\u001B[31m');
  });

  it('markdown: golden; diagnosis first; evidence in <details> with trace ids; pipes escaped in tables', async () => {
    const md = renderMarkdown(report, { verbose: false });
    await expect(md).toMatchFileSnapshot('golden/sample.md');
    expect(md.startsWith('## bb-doctor: ✗ `HEADER_SCHEME_CASE`')).toBe(true);
    expect(md).toContain('<details>');
    expect(md).toContain('x-b3-traceid: 5f0c1e2d3c4b5a69');
    expect(md).toContain('3 public repositories \\| no private ones');
  });

  it('json: the contract shape', () => {
    const json = JSON.parse(renderJson(report)) as Record<string, unknown>;
    expect(json).toMatchObject({
      schemaVersion: 1,
      tool: { name: 'bb-doctor', version: '0.1.0' },
      generatedAt: '2026-11-28T12:00:00.812Z',
      durationMs: 812,
      target: {
        product: 'cloud',
        apiUrl: 'https://api.bitbucket.org',
        authUrl: 'https://bitbucket.org',
        workspace: 'acme',
        repo: 'secret-repo',
      },
      diagnosis: { status: 'fail', code: 'HEADER_SCHEME_CASE', checkId: 'header-casing' },
      counts: { pass: 1, warn: 1, fail: 1, skip: 1, error: 1 },
      requests: 4,
    });
    const credentials = json['credentials'] as Record<string, unknown>[];
    expect(credentials[0]).toEqual({
      kind: 'access-token',
      source: 'header:Authorization (flag:--header)',
      // The kind its shape says (ATCTT…): not a secret, and what explain of a HAR judges by.
      shape: 'access-token',
      fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{8}$/u) as unknown,
      length: SAMPLE_TOKEN.length,
    });
    const checks = json['checks'] as Record<string, unknown>[];
    for (const check of checks) {
      expect(Object.keys(check)).toEqual(
        expect.arrayContaining([
          'id',
          'title',
          'status',
          'summary',
          'durationMs',
          'evidence',
          'data',
        ]),
      );
    }
    expect(renderJson(report)).not.toContain(SAMPLE_TOKEN);
  });

  it('file extensions pick the format', () => {
    expect(formatForFile('r.md')).toBe('markdown');
    expect(formatForFile('r.JSON')).toBe('json');
    expect(formatForFile('r.txt')).toBe('text');
    expect(formatForFile('r')).toBeUndefined();
  });
});
