import { describe, expect, it } from 'vitest';
import { pastedEndsInGit, readCurl } from '../../src/intake/curl-input.js';
import { readGit } from '../../src/intake/git-input.js';

const TOKEN_FETCH =
  'TOKEN=$(curl -s -X POST -u KEYKEYKEYKEYKEYKEY12:SECRETSECRETSECRETSECRETSECRET12 https://bitbucket.org/site/oauth2/access_token -d grant_type=client_credentials | jq -r .access_token)';
const SCRIPT = `${TOKEN_FETCH}\ngit clone https://x-token-auth:$TOKEN@bitbucket.org/acme/repo.git`;

describe('a pasted script that mixes curl and git lines (issue "Git over HTTPS", item 1)', () => {
  it('is git when its last command is git, curl when it is curl', () => {
    expect(pastedEndsInGit(SCRIPT)).toBe(true);
    expect(
      pastedEndsInGit(
        `${SCRIPT}\ncurl -H "Authorization: Bearer $TOKEN" https://api.bitbucket.org/2.0/user`,
      ),
    ).toBe(false);
    expect(pastedEndsInGit('git clone https://bitbucket.org/acme/repo.git')).toBe(true);
    expect(pastedEndsInGit('curl https://api.bitbucket.org/2.0/user')).toBe(false);
    // A text that does not split is nobody's script.
    expect(pastedEndsInGit('git clone "https://bitbucket.org/acme/repo.git')).toBe(false);
  });

  it('--git: the git line is the command, the curl line a step, the token a named placeholder', () => {
    const read = readGit(['--git', SCRIPT], {});
    expect(read.error).toBeUndefined();
    expect(read.command?.subcommand).toBe('clone');
    expect(read.steps).toHaveLength(1);
    expect(read.steps?.[0]?.field).toBe('access_token');
    expect(read.command?.remote?.text).toContain('x-token-auth');
    expect(read.command?.remote?.text).not.toContain('$(');
    // The consumer's secret is the step's, registered with it; none of it is in the git words.
    expect(JSON.stringify(read.command)).not.toContain('SECRETSECRET');
  });

  it('--curl with a script that ends in git: the git intake takes it, the curl intake leaves it', () => {
    expect(readCurl(['--curl', SCRIPT], {})).toEqual({});
    const read = readGit(['--curl', SCRIPT], {});
    expect(read.command?.subcommand).toBe('clone');
    expect(read.steps).toHaveLength(1);
  });

  it('expands a variable from the environment as the shell did, and registers what it expanded', () => {
    const read = readGit(
      ['--git', 'git clone https://x-token-auth:$BB_TOKEN@bitbucket.org/acme/repo.git'],
      { BB_TOKEN: 'ATCTT3xFfGN0expandedToken=1111AAAA' },
    );
    expect(read.command?.remote?.text).toContain('ATCTT3xFfGN0expandedToken');
    expect(read.secrets.map((s) => s.secret)).toContain('ATCTT3xFfGN0expandedToken=1111AAAA');
  });

  it('a script git line that does not parse is a usage error that quotes nothing secret', () => {
    const read = readGit(['--git', `${TOKEN_FETCH}\ngit clone`], {});
    expect(read.error?.message).toMatch(/git/u);
    expect(read.error?.message).not.toContain('SECRETSECRET');
  });
});
