/**
 * The failing curl command: split it like a shell (`splitCommandLine`), read it like curl
 * (`parseCurl`), find what is wrong (`lintCurl`), fix what is mechanical (`correctCurl`) and print
 * it with secrets as placeholders (`formatCurl`). Pure functions: nothing is sent or executed.
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
  v1Replacement,
  type CurlLint,
  type CurlLintCode,
  type CurlLintOptions,
  type CurlLintSeverity,
} from './curl-lint.js';
export {
  curlBody,
  DEFAULT_SECRET_PLACEHOLDER,
  formatCurl,
  toFailingRequest,
  type FormatCurlOptions,
} from './curl-format.js';
export { findReferences, type ShellReference } from './curl-url.js';
