import { readFileSync } from 'node:fs';
import type nock from 'nock';

/**
 * A recorded Bitbucket answer for check tests, stored as `fixtures/checks/<check>/<name>.json`.
 * `source` says where the body is documented (bitbucket-auth.md section and its public source);
 * a string body is sent verbatim (plain text), anything else as JSON.
 */
export interface Fixture {
  readonly source: string;
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: unknown;
}

const root = new URL('../../fixtures/checks/', import.meta.url);

/** Reads one fixture; throws (failing the test) when it is missing or lacks a source. */
export const loadFixture = (check: string, name: string): Fixture => {
  const fixture = JSON.parse(
    readFileSync(new URL(`${check}/${name}.json`, root), 'utf8'),
  ) as Fixture;
  if (typeof fixture.source !== 'string' || fixture.source === '') {
    throw new Error(`fixtures/checks/${check}/${name}.json has no source`);
  }
  return fixture;
};

/** The body as it goes on the wire. */
export const wireBody = (fixture: Fixture): string =>
  typeof fixture.body === 'string' ? fixture.body : JSON.stringify(fixture.body);

/** The fixtures of one check: `reply(interceptor, name)` answers an interceptor with one. */
export const fixturesOf = (
  check: string,
): {
  load: (name: string) => Fixture;
  reply: (interceptor: nock.Interceptor, name: string) => nock.Scope;
} => ({
  load: (name) => loadFixture(check, name),
  reply: (interceptor, name) => {
    const fixture = loadFixture(check, name);
    return interceptor.reply(fixture.status, wireBody(fixture), { ...fixture.headers });
  },
});
