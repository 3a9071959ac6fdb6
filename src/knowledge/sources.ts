/**
 * Evidence links: the issue threads, community answers and KB pages the dossier
 * (bitbucket-auth.md) cites for wire-level facts. Official documentation lives in DOCS (docs.ts).
 *
 * The dossier cites GitHub threads as `owner/repo #N` and some community threads by id only; those
 * URLs are written out here in GitHub's and Atlassian Community's usual form (marked "from the
 * citation"). The dossier's own full URLs are copied as they are.
 */
export const SOURCES = {
  // §1.6 token-endpoint errors
  p2OAuth2Issue96: 'https://github.com/p2/OAuth2/issues/96', // from the citation
  ericchiangGist: 'https://gist.github.com/ericchiang/6e82e497ec45ea2aedbf', // from the citation
  composerPr5335: 'https://github.com/composer/composer/pull/5335', // from the citation
  composerPr10678: 'https://github.com/composer/composer/pull/10678', // from the citation
  sobaIssue50: 'https://github.com/jonhadfield/soba/issues/50', // from the citation
  bitbucketIssue16249: 'https://bitbucket.org/site/master/issues/16249', // from the citation
  refreshTokenQuestion:
    'https://community.atlassian.com/t5/Bitbucket-questions/How-do-I-refresh-a-token/qaq-p/1545002', // from the citation
  gasGithubIssue93: 'https://github.com/leonhartX/gas-github/issues/93', // from the citation

  // §1.7 token errors on the REST side
  swoodfordIssue1:
    'https://github.com/swoodford/migrate_bitbucket_server_to_bitbucket_cloud/issues/1', // from the citation
  coverallsIssue1541: 'https://github.com/lemurheavy/coveralls-public/issues/1541', // from the citation
  avivsinaiBitbucketCli: 'https://github.com/avivsinai/bitbucket-cli', // pkg/httpx/client_test.go
  avivsinaiIssue30: 'https://github.com/avivsinai/bitbucket-cli/issues/30', // from the citation
  avivsinaiIssue62: 'https://github.com/avivsinai/bitbucket-cli/issues/62', // from the citation
  avivsinaiIssue70: 'https://github.com/avivsinai/bitbucket-cli/issues/70', // from the citation

  // §3.2 private repository / 404 shapes
  composerPr10657: 'https://github.com/composer/composer/pull/10657', // from the citation
  privateRepoNoScheme:
    'https://community.atlassian.com/forums/Bitbucket-questions/facing-issue-to-GET-PRIVATE-REPOSITORY-using-api-curl/qaq-p/3141816',
  bbbackupIssue3: 'https://github.com/OpenReplyDE/bbbackup/issues/3', // from the citation
  nishioDensIssue37:
    'https://github.com/nishio-dens/bitbucket-pullrequest-builder-plugin/issues/37', // from the citation
  nishioDensIssue197:
    'https://github.com/nishio-dens/bitbucket-pullrequest-builder-plugin/issues/197', // from the citation
  bearerCaseThread:
    'https://community.atlassian.com/t5/Bitbucket-questions/bitbucket-API-v2-repositories-username-repo-slug-permissions/qaq-p/648089',

  // §3.4 body shapes
  gearplugIssue10: 'https://github.com/GearPlug/bitbucket-python/issues/10', // from the citation
  mantisbtIssue399: 'https://github.com/mantisbt-plugins/source-integration/issues/399', // from the citation
  mistyKuuIssue31: 'https://github.com/MistyKuu/bitbucket-for-visual-studio/issues/31', // from the citation
  conduktorIssue68: 'https://github.com/conduktor/kafka-security-manager/issues/68', // from the citation
  bcloud22703: 'https://jira.atlassian.com/browse/BCLOUD-22703', // from the citation

  // §3.7 CHANGE-2770
  goBitbucketIssue357: 'https://github.com/ktrysmt/go-bitbucket/issues/357', // from the citation
  gitbackupPr228: 'https://github.com/amitsaha/gitbackup/pull/228', // from the citation
  t3codeIssue8328: 'https://github.com/pingdotgg/t3code/issues/8328', // from the citation
  atlassianPythonIssue1607: 'https://github.com/atlassian-api/atlassian-python-api/issues/1607', // from the citation
  atlassianPythonIssue633: 'https://github.com/atlassian-api/atlassian-python-api/issues/633', // from the citation
  infisicalPr6152: 'https://github.com/Infisical/infisical/pull/6152', // from the citation

  // §4.4 scope errors
  backstageIssue22383: 'https://github.com/backstage/backstage/issues/22383', // from the citation
  gildasIssue56: 'https://github.com/gildas/bitbucket-cli/issues/56', // from the citation

  // §6 API 1.0
  backupOnTheGoIssue4: 'https://github.com/xuhdev/backup-on-the-go/issues/4', // from the citation
  bugwarriorIssue694: 'https://github.com/GothenburgBitFactory/bugwarrior/issues/694', // from the citation

  // §9.17 website paths
  ftpbucketPr30: 'https://github.com/Wanchai/FTPbucket/pull/30', // from the citation

  // §8 Data Center
  dataCenter401Headers: 'https://community.atlassian.com/t5/x/x/qaq-p/1064279', // from the citation
  stashnotifierIssue263: 'https://github.com/jenkinsci/stashnotifier-plugin/issues/263', // from the citation
  desktopIssue14680: 'https://github.com/desktop/desktop/issues/14680', // from the citation
  jiraPluginIssue26: 'https://github.com/gioboa/jira-plugin/issues/26', // from the citation (Jira, not Bitbucket)
  gcmHostProvider:
    'https://github.com/git-ecosystem/git-credential-manager/blob/main/src/shared/Atlassian.Bitbucket/BitbucketHostProvider.cs', // from the citation

  // §5.1 timeline
  appPasswordsBlog: 'https://bitbucket.org/blog/app-passwords-bitbucket-cloud', // from the citation
  issuesWikisSunset: 'https://community.atlassian.com/t5/x/x/ba-p/3193882', // from the citation

  // §9.23 proxies; HTTP semantics (dossier "Standards": RFC 9110)
  proxyQuestion: 'https://community.atlassian.com/t5/x/x/qaq-p/316116', // from the citation
  rfc9110: 'https://www.rfc-editor.org/rfc/rfc9110', // from the citation
} as const;
