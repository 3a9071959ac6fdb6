import { describe, expect, it } from 'vitest';
import { DATA_CENTER_MARKERS, detectDataCenter } from '../../src/knowledge/data-center.js';
import * as bodies from './documented-bodies.js';

describe('DATA_CENTER_MARKERS', () => {
  it('carry a source and a confidence', () => {
    for (const marker of DATA_CENTER_MARKERS) {
      expect(marker.source).toMatch(/^https:\/\//);
      expect(['H', 'M', 'L', 'U']).toContain(marker.confidence);
    }
  });
});

describe('detectDataCenter', () => {
  it('recognises the CAPTCHA lock (§8, stashnotifier #263)', () => {
    const found = detectDataCenter({
      status: 401,
      headers: { 'WWW-Authenticate': 'Basic realm="Atlassian Bitbucket"', 'X-AREQUESTID': '@XYZ' },
      body: bodies.DC_CAPTCHA,
    });
    expect(found.isDataCenter).toBe(true);
    expect(found.captcha).toBe(true);
    expect(found.authenticatedAs).toBeUndefined();
    expect(found.exceptionName).toBe(
      'com.atlassian.bitbucket.auth.CaptchaRequiredAuthenticationException',
    );
    expect(found.evidence).toEqual([
      'X-AREQUESTID header (Atlassian on-premises request id)',
      'WWW-Authenticate with realm="Atlassian Bitbucket"',
      'an {"errors":[...]} body with a com.atlassian.bitbucket exceptionName',
      'a "CAPTCHA required" answer (the account is locked)',
    ]);
    expect(found.explanation).toMatch(/CAPTCHA/);
  });

  it('recognises the CAPTCHA body alone (no headers)', () => {
    const found = detectDataCenter({ status: 401, headers: {}, body: bodies.DC_CAPTCHA });
    expect(found).toMatchObject({ isDataCenter: true, captcha: true });
  });

  it('reads a 401 AuthorisationException WITH X-AUSERNAME as authenticated-but-not-permitted (§8)', () => {
    const found = detectDataCenter({
      status: 401,
      headers: {
        'x-ausername': 'jdoe',
        'x-auserid': '42',
        'x-arequestid': '@1ABC',
        'x-asessionid': 'abc',
      },
      body: bodies.DC_NOT_PERMITTED,
    });
    expect(found).toMatchObject({
      isDataCenter: true,
      authenticatedAs: 'jdoe',
      captcha: false,
      exceptionName: 'com.atlassian.bitbucket.AuthorisationException',
    });
    expect(found.explanation).toMatch(/Authenticated as jdoe, but not permitted/);
  });

  it('reads the same 401 WITHOUT X-AUSERNAME as not authenticated', () => {
    const found = detectDataCenter({
      status: 401,
      headers: { 'X-AREQUESTID': '@1' },
      body: bodies.DC_NOT_PERMITTED,
    });
    expect(found.isDataCenter).toBe(true);
    expect(found.authenticatedAs).toBeUndefined();
    expect(found.explanation).toMatch(/did not authenticate/);
  });

  it('names a wrong password', () => {
    const found = detectDataCenter({
      status: 401,
      headers: bodies.DC_BASIC_CHALLENGE,
      body: bodies.DC_INCORRECT_PASSWORD,
    });
    expect(found.isDataCenter).toBe(true);
    expect(found.explanation).toMatch(/rejected the username or password/);
  });

  it('tells who answered a successful call', () => {
    const found = detectDataCenter({ status: 200, headers: { 'X-AUSERNAME': 'jdoe' }, body: '{}' });
    expect(found).toMatchObject({ isDataCenter: true, authenticatedAs: 'jdoe', captcha: false });
    expect(found.explanation).toMatch(/not Bitbucket Cloud/);
  });

  it('does not take Bitbucket Cloud for Data Center', () => {
    for (const response of [
      { status: 401, headers: bodies.CLOUD_BASIC_CHALLENGE, body: bodies.LOGIN_FAILED },
      { status: 401, headers: {}, body: bodies.TOKEN_INVALID },
      {
        status: 200,
        headers: { 'x-credential-type': 'repo_access_token', 'x-oauth-scopes': 'repository:write' },
        body: '{}',
      },
      { status: 404, headers: {}, body: bodies.REPO_NO_ACCESS_2025 },
    ]) {
      expect(detectDataCenter(response)).toEqual({
        isDataCenter: false,
        evidence: [],
        captcha: false,
      });
    }
  });

  it('ignores an empty X-AUSERNAME', () => {
    const found = detectDataCenter({
      status: 401,
      headers: { 'X-AUSERNAME': ' ', 'X-AREQUESTID': '@1' },
      body: '',
    });
    expect(found.authenticatedAs).toBeUndefined();
  });

  it('flags a Seraph CAPTCHA header without claiming Data Center', () => {
    const found = detectDataCenter({
      status: 403,
      headers: {
        'X-Authentication-Denied-Reason': 'CAPTCHA_CHALLENGE; login-url=https://jira/login.jsp',
      },
      body: '',
    });
    expect(found).toMatchObject({ isDataCenter: false, captcha: true });
  });
});
