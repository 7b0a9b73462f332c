#!/usr/bin/env node
// CLI start-up: the median wall time of `ktool topics --help` beside a bare `node -e ''` (the
// floor for any Node program), interleaved, 10 runs each. Goal: at most 3x the floor.
// Help and --version on a pipe come from a build-time cache (src/cli/fast-path.ts); the oclif row
// shows the start-up of a command that loads @oclif/core.
// The tool rows run commands that do work against a broker this script starts (`ktool
// server-start` on a free port, a temp log dir): `topics --list` and `console-producer` with one
// line on stdin, each from the tools bundle (dist/bundle/kafka-tools.cjs with its code cache:
// src/cli/fast-path.ts runTool) and from dist/ through plain oclif (KTOOL_NO_BUNDLE=1),
// alternated. The load average is printed with the figures: the VM's 2 cores are shared.
// Run after a build: npm run build && node bench/cli-startup.mjs [runs]
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {loadavg, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const runs = Number(process.argv[2] ?? 10)
const env = {...process.env, NODE_ENV: 'production'}

const tmp = mkdtempSync(join(tmpdir(), 'ktool-bench-'))
const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const {port} = s.address()
    s.close(() => resolve(port))
  })
})
const bootstrap = `127.0.0.1:${port}`
const server = spawn(process.execPath, [join(root, 'bin', 'run.js'), 'server-start', '--override', `listeners=PLAINTEXT://${bootstrap}`,
  '--override', `log.dirs=${join(tmp, 'logs')}`, '--override', 'ktool.zookeeper.port=0'], {env, stdio: 'ignore'})
let stopped = false
const stop = () => {
  if (stopped) return
  stopped = true
  server.kill('SIGTERM')
  rmSync(tmp, {recursive: true, force: true})
}
// Also when a run throws; the broker keeps the event loop alive, so the end calls stop() too.
process.on('exit', stop)
const bin = join(root, 'bin', 'run.js')
for (let i = 0; ; i++) {
  if (spawnSync(process.execPath, [bin, 'topics', '--bootstrap-server', bootstrap, '--create', '--topic', 'bench', '--if-not-exists'], {env}).status === 0) break
  if (i === 50 || server.exitCode !== null) throw new Error('cli-startup: the broker did not start')
  await new Promise((r) => setTimeout(r, 200))
}
const list = ['topics', '--bootstrap-server', bootstrap, '--list']
const produce = ['console-producer', '--bootstrap-server', bootstrap, '--topic', 'bench']

const cases = {
  "node -e ''": [process.execPath, ['-e', '']],
  'ktool topics --help': [process.execPath, [join(root, 'bin', 'run.js'), 'topics', '--help']],
  'ktool --version': [process.execPath, [join(root, 'bin', 'run.js'), '--version']],
  // The same help rendered by oclif at run time: what any command that does work pays to start.
  'ktool topics --help (oclif)': [process.execPath, [join(root, 'bin', 'run.js'), 'topics', '--help'], {KTOOL_NO_HELP_CACHE: '1'}],
  'topics --list (bundle)': [process.execPath, [bin, ...list]],
  'topics --list (dist/)': [process.execPath, [bin, ...list], {KTOOL_NO_BUNDLE: '1'}],
  'console-producer 1 line (bundle)': [process.execPath, [bin, ...produce], {}, 'line\n'],
  'console-producer 1 line (dist/)': [process.execPath, [bin, ...produce], {KTOOL_NO_BUNDLE: '1'}, 'line\n'],
}

function time([cmd, args, extraEnv = {}, input]) {
  const start = process.hrtime.bigint()
  const r = spawnSync(cmd, args, {env: {...env, ...extraEnv}, input, stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe']})
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  return Number(process.hrtime.bigint() - start) / 1e6
}

const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
for (const c of Object.values(cases)) time(c) // warm the page cache
for (let i = 0; i < runs; i++) for (const [name, c] of Object.entries(cases)) samples[name].push(time(c))

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const floor = median(samples["node -e ''"])
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ')
console.log(`cli-startup: median of ${runs} interleaved runs, ${new Date().toISOString().slice(0, 10)}, load average ${load()}${process.env.NODE_EXTRA_CA_CERTS ? ' (NODE_EXTRA_CA_CERTS set: Node reads it before any JS)' : ''}`)
for (const [name, xs] of Object.entries(samples)) {
  const m = median(xs)
  console.log(`${name.padEnd(34)} ${m.toFixed(0).padStart(5)} ms  ${(m / floor).toFixed(2)}x node`)
}
const ratio = median(samples['ktool topics --help']) / floor
console.log(`goal: ktool topics --help <= 3x node -e '': ${ratio <= 3 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x)`)
for (const what of ['topics --list', 'console-producer 1 line']) {
  const saved = median(samples[`${what} (dist/)`]) - median(samples[`${what} (bundle)`])
  console.log(`${what}: the tools bundle saves ${saved.toFixed(0)} ms (median)`)
}
stop()
