import { VERSION } from './version.js';

// `--version` is answered before anything else loads: the CLI (yargs, got, ora, boxen) is only
// evaluated when there is a run to do, so `bb-doctor --version` starts about as fast as node.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${VERSION}\n`);
} else {
  const { main } = await import('./cli.js');
  process.exitCode = await main(args);
}
