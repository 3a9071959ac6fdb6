import type { RunArgs } from '../intake/input.js';

/** Parsed options of a run (flags of contract.md), as yargs gives them. */
export interface ParsedArgs extends RunArgs {
  readonly _: (string | number)[];
  readonly '--'?: (string | number)[];
  readonly format?: string;
  /** Repeatable: a string once, an array when given more than once. */
  readonly output?: string | readonly string[];
  readonly verbose: boolean;
  readonly timeout: number;
  readonly cacert?: string;
  readonly allowInsecureHttp?: boolean;
  readonly curl?: string;
  /** `--git 'git …'`, `--git-url URL`, `--remote [NAME]` ('' for the default remote). */
  readonly git?: string;
  readonly gitUrl?: string;
  readonly remote?: string;
  readonly netrc?: boolean;
  readonly netrcFile?: string;
  readonly gitCredential?: boolean;
  readonly list?: boolean;
  /** demo's positional, or simulate's --scenario. */
  readonly scenario?: string;
  readonly port?: number;
  /** simulate's --product: `cloud` (default) or `data-center`. */
  readonly product?: string;
  readonly latencyMs?: number;
  readonly fault?: string;
  readonly file?: string;
}

/** Parses argv the way the CLI does (the demo parses its scenario's arguments with it). */
export type ParseArgs = (argv: readonly string[]) => Promise<ParsedArgs>;
