#!/usr/bin/env node
// CLI start-up: the median wall time of `ktool topics --help` beside a bare `node -e ''` (the
// floor for any Node program), interleaved, 10 runs each. Goal: at most 3x the floor.
// Help and --version on a pipe come from a build-time cache (src/cli/fast-path.ts); the oclif row
// shows the start-up of a command that loads @oclif/core.
// Run after a build: npm run build && node bench/cli-startup.mjs [runs]
import {spawnSync} from 'node:child_process'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const runs = Number(process.argv[2] ?? 10)
const env = {...process.env, NODE_ENV: 'production'}

const cases = {
  "node -e ''": [process.execPath, ['-e', '']],
  'ktool topics --help': [process.execPath, [join(root, 'bin', 'run.js'), 'topics', '--help']],
  'ktool --version': [process.execPath, [join(root, 'bin', 'run.js'), '--version']],
  // The same help rendered by oclif at run time: what any command that does work pays to start.
  'ktool topics --help (oclif)': [process.execPath, [join(root, 'bin', 'run.js'), 'topics', '--help'], {KTOOL_NO_HELP_CACHE: '1'}],
}

function time([cmd, args, extraEnv = {}]) {
  const start = process.hrtime.bigint()
  const r = spawnSync(cmd, args, {env: {...env, ...extraEnv}, stdio: ['ignore', 'ignore', 'pipe']})
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  return Number(process.hrtime.bigint() - start) / 1e6
}

const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
for (const c of Object.values(cases)) time(c) // warm the page cache
for (let i = 0; i < runs; i++) for (const [name, c] of Object.entries(cases)) samples[name].push(time(c))

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const floor = median(samples["node -e ''"])
console.log(`cli-startup: median of ${runs} interleaved runs, ${new Date().toISOString().slice(0, 10)}`)
for (const [name, xs] of Object.entries(samples)) {
  const m = median(xs)
  console.log(`${name.padEnd(30)} ${m.toFixed(0).padStart(5)} ms  ${(m / floor).toFixed(2)}x node`)
}
const ratio = median(samples['ktool topics --help']) / floor
console.log(`goal: ktool topics --help <= 3x node -e '': ${ratio <= 3 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x)`)
