import { describe, expect, it } from 'vitest';
import { diagnose, exitCodeFor } from '../src/diagnosis.js';
import { causalRank, FINDINGS } from '../src/knowledge/findings.js';
import type { CheckReport, FindingCode, Proof } from '../src/types.js';

const report = (
  id: string,
  status: CheckReport['status'],
  code?: FindingCode,
  data: Record<string, unknown> = {},
): CheckReport => ({
  id,
  title: id,
  status,
  summary: `${id} ${status}`,
  durationMs: 1,
  evidence: [],
  data,
  ...(code === undefined
    ? {}
    : { code, remediation: { hint: `Fix ${code}.`, commands: [`fix ${code}`] } }),
});

const withProof = (check: CheckReport, proof: Proof): CheckReport => ({ ...check, proof });

describe('diagnosis: the one root cause, in causal order', () => {
  it('picks the most fundamental failing finding, whatever the registry order', () => {
    const checks = [
      report('scopes', 'fail', 'SCOPE_MISSING'),
      report('identity', 'fail', 'API_TOKEN_NEEDS_EMAIL'),
      report('header-casing', 'fail', 'HEADER_SCHEME_CASE'),
      report('credentials', 'fail', 'SECRET_WHITESPACE'),
      report('api-version', 'fail', 'API_V1_REMOVED'),
    ];
    const d = diagnose(checks);
    expect(d).toMatchObject({
      status: 'fail',
      code: 'SECRET_WHITESPACE',
      checkId: 'credentials',
      fix: 'Fix SECRET_WHITESPACE.',
    });
    expect(d.alsoFound).toEqual([
      'HEADER_SCHEME_CASE',
      'API_TOKEN_NEEDS_EMAIL',
      'SCOPE_MISSING',
      'API_V1_REMOVED',
    ]);
  });

  it('the network before the credentials, and a rate limit is never blamed on them', () => {
    expect(
      diagnose([
        report('identity', 'fail', 'TOKEN_INVALID'),
        report('connectivity', 'fail', 'TIMEOUT'),
      ]).code,
    ).toBe('TIMEOUT');
    expect(
      diagnose([
        report('identity', 'fail', 'TOKEN_INVALID'),
        report('rate-limit', 'fail', 'RATE_LIMITED'),
      ]).code,
    ).toBe('RATE_LIMITED');
  });

  it('the header before the credential kind before the token fetch before scopes before the endpoint', () => {
    const order: FindingCode[] = [
      'HEADER_SCHEME_CASE',
      'API_TOKEN_AS_BEARER',
      'CONSUMER_NOT_PRIVATE',
      'SCOPE_MISSING',
      'ENDPOINT_REMOVED',
    ];
    const ranks = order.map(causalRank);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
  });

  it('warnings are not a diagnosis; a crash is "no verdict"', () => {
    expect(diagnose([report('a', 'pass'), report('b', 'warn', 'APP_PASSWORD_REMOVED')])).toEqual({
      status: 'pass',
    });
    expect(diagnose([report('a', 'pass'), report('b', 'error')])).toMatchObject({
      status: 'error',
      checkId: 'b',
    });
  });

  it("carries the replay's proof and the user's corrected command", () => {
    const d = diagnose([
      report('header-casing', 'fail', 'HEADER_SCHEME_CASE'),
      withProof(report('target-call', 'pass'), {
        asSent: 404,
        corrected: 200,
        command: 'curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" https://x',
        verified: true,
      }),
    ]);
    expect(d.verified).toBe(
      'your call answered 404; the corrected call answered 200 (target-call).',
    );
    expect(d.commands).toEqual([
      'curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" https://x',
    ]);
  });

  it('a replay is found by its proof (a command), not by its check id', () => {
    const d = diagnose([
      report('identity', 'fail', 'API_TOKEN_NEEDS_EMAIL'),
      withProof(report('some-replay', 'pass'), {
        asSent: 401,
        corrected: 200,
        command: 'curl -u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" https://x',
        verified: true,
      }),
      withProof(report('a-probe', 'pass'), { asSent: 401, corrected: 200, verified: true }),
    ]);
    expect(d.verified).toBe(
      'your call answered 401; the corrected call answered 200 (some-replay).',
    );
    expect(d.commands).toEqual(['curl -u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" https://x']);
  });

  it('of several verified replays, the last one (it combines the earlier fixes)', () => {
    const replay = (id: string, command: string): CheckReport =>
      withProof(report(id, 'pass'), { asSent: 404, corrected: 200, command, verified: true });
    const d = diagnose([
      report('header-casing', 'fail', 'HEADER_SCHEME_CASE'),
      replay('first', 'curl one'),
      replay('last', 'curl two'),
    ]);
    expect(d.commands).toEqual(['curl two']);
    expect(d.verified).toMatch(/\(last\)\.$/u);
  });

  it("an unverified replay proves nothing: the root cause's own proof is shown", () => {
    const d = diagnose([
      withProof(report('identity', 'fail', 'API_TOKEN_NEEDS_EMAIL'), {
        asSent: 401,
        corrected: 200,
        verified: true,
      }),
      withProof(report('target-call', 'skip'), {
        asSent: 404,
        corrected: 404,
        command: 'curl x',
        verified: false,
      }),
    ]);
    expect(d.verified).toBe(
      'the request as sent answered 401; corrected, it answered 200 (identity).',
    );
    expect(d.commands).toEqual(['fix API_TOKEN_NEEDS_EMAIL']);
  });

  it("a verified proof of another finding than the root cause is not the root cause's proof", () => {
    const d = diagnose([
      report('credentials', 'fail', 'SECRET_WHITESPACE'),
      withProof(report('identity', 'fail', 'API_TOKEN_NEEDS_EMAIL'), {
        asSent: 401,
        corrected: 200,
        verified: true,
      }),
    ]);
    expect(d.code).toBe('SECRET_WHITESPACE');
    expect(d).not.toHaveProperty('verified');
    expect(d.commands).toEqual(['fix SECRET_WHITESPACE']);
  });

  it('a capture proves no fix: asSent only, not verified', () => {
    const d = diagnose([
      withProof(report('target-call', 'fail', 'REPO_NOT_FOUND_OR_NO_ACCESS'), {
        asSent: 404,
        corrected: undefined,
        verified: false,
      }),
    ]);
    expect(d).not.toHaveProperty('verified');
  });

  it('exit codes: 0 pass, 1 a finding, 3 the network or a crash', () => {
    expect(exitCodeFor({ status: 'pass' })).toBe(0);
    expect(exitCodeFor({ status: 'fail', code: 'TOKEN_EXPIRED' })).toBe(1);
    expect(exitCodeFor({ status: 'fail', code: 'RATE_LIMITED' })).toBe(1);
    for (const code of [
      'NETWORK_UNREACHABLE',
      'TLS_ERROR',
      'TIMEOUT',
      'PROXY_AUTH_REQUIRED',
      'SERVER_ERROR',
    ] as const) {
      expect(exitCodeFor({ status: 'fail', code })).toBe(3);
    }
    expect(exitCodeFor({ status: 'error' })).toBe(3);
  });

  it('every finding code has one place in the order', () => {
    expect(new Set(FINDINGS.map((f) => f.code)).size).toBe(FINDINGS.length);
  });
});
