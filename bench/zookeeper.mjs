#!/usr/bin/env node
// ZooKeeper benchmark: ktool zookeeper-start beside Apache ZooKeeper 3.8 (Debian) in the same run.
// - throughput and latency: a kazoo load generator (bench/zk-load.py, /usr/bin/python3; the sessions
//   split over --procs worker processes, default 4, threads inside each, one session per thread) running a create/getData/setData/exists/getChildren/delete mix with 100-byte data at 1,
//   8 and 32 sessions; ops/s, p50 and p99;
// - start-up: process start to the first `imok` (ktool: `ktool zookeeper-start`; Apache:
//   zkServer.sh start-foreground, polled with srvr since Apache says imok before it serves),
//   beside a bare `node -e ''`;
// - RSS of the server process (the java child for Apache) idle, right after each top-level run (the
//   generator gone), 2 s later, and its peak (VmHWM); the same reads for both servers.
// Run after a build: npm run build && node bench/zookeeper.mjs [secondsPerLevel] [--repeat N] [--procs P] [--startup-only [N]] [--help]
// Both servers run side by side (idle when not loaded) and the load alternates between them, N runs
// (default 3) per level: a table shows each level's median ops/s, and the CPU each side used during
// the runs. The machine has 2 cores shared by the server and the generator; kazoo's Python threads
// share one GIL per process, hence several generator processes, but they still compete with the
// server for the same 2 cores.
// --startup-only: no load, no Apache; N (default 9) rounds alternating a bare `node -e ''` (spawn to
// exit) and `ktool zookeeper-start` (spawn to the first `imok` for `ruok`), both spawned the same
// way, so the ratio compares like with like under the same machine load; prints both medians.
// Goals (issue 5): throughput >= Apache's at 32 sessions; start-up <= 2x `node -e ''` and <= half
// of Apache's; RSS after load <= a quarter of Apache's.
import {spawn, spawnSync} from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const argv = process.argv.slice(2)
if (argv.includes('--help') || argv.includes('-h')) {
  // The header comment is the help.
  const header = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1).filter((l) => l.startsWith('//'))
  console.log(header.map((l) => l.replace(/^\/\/ ?/, '')).join('\n'))
  process.exit(0)
}
const startupOnly = argv.includes('--startup-only')
const repeatAt = argv.indexOf('--repeat')
const repeat = repeatAt >= 0 ? Number(argv[repeatAt + 1]) || 3 : 3
const procsAt = argv.indexOf('--procs')
const procs = procsAt >= 0 ? Number(argv[procsAt + 1]) || 4 : 4
const optionValue = (i) => (repeatAt >= 0 && i === repeatAt + 1) || (procsAt >= 0 && i === procsAt + 1)
const seconds = Number(argv.find((a, i) => !a.startsWith('--') && !optionValue(i)) ?? 5)
const SETTLE_MS = 2000
const LEVELS = [1, 8, 32]
const PYTHON = '/usr/bin/python3'
const ZK_HOME = '/usr/share/zookeeper'

const LOAD = join(root, 'bench/zk-load.py')

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = s.address().port
      s.close(() => resolve(port))
    })
  })
}

function word(port, w) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.end(w))
    let out = ''
    s.setEncoding('utf8').on('data', (d) => (out += d))
    s.on('close', () => resolve(out))
    s.on('error', () => resolve(''))
    s.setTimeout(2000, () => s.destroy())
  })
}

