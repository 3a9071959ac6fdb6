// Git over HTTP on the simulated Data Center: `{base}/scm/{KEY}/{slug}.git/info/refs?service=...`,
// enough of `POST .../git-upload-pack` for a clone, every push refused (bitbucket-auth.md §8, §12.3).
//
// Git asks anonymously first and sends its credential only after a 401 with a Basic challenge; a
// `Bearer` from `git -c http.extraHeader="Authorization: Bearer …"` comes with the first request
// (§12.3 [H]: the fix for 10.x with basic auth off). A locked account gets what git shows as
// `fatal: remote error: CAPTCHA required` (§8 [H], desktop/desktop #14680).

import type { DcAuthResult } from './dc-auth.js';
import {
  DC_BASIC_CHALLENGE,
  DC_BASIC_DISABLED_MESSAGE,
  DC_NOT_PERMITTED_MESSAGE,
  gitCaptchaText,
} from './dc-wire.js';
import type { DcRepository, DcWorld } from './dc-world.js';
import { dcCanRead, dcCanWrite, findDcRepository, findDcUser } from './dc-world.js';
import type { GitObject, GitService } from './git-protocol.js';
import {
  advertisementReply,
  commitObjects,
  errAdvertisementReply,
  serviceParam,
  uploadPackReply,
} from './git-protocol.js';
import type { Reply } from './wire.js';
import { textReply } from './wire.js';

export interface DcGitPath {
  project: string;
  repo: string;
  endpoint: 'info/refs' | GitService;
}

const DC_GIT_PATH =
  /^\/scm\/([^/]+)\/([^/]+?)(\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/;

/** `/scm/{KEY}/{slug}.git/info/refs` and the service endpoints (path below the context path). */
export function parseDcGitPath(path: string): DcGitPath | null {
  const match = DC_GIT_PATH.exec(path);
  if (!match) return null;
  const [, project = '', repo = '', , endpoint = ''] = match;
  return { project, repo, endpoint: endpoint as DcGitPath['endpoint'] };
}

/** Real commit objects (oldest first) for a repository's history. */
export function dcHistory(world: DcWorld, repo: DcRepository): GitObject[] {
  return commitObjects(
    [...repo.commits].reverse().map((commit) => {
      const user = findDcUser(world, commit.author);
      return {
        message: commit.message,
        date: commit.date,
        who: user ? `${user.displayName} <${user.email}>` : `${commit.author} <>`,
      };
    }),
  );
}

export interface DcGitRequest {
  method: string;
  url: URL;
  path: DcGitPath;
  auth: DcAuthResult;
  body: string;
  baseUrl: string;
}

/** git's 401: the challenge is required, curl sends a credential only after one. Body CHOSEN [U]. */
function gitUnauthorized(): Reply {
  return textReply(401, 'Authentication failed. Please check your credentials and try again.\n', {
    'www-authenticate': DC_BASIC_CHALLENGE,
  });
}

export const DC_GIT_PUSH_REFUSED_TEXT =
  'This simulator does not accept pushes: only the ref advertisement of git-receive-pack is served.\n';

export function routeDcGit(world: DcWorld, req: DcGitRequest): Reply {
  const { path, auth } = req;
  const service: GitService | null =
    path.endpoint === 'info/refs' ? serviceParam(req.url) : path.endpoint;
  if (service === null) return textReply(403, 'Only the smart HTTP protocol is supported.\n');
  const wantMethod = path.endpoint === 'info/refs' ? ['GET', 'HEAD'] : ['POST'];
  if (!wantMethod.includes(req.method)) return textReply(405, 'Method not allowed\n');

  if (auth.outcome === 'rejected') {
    switch (auth.reason) {
      case 'captcha':
        // §8 [H]: git prints `fatal: remote error: CAPTCHA required` and the text. An `ERR` pkt-line
        // in a 200 advertisement is what makes git print "remote error:" (CHOSEN layout, [U]).
        return errAdvertisementReply(service, gitCaptchaText(req.baseUrl));
      case 'basic-disabled':
        // §12.3 [H] for REST; for git CHOSEN: 403 with the same sentence as text, which git prints
        // as `remote: …` before "The requested URL returned error: 403".
        return textReply(403, `${DC_BASIC_DISABLED_MESSAGE}\n`);
      default:
        return gitUnauthorized();
    }
  }
  const principal = auth.outcome === 'authenticated' ? auth.principal : null;
  const found = findDcRepository(world, path.project, path.repo);
  if (principal === null) {
    // Anonymous first, as git does: a public repository answers fetches; everything else is
    // challenged (CHOSEN: a missing repository is not told apart from a private one).
    if (
      !found ||
      !dcCanRead(world, null, found.project, found.repository) ||
      service === 'git-receive-pack'
    ) {
      return gitUnauthorized();
    }
  } else {
    if (!found) {
      return textReply(
        404,
        `Repository ${path.project.toUpperCase()}/${path.repo} does not exist.\n`,
      );
    }
    // §8 [H]: Data Center answers "not permitted" with 401 (REST); CHOSEN the same for git, as
    // text, without a Basic challenge (git then reports "Authentication failed").
    if (!dcCanRead(world, principal, found.project, found.repository)) {
      return textReply(401, `${DC_NOT_PERMITTED_MESSAGE}\n`);
    }
    if (
      service === 'git-receive-pack' &&
      !dcCanWrite(world, principal, found.project, found.repository)
    ) {
      return textReply(401, `${DC_NOT_PERMITTED_MESSAGE}\n`);
    }
  }
  const { repository } = found;
  const history = dcHistory(world, repository);
  if (path.endpoint === 'info/refs') {
    return advertisementReply(
      service,
      history.at(-1)?.sha,
      repository.branches,
      repository.mainBranch,
    );
  }
  if (service === 'git-receive-pack') return textReply(403, DC_GIT_PUSH_REFUSED_TEXT);
  return uploadPackReply(history, req.body);
}
