import { drained, guardStdout } from './commands/stdout-guard.js';
import { VERSION } from './version.js';

// stdout's write errors end the process cleanly: EPIPE quietly, ENOSPC with one line and exit 2.
const guard = guardStdout();
// `--version` is answered before anything else loads: the CLI (yargs, got, ora, boxen) is only
// evaluated when there is a run to do, so `bb-doctor --version` starts about as fast as node.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${VERSION}\n`);
  await drained();
  process.exitCode = guard.exitCode(0);
} else {
  const { main } = await import('./cli.js');
  const code = await main(args);
  await drained();
  process.exitCode = guard.exitCode(code);
}
