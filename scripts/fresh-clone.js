// `npm run test:fresh-clone`: the newcomer's first minutes, checked. Clones this repository (what
// is committed: the branch checked out here) into a temporary directory, reads the README's Quick
// start there, runs each of its commands exactly as written, in the clone, and checks that they
// succeed. The demo exits 1 by design (it finds the problem): the README says so, and that is a
// success here when the demo's diagnosis is in its output. Not part of `npm test`, which it runs:
// it takes minutes (npm install and the whole suite, in the clone). `--keep` keeps the clone,
// `--dry-run` only prints the commands.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('..', import.meta.url));
const keep = process.argv.includes('--keep');
// `--dry-run`: clone and print the commands, run nothing.
const dryRun = process.argv.includes('--dry-run');

const git = (args, cwd) => {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout.trim();
};

/** The shell code blocks of the README's "Quick start" section, up to its next heading. */
const quickStartCommands = (readme) => {
  const section = /^## Quick start\n([\s\S]*?)(?=^#{1,3} )/mu.exec(readme)?.[1];
  if (section === undefined) throw new Error('README.md has no "## Quick start" section');
  const blocks = [...section.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gmu)].map((m) =>
    m[1].trim(),
  );
  if (blocks.length === 0) throw new Error('the Quick start has no sh code block');
  return blocks.flatMap((block) => block.split('\n').filter((l) => l.trim() !== ''));
};

/** Runs one command line in the clone with sh, streaming its output; resolves code and output. */
const run = (command, cwd, env) =>
  new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    for (const stream of [child.stdout, child.stderr])
      stream.on('data', (d) => {
        output += d;
        process.stdout.write(d);
      });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });

const root = git(['rev-parse', '--show-toplevel'], here);
const dir = mkdtempSync(join(tmpdir(), 'bb-doctor-fresh-clone-'));
const clone = join(dir, 'bb-doctor');
let failed = 0;
try {
  git(['clone', '-q', root, clone], dir);
  console.log(
    `fresh clone of ${root} (${git(['log', '-1', '--format=%h %s'], clone)}) in ${clone}`,
  );
  const readme = readFileSync(join(clone, 'README.md'), 'utf8');
  const commands = quickStartCommands(readme);
  // The demo's exit 1 is expected only while the README says so.
  const demoExitsOne = /`npm start`[\s\S]{0,200}?\bexits 1\b/u.test(readme);
  // A newcomer's environment: no Bitbucket secrets, no colour codes in the captured output.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(?:BITBUCKET_|npm_|INIT_CWD$|NODE_OPTIONS$)/u.test(name),
    ),
  );
  env.NO_COLOR = '1';
  for (const command of commands) {
    console.log(`\n$ ${command}`);
    if (dryRun) continue;
    const started = Date.now();
    const { code, output } = await run(command, clone, env);
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    const demo = /\bnpm start\b/u.test(command);
    const diagnosed = /Diagnosis: [A-Z_]+/u.test(output);
    let verdict;
    if (code === 0) verdict = 'ok';
    else if (demo && code === 1 && demoExitsOne && diagnosed)
      verdict = 'ok (exit 1: the demo found the problem, as the README says)';
    else verdict = undefined;
    if (verdict === undefined) {
      failed += 1;
      console.log(`\n✗ ${command}: exit ${code} after ${seconds} s`);
    } else console.log(`\n✓ ${command}: ${verdict}, ${seconds} s`);
  }
  console.log(
    dryRun
      ? '\nfresh clone: dry run, nothing was run.'
      : failed === 0
        ? `\nfresh clone: every Quick-start command (${commands.length}) succeeded.`
        : `\nfresh clone: ${failed} of ${commands.length} Quick-start commands failed.`,
  );
} catch (error) {
  failed += 1;
  console.error(`fresh clone: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  if (keep) console.log(`kept ${clone}`);
  else rmSync(dir, { recursive: true, force: true });
}
process.exitCode = failed === 0 ? 0 : 1;