async function waitFor(port, ready, started, child, probe = 'srvr') {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}`)
    if (ready(await word(port, probe))) return Number(process.hrtime.bigint() - started) / 1e6
    await new Promise((r) => setTimeout(r, 2))
  }
}

function serverPid(pid) {
  // The server process, or its java child for zkServer.sh.
  const kids = spawnSync('pgrep', ['-P', String(pid)], {encoding: 'utf8'}).stdout.trim().split('\n').filter(Boolean)
  return kids.find((k) => fs.readFileSync(`/proc/${k}/cmdline`, 'utf8').includes('java')) ?? pid
}

function rssOf(pid, field = 'VmRSS') {
  // MB of the server process itself (the java child for zkServer.sh). VmHWM is the peak RSS.
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${serverPid(pid)}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

function cpuSeconds(pid) {
  // utime + stime of the process (all threads), in clock ticks of 1/100 s.
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(f[11]) + Number(f[12])) / 100
}

async function startKtool(ready = (t) => t.startsWith('Zookeeper version'), probe = 'srvr') {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'ktool-'))
  const port = await freePort()
  fs.writeFileSync(join(dir, 'zk.properties'), `dataDir=${dir}/data\nclientPort=${port}\nclientPortAddress=127.0.0.1\n4lw.commands.whitelist=*\n`)
  const started = process.hrtime.bigint()
  const child = spawn(process.execPath, [join(root, 'bin/run.js'), 'zookeeper-start', join(dir, 'zk.properties')], {
    env: {...process.env, NODE_ENV: 'production'}, stdio: 'ignore',
  })
  const ms = await waitFor(port, ready, started, child, probe)
  return {name: 'ktool', port, child, dir, startupMs: ms}
}

async function startApache() {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'ktool-'))
  const port = await freePort()
  fs.mkdirSync(join(dir, 'conf'))
  fs.writeFileSync(join(dir, 'conf/zoo.cfg'), `tickTime=3000\ndataDir=${dir}/data\nclientPort=${port}\nclientPortAddress=127.0.0.1\nmaxClientCnxns=0\nadmin.enableServer=false\n4lw.commands.whitelist=*\n`)
  const started = process.hrtime.bigint()
  const child = spawn(join(ZK_HOME, 'bin/zkServer.sh'), ['start-foreground', join(dir, 'conf/zoo.cfg')], {
    env: {...process.env, ZOOCFGDIR: join(dir, 'conf'), ZOO_LOG_DIR: dir}, stdio: 'ignore',
  })
  const ms = await waitFor(port, (t) => t.startsWith('Zookeeper version'), started, child)
  return {name: 'Apache ZooKeeper 3.8', port, child, dir, startupMs: ms}
}

async function stop(s) {
  const done = new Promise((r) => s.child.on('exit', r))
  s.child.kill('SIGTERM')
  await Promise.race([done, new Promise((r) => setTimeout(r, 5000))])
  if (s.child.exitCode === null) s.child.kill('SIGKILL')
  fs.rmSync(s.dir, {recursive: true, force: true})
}

async function load(server, sessions) {
  // Server CPU is sampled when the generator prints "go" and "done" around its timed loop (all
  // sessions connected, none closed yet), as a share of one core over that wall time.
  const pid = serverPid(server.child.pid)
  const gen = spawn(PYTHON, [LOAD, `127.0.0.1:${server.port}`, String(sessions), String(seconds), `/bench-${process.pid}-${sessions}`, String(procs)], {stdio: ['ignore', 'pipe', 'inherit']})
  let c0, t0, c1, t1
  const lines = []
  let buf = ''
  gen.stdout.setEncoding('utf8').on('data', (d) => {
    buf += d
    for (let i; (i = buf.indexOf('\n')) >= 0; buf = buf.slice(i + 1)) {
      const line = buf.slice(0, i)
      if (line === 'go') [c0, t0] = [cpuSeconds(pid), process.hrtime.bigint()]
      else if (line === 'done') [c1, t1] = [cpuSeconds(pid), process.hrtime.bigint()]
      else lines.push(line)
    }
  })
  const code = await new Promise((res) => gen.on('exit', res))
  await new Promise((res) => setImmediate(res))
  if (code !== 0 || c1 === undefined) throw new Error(`load generator exited ${code}`)
  const r = JSON.parse(lines.at(-1))
  r.server_cpu_pct = Math.round((100 * (c1 - c0)) / (Number(t1 - t0) / 1e9))
  // RSS after load, taken the same way for both servers: the server's VmRSS as soon as the
  // generator has exited (its sessions closed, its tree deleted), and again after a settle with
  // nothing running (only at the top level, to keep the run short).
  if (sessions === LEVELS.at(-1)) {
    r.rss_now_mb = Math.round(rssOf(server.child.pid))
    await new Promise((res) => setTimeout(res, SETTLE_MS))
    r.rss_settled_mb = Math.round(rssOf(server.child.pid))
  }
  return r
}

function nodeFloor(runs = 7) {
  const xs = []
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint()
    spawnSync(process.execPath, ['-e', ''])
    xs.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  return xs.sort((a, b) => a - b)[Math.floor(runs / 2)]
}

if (startupOnly) {
  const i = argv.indexOf('--startup-only')
  const rounds = Number(argv[i + 1]) || 9
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const floors = []
  const ktool = []
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint()
    const n = spawn(process.execPath, ['-e', ''], {stdio: 'ignore'})
    await new Promise((res) => n.on('exit', res))
    floors.push(Number(process.hrtime.bigint() - t) / 1e6)
    const s = await startKtool((text) => text === 'imok', 'ruok')
    ktool.push(s.startupMs)
    await stop(s)
  }
  const [k, f] = [median(ktool), median(floors)]
  console.log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, ${os.cpus().length} CPUs, ${rounds} rounds`)
  console.log(`ktool zookeeper-start to first imok: ${k.toFixed(0)} ms  [${ktool.map((x) => x.toFixed(0)).join(' ')}]`)
  console.log(`node -e '' (spawn to exit):          ${f.toFixed(0)} ms  [${floors.map((x) => x.toFixed(0)).join(' ')}]`)
  console.log(`ratio ${(k / f).toFixed(2)} (goal <= 2)`)
  process.exit(0)
}

