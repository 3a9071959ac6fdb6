import { describe, expect, it } from 'vitest';
import { judge } from '../../checks/credentials.js';
import { credentialFromAuthorization } from '../../src/intake/input.js';

/**
 * `--header "Authorization: Bearer $(cat token.txt)"` with a file that ends in a newline: the
 * newline is the user's mistake (SECRET_WHITESPACE), not a token Bitbucket does not know.
 */
describe('a credential from an Authorization header keeps its trailing whitespace as given', () => {
  const TOKEN = 'ATCTT3xFfGN0headerTokenWithNewline=1234ABCD';
  it('raw keeps the newline, the secret is trimmed', () => {
    const credential = credentialFromAuthorization({
      name: 'Authorization',
      value: `Bearer ${TOKEN}\n`,
      source: 'flag:--header',
    });
    expect(credential?.raw).toBe(`${TOKEN}\n`);
    expect(credential?.secret).toBe(TOKEN);
  });
  it('the credentials judge names it SECRET_WHITESPACE', () => {
    const credential = credentialFromAuthorization({
      name: 'Authorization',
      value: `Bearer ${TOKEN}\n`,
      source: 'flag:--header',
    })!;
    const outcome = judge({ credentials: [credential] });
    expect(outcome.verdict).toBe('fail');
    expect(outcome.verdict === 'fail' ? outcome.code : undefined).toBe('SECRET_WHITESPACE');
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
  });
});
