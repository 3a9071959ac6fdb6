/**
 * The failing curl command: split it like a shell (`splitCommandLine`), read it like curl
 * (`parseCurl`) and print it with secrets as placeholders (`formatCurl`). Pure functions: nothing
 * is sent or executed.
 *
 * What is wrong with it is judged by the curl rules (src/rules/curl/), which the curl-command
 * check runs. `lintCurl`, `correctCurl` and the `CurlLint` types are re-exported here only for
 * callers that still take them from intake (src/intake/curl-input.ts, src/types.ts).
 */
export {
  CurlParseError,
  impliedMethod,
  parseCurl,
  splitCommand,
  splitCommandLine,
  type CurlData,
  type CurlHeader,
  type ParsedCurl,
  type SplitCommand,
} from './curl-parse.js';
export {
  correctCurl,
  lintCurl,
  type CurlLint,
  type CurlLintCode,
  type CurlLintOptions,
  type CurlLintSeverity,
} from '../rules/curl/index.js';
export {
  curlBody,
  DEFAULT_SECRET_PLACEHOLDER,
  formatCurl,
  toFailingRequest,
  type FormatCurlOptions,
} from './curl-format.js';
export { findReferences, type ShellReference } from './curl-url.js';