const loadAtStart = os.loadavg()
const results = []
for (const start of [startKtool, startApache]) {
  // Start-up: median of 3 starts; the third stays up for the load.
  const starts = []
  let server
  for (let i = 0; i < 3; i++) {
    const s = await start()
    starts.push(s.startupMs)
    if (i < 2) await stop(s)
    else server = s
  }
  results.push({name: server.name, server, startupMs: starts.sort((a, b) => a - b)[1], rssIdleMb: rssOf(server.child.pid), runs: new Map()})
}
// Load alternates between the servers, so that both see the same machine conditions.
for (const n of LEVELS) {
  for (let i = 0; i < repeat; i++) {
    for (const r of i % 2 ? [...results].reverse() : results) {
      const run = await load(r.server, n)
      r.runs.set(n, [...(r.runs.get(n) ?? []), run])
      process.stderr.write(`${r.name} ${n} sessions, run ${i + 1}/${repeat}: ${JSON.stringify(run)}\n`)
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
for (const r of results) {
  const top = r.runs.get(LEVELS.at(-1))
  r.rssAfterMb = median(top.map((x) => x.rss_now_mb))
  r.rssSettledMb = median(top.map((x) => x.rss_settled_mb))
  r.rssPeakMb = rssOf(r.server.child.pid, 'VmHWM')
  await stop(r.server)
  r.levels = LEVELS.map((n) => {
    const runs = r.runs.get(n)
    return {sessions: n, ops_per_s: median(runs.map((x) => x.ops_per_s)), all: runs.map((x) => x.ops_per_s),
      p50_ms: median(runs.map((x) => x.p50_ms)), p99_ms: median(runs.map((x) => x.p99_ms)),
      server_cpu_pct: median(runs.map((x) => x.server_cpu_pct)), gen_cpu_pct: median(runs.map((x) => x.gen_cpu_pct))}
  })
}
const floor = nodeFloor()

const [ours, theirs] = results
const f = (x, d = 0) => Number(x).toFixed(d)
const loads = (l) => l.map((x) => x.toFixed(2)).join(' ')
console.log(`\nZooKeeper benchmark (${seconds} s per level, ${repeat} alternating runs per level, medians; kazoo load generator, ${os.cpus().length} CPUs, load average ${loads(loadAtStart)} at the start, ${loads(os.loadavg())} at the end)\n`)
console.log('| server | sessions | ops/s (median) | runs | p50 ms | p99 ms | server CPU % | generator CPU % |')
console.log('|---|---|---|---|---|---|---|---|')
for (const r of results) for (const l of r.levels) console.log(`| ${r.name} | ${l.sessions} | ${l.ops_per_s} | ${l.all.join(' ')} | ${l.p50_ms} | ${l.p99_ms} | ${l.server_cpu_pct} | ${l.gen_cpu_pct} |`)
console.log(`(CPU % of one core, so up to ${os.cpus().length * 100}; the generator runs ${procs} Python processes (sessions split between them, threads inside each), so it is no longer held to one core by the GIL, but it shares the ${os.cpus().length} CPUs with the server under test)`)
console.log('')
console.log('| | ktool | Apache ZooKeeper 3.8 | ratio |')
console.log('|---|---|---|---|')
console.log(`| start-up to serving (ms) | ${f(ours.startupMs)} | ${f(theirs.startupMs)} | ${f(ours.startupMs / theirs.startupMs, 2)} |`)
console.log(`| \`node -e ''\` (ms) | ${f(floor)} | | ktool / floor ${f(ours.startupMs / floor, 2)} |`)
console.log(`| RSS idle (MB) | ${f(ours.rssIdleMb)} | ${f(theirs.rssIdleMb)} | ${f(ours.rssIdleMb / theirs.rssIdleMb, 2)} |`)
console.log(`| RSS right after load (MB) | ${f(ours.rssAfterMb)} | ${f(theirs.rssAfterMb)} | ${f(ours.rssAfterMb / theirs.rssAfterMb, 2)} |`)
console.log(`| RSS ${SETTLE_MS / 1000} s after load (MB) | ${f(ours.rssSettledMb)} | ${f(theirs.rssSettledMb)} | ${f(ours.rssSettledMb / theirs.rssSettledMb, 2)} |`)
console.log(`| peak RSS, VmHWM (MB) | ${f(ours.rssPeakMb)} | ${f(theirs.rssPeakMb)} | ${f(ours.rssPeakMb / theirs.rssPeakMb, 2)} |`)
const t32 = (r) => r.levels.find((l) => l.sessions === 32).ops_per_s
console.log(`| ops/s at 32 sessions | ${t32(ours)} | ${t32(theirs)} | ${f(t32(ours) / t32(theirs), 2)} |`)
