/**
 * The credential timeline of Bitbucket Cloud (bitbucket-auth.md §5.1, §1.5, §3.7, §6). Old answers
 * on the web are often wrong now; the doctor dates its advice ("app passwords were removed on
 * 2026-07-28") instead of saying "deprecated". Dates are UTC calendar days (YYYY-MM-DD; YYYY-MM
 * when only the month is known).
 */
import { DOCS } from './docs.js';
import type { Sourced } from './fact.js';
import { SOURCES } from './sources.js';

export type TimelineEventId =
  | 'app-passwords-introduced'
  | 'api-v1-deprecated'
  | 'api-v1-removed'
  | 'teams-users-removed'
  | 'account-passwords-new-accounts'
  | 'account-passwords-rejected'
  | 'project-write-scope-removed'
  | 'app-password-deprecation-announced'
  | 'app-password-creation-disabled'
  | 'change-2770-scheduled'
  | 'change-2770-enforced'
  | 'oauth-changes-enforced'
  | 'app-password-brownouts-start'
  | 'app-password-brownouts-end'
  | 'app-passwords-removed'
  | 'issues-wikis-sunset';

export interface TimelineEvent extends Sourced {
  readonly id: TimelineEventId;
  /** `YYYY-MM-DD` (UTC), or `YYYY-MM` when only the month is known. */
  readonly date: string;
  readonly event: string;
}

export const TIMELINE: readonly TimelineEvent[] = [
  {
    id: 'app-passwords-introduced',
    date: '2016-06',
    event:
      'App passwords introduced (Basic authentication for accounts with two-step verification).',
    source: SOURCES.appPasswordsBlog,
    confidence: 'H',
  },
  {
    id: 'api-v1-deprecated',
    date: '2018-06-30',
    event: 'API 1.0 deprecated.',
    source: DOCS.v1Deprecation,
    confidence: 'H',
  },
  {
    id: 'api-v1-removed',
    date: '2019-04-29',
    event:
      'API 1.0 removed (410 "Resource removed"), except /1.0/groups, /1.0/group-privileges and the invitations resources.',
    source: DOCS.v1Deprecation,
    confidence: 'H',
  },
  {
    id: 'teams-users-removed',
    date: '2020-10-14',
    event: '/2.0/teams and most /2.0/users endpoints removed in favour of /2.0/workspaces.',
    source: DOCS.teamsDeprecation,
    confidence: 'H',
  },
  {
    id: 'account-passwords-new-accounts',
    date: '2021-09-13',
    event:
      'New accounts can no longer use the Atlassian account password for API/Git Basic authentication.',
    source: DOCS.accountPasswordDeprecation,
    confidence: 'H',
  },
  {
    id: 'account-passwords-rejected',
    date: '2022-03-01',
    event:
      'Account passwords rejected for all users (API and Git over HTTPS); the OAuth password grant removed.',
    source: DOCS.accountPasswordAnnouncement,
    confidence: 'H',
  },
  {
    id: 'project-write-scope-removed',
    date: '2023-05-15',
    event: 'The project:write scope removed, replaced by project:admin.',
    source: DOCS.projectWriteScopeDeprecation,
    confidence: 'H',
  },
  {
    id: 'app-password-deprecation-announced',
    date: '2025-06',
    event: 'App-password deprecation announced, with a 12-month transition to API tokens.',
    source: DOCS.appPasswordDeprecation,
    confidence: 'H',
  },
  {
    id: 'app-password-creation-disabled',
    date: '2025-09-09',
    event: 'New app-password creation disabled; existing app passwords keep working.',
    source: DOCS.appPasswordCreationDisabled,
    confidence: 'H',
  },
  {
    id: 'change-2770-scheduled',
    date: '2026-02-27',
    event:
      'CHANGE-2770: scheduled removal of GET /2.0/repositories, GET /2.0/workspaces and /2.0/user/permissions/*.',
    source: DOCS.change2770,
    confidence: 'M',
  },
  {
    id: 'change-2770-enforced',
    date: '2026-04-14',
    event: 'CHANGE-2770 enforced after brownouts: the cross-workspace endpoints answer 410.',
    source: SOURCES.gitbackupPr228,
    confidence: 'M',
  },
  {
    id: 'oauth-changes-enforced',
    date: '2026-05-04',
    event:
      'OAuth changes enforced: no access tokens in the query or POST body, `scope` instead of `scopes`, ' +
      'rotating refresh tokens, no refresh tokens for client_credentials.',
    source: DOCS.oauthChanges2026,
    confidence: 'H',
  },
  {
    id: 'app-password-brownouts-start',
    date: '2026-06-09',
    event:
      'App-password brownouts begin: API calls with app passwords fail with 401 in 15-minute windows at 00/06/12/18 UTC, growing to 30 minutes.',
    source: DOCS.appPasswordBrownouts,
    confidence: 'H',
  },
  {
    id: 'app-password-brownouts-end',
    date: '2026-07-27',
    event: 'Last day of app-password brownouts.',
    source: DOCS.appPasswordBrownouts,
    confidence: 'H',
  },
  {
    id: 'app-passwords-removed',
    date: '2026-07-28',
    event: 'App passwords fully removed: API tokens are the only way to use Basic authentication.',
    source: DOCS.appPasswordBrownouts,
    confidence: 'H',
  },
  {
    id: 'issues-wikis-sunset',
    date: '2026-08-20',
    event: 'Announced sunset of Bitbucket Cloud Issues and Wikis.',
    source: SOURCES.issuesWikisSunset,
    confidence: 'M',
  },
];

/** The date of an event (UTC midnight at its start; the first of the month for `YYYY-MM`). */
export function eventDate(id: TimelineEventId): Date {
  const event = TIMELINE.find((candidate) => candidate.id === id);
  // Unreachable for a TimelineEventId; kept so that a typo in the data fails loudly in tests.
  if (event === undefined) throw new Error(`Unknown timeline event: ${id}`);
  const iso = event.date.length === 7 ? `${event.date}-01` : event.date;
  return new Date(`${iso}T00:00:00Z`);
}

/** True once the event's day has begun (UTC). */
export function hasHappened(id: TimelineEventId, now: Date): boolean {
  return now.getTime() >= eventDate(id).getTime();
}

export type AppPasswordStatus = 'working' | 'creation-disabled' | 'brownouts' | 'removed';

/**
 * Where app passwords stand at `now` (UTC): working until 2025-09-09, then creation disabled,
 * brownouts from 2026-06-09, removed from 2026-07-28.
 */
export function appPasswordStatus(now: Date): AppPasswordStatus {
  if (hasHappened('app-passwords-removed', now)) return 'removed';
  if (hasHappened('app-password-brownouts-start', now)) return 'brownouts';
  if (hasHappened('app-password-creation-disabled', now)) return 'creation-disabled';
  return 'working';
}

/** The day of an event as written in the timeline (`YYYY-MM-DD`), for advice that dates itself. */
export function day(id: TimelineEventId): string {
  return TIMELINE.find((candidate) => candidate.id === id)?.date ?? id;
}
