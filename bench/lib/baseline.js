'use strict';
// `--baseline <git-ref>`: that ref checked out in a git worktree under .infra/bench-baseline/<sha>
// and built there, once per sha (reused by later runs), to run the same scenarios against it.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('./system');

const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** The checkout of `ref`, built: { ref, sha, dir, nodeModules: 'shared' | 'own' }. */
function prepareBaseline(ref, log) {
  let sha;
  try {
    sha = git('rev-parse', '--verify', `${ref}^{commit}`);
  } catch {
    throw new Error(`--baseline ${ref}: not a commit in this repository (git rev-parse --verify ${ref})`);
  }
  const dir = path.join(ROOT, '.infra', 'bench-baseline', sha);
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    log(`baseline ${ref} (${sha.slice(0, 10)}): git worktree in ${path.relative(ROOT, dir)}`);
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    git('worktree', 'prune');
    git('worktree', 'add', '--detach', dir, sha);
  }
  const modules = path.join(dir, 'node_modules');
  let nodeModules = fs.existsSync(modules) && fs.lstatSync(modules).isSymbolicLink() ? 'shared' : 'own';
  if (!fs.existsSync(modules)) {
    // The same lockfile means the same packages: this checkout's node_modules serves both.
    const same = fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8') === fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8');
    if (same) {
      fs.symlinkSync(path.join(ROOT, 'node_modules'), modules, 'dir');
      nodeModules = 'shared';
    } else {
      log(`baseline: its package-lock.json differs, npm ci in ${path.relative(ROOT, dir)}…`);
      execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
    }
  }
  // Built once per sha; the marker is written after a build that finished, so a cut-off one is redone.
  const marker = path.join(dir, 'dist', '.bench-built');
  if (!fs.existsSync(marker)) {
    log(`baseline: npm run build in ${path.relative(ROOT, dir)}…`);
    execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
    fs.writeFileSync(marker, `${sha}\n`);
  }
  return { ref, sha, dir, nodeModules };
}

module.exports = { prepareBaseline };
