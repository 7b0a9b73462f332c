#!/usr/bin/env node
// Broker benchmark (run on demand: `node bench/broker.mjs`; needs the build: npm run build).
// Starts `ktool server-start` as a real process and measures:
//   - time from process spawn to the first Metadata response served;
//   - broker RSS idle, and the highest RSS seen under load;
//   - kcat producing N records of 100 bytes (batch.num.messages=10000, linger.ms=5) and
//     consuming them back (-C -c N into a file and into /dev/null, and -C -e which adds one
//     empty long poll), in records/s and MB/s;
//   - the loopback-to-file limit measured in the same run: the same bytes over a loopback TCP
//     socket into a file, with no Kafka in between;
//   - a kafkajs producer (batches of 5,000: 10,000 would exceed message.max.bytes; acks=1).
// Options: --records N (default 2,000,000), --starts N (start-up samples, default 5), --keep,
// --startup-only (the start-up lines, no load), --consume-runs N (kcat runs of each consume way,
// default 3).
// Start-up is the median of --starts spawns (one sample swings by +-50 ms on this 2-core machine),
// from the build's bundle and its code cache (dist/bundle/, scripts/bundle-servers.mjs) as
// bin/run.js starts it, and, alternated with those, as many from dist/ (KTOOL_NO_BUNDLE=1);
// beside a bare `node -e ''` timed the same way (spawn to exit, asynchronously) in the same run.
// The probe is a raw socket from this already-running process, so it costs the broker nothing.
import {spawn, spawnSync} from 'node:child_process'
import {closeSync, createWriteStream, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, createReadStream, statSync} from 'node:fs'
import net from 'node:net'
import {loadavg, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const N = Number(args[args.indexOf('--records') + 1] ?? 0) || 2_000_000
const RECORD = 100
const dir = mkdtempSync(join(tmpdir(), 'ktool-bench-'))

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port
      s.close(() => resolve(p))
    })
  })
}

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : NaN
  } catch {
    return NaN
  }
}

/** One Metadata v0 request over a raw socket; resolves true when a response arrives. */
function metadataOnce(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1')
    s.on('connect', () => {
      const clientId = Buffer.from('bench')
      const body = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length + 4)
      let o = 0
      o = body.writeInt32BE(body.length - 4, o)
      o = body.writeInt16BE(3, o)
      o = body.writeInt16BE(0, o)
      o = body.writeInt32BE(1, o)
      o = body.writeInt16BE(clientId.length, o)
      o += clientId.copy(body, o)
      body.writeInt32BE(0, o)
      s.write(body)
    })
    s.once('data', () => {
      s.destroy()
      resolve(true)
    })
    s.on('error', () => resolve(false))
  })
}

/** CPU seconds (user + system) the broker process has used so far. */
function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(f[11]) + Number(f[12])) / 100
  } catch {
    return NaN
  }
}

function time(cmd, argv, opts = {}) {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(cmd, argv, {maxBuffer: 1 << 30, ...opts})
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed: ${r.stderr}`)
  return {ms, r}
}

async function loopbackToFile(file) {
  const out = join(dir, 'loopback.out')
  const server = net.createServer((sock) => sock.pipe(createWriteStream(out)))
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  const t0 = process.hrtime.bigint()
  await new Promise((resolve, reject) => {
    const c = net.connect(server.address().port, '127.0.0.1', () => createReadStream(file).pipe(c))
    c.on('close', resolve)
    c.on('error', reject)
    server.on('connection', (sock) => sock.on('close', () => {
      c.destroy()
      resolve()
    }))
  })
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  server.close()
  return ms
}

const fmt = (n) => Math.round(n).toLocaleString('en-US')
const results = []
const report = (what, records, bytes, ms, extra = '') => {
  const line = `${what.padEnd(34)} ${fmt(records / (ms / 1000)).padStart(12)} rec/s ${(bytes / 1e6 / (ms / 1000)).toFixed(1).padStart(8)} MB/s  (${(ms / 1000).toFixed(2)} s${extra ? ', ' + extra : ''})`
  results.push(line)
  console.log(line)
}

const STARTS = Math.max(1, Number(args[args.indexOf('--starts') + 1] ?? 0) || 5)
const CONSUME_RUNS = Math.max(1, Number(args[args.indexOf('--consume-runs') + 1] ?? 0) || 3)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** Spawns a broker on a fresh log dir; resolves with it once a Metadata request is answered. */
async function startBroker(logDir, env = {}) {
  const port = await freePort()
  const t0 = process.hrtime.bigint()
  const child = spawn(process.execPath, [join(ROOT, 'bin/run.js'), 'server-start', '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `log.dirs=${logDir}`, '--override', 'broker.id=0', '--override', 'ktool.zookeeper.port=0', '--override', 'offsets.topic.replication.factor=1'], {
    env: {...process.env, NODE_ENV: 'production', ...env},
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  while (!(await metadataOnce(port))) {
    if (child.exitCode !== null) throw new Error(`broker exited ${child.exitCode}`)
    await new Promise((r) => setTimeout(r, 2))
  }
  // CPU the broker used to get there: steadier than wall time when others share the machine.
  return {child, port, ms: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: cpuSeconds(child.pid) * 1000}
}

async function stopBroker(child) {
  const exited = new Promise((r) => child.on('exit', r))
  child.kill('SIGTERM')
  await exited
}

/** `node -e ''` from spawn to exit, timed like the broker (asynchronous spawn). */
async function nodeFloorOnce(env = process.env) {
  const t0 = process.hrtime.bigint()
  const child = spawn(process.execPath, ['-e', ''], {stdio: 'ignore', env})
  await new Promise((r) => child.on('exit', r))
  return Number(process.hrtime.bigint() - t0) / 1e6
}

const logDir = join(dir, 'logs')
const starts = []
const cpus = []
const floors = []
// Without the bundle, alternated with the bundled starts (when the build has a current bundle).
const {serverBundle} = await import(join(ROOT, 'dist/cli/fast-path.js'))
const bundled = serverBundle('broker') !== null
const plainStarts = []
const plainCpus = []
// Node reads NODE_EXTRA_CA_CERTS (every certificate in the file) before any JS runs: when it is
// set, the bare floor without it says how much of every figure here is that environment's.
const noCa = {...process.env}
delete noCa.NODE_EXTRA_CA_CERTS
const bareFloors = []
for (let i = 1; i <= STARTS; i++) {
  floors.push(await nodeFloorOnce())
  if (process.env.NODE_EXTRA_CA_CERTS) bareFloors.push(await nodeFloorOnce(noCa))
  for (const plain of !bundled ? [false] : i % 2 ? [true, false] : [false, true]) {
    if (!plain && i === STARTS) continue // the last bundled start is the one kept for the load
    const b = await startBroker(join(dir, `start-${i}-${plain ? 'dist' : 'bundle'}`), plain ? {KTOOL_NO_BUNDLE: '1'} : {})
    ;(plain ? plainStarts : starts).push(b.ms)
    ;(plain ? plainCpus : cpus).push(b.cpuMs)
    await stopBroker(b.child)
  }
}
const {child: broker, port, ms: lastStart, cpuMs: lastCpu} = await startBroker(logDir)
starts.push(lastStart)
cpus.push(lastCpu)
console.log(`start to first Metadata             ${median(starts).toFixed(0)} ms (goal < 300; median of ${STARTS}: ${starts.map((x) => x.toFixed(0)).join(' ')}; node -e '' ${median(floors).toFixed(0)} ms; broker CPU ${median(cpus).toFixed(0)} ms${bundled ? ', from the bundle' : ', no current bundle: from dist/'})`)
if (bundled) console.log(`  the same from dist/ (no bundle)   ${median(plainStarts).toFixed(0)} ms (median of ${STARTS}: ${plainStarts.map((x) => x.toFixed(0)).join(' ')}; broker CPU ${median(plainCpus).toFixed(0)} ms)`)
if (bareFloors.length) console.log(`  node -e '' without NODE_EXTRA_CA_CERTS ${median(bareFloors).toFixed(0)} ms (Node reads that file at start: about ${(median(floors) - median(bareFloors)).toFixed(0)} ms of each figure above)`)
console.log(`  load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`)
if (args.includes('--startup-only')) {
  await stopBroker(broker)
  if (!args.includes('--keep')) rmSync(dir, {recursive: true, force: true})
  process.exit(0)
}
try {
  await new Promise((r) => setTimeout(r, 1000))
  const idle = rssMb(broker.pid)
  console.log(`broker RSS idle                     ${idle.toFixed(1)} MB (goal < 80)`)

  const input = join(dir, 'records.txt')
  const line = 'x'.repeat(RECORD - 1) + '\n'
  writeFileSync(input, line.repeat(N))
  const bytes = N * RECORD

  const loopMs = await loopbackToFile(input)
  report('loopback-to-file (baseline)', N, bytes, loopMs)

  let peak = idle
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(broker.pid))), 100)
  const bootstrap = `127.0.0.1:${port}`
  // kcat reads its input file before producing, so the figure is the producer's, not the disk's.
  let cpu = cpuSeconds(broker.pid)
  const cpuSince = () => {
    const now = cpuSeconds(broker.pid)
    const used = now - cpu
    cpu = now
    return used
  }
  const cpuUsed = () => `broker CPU ${cpuSince().toFixed(2)} s`
  const p = time('kcat', ['-b', bootstrap, '-P', '-t', 'bench', '-l', input, '-X', 'batch.num.messages=10000', '-X', 'linger.ms=5'])
  report('kcat produce', N, bytes, p.ms, cpuUsed())
  // Output straight into a file (not through this process), then check its size. Three ways:
  //   -c N:         kcat exits once it holds all N records: the throughput of the fetch path;
  //   -c N, /dev/null: the same without kcat's own writes of the output (48,000 write(2) calls
  //                 for 200 MB: kcat's cost, not the broker's; -c N still means all N arrived);
  //   -e:           kcat exits at the end of the partition, which librdkafka only learns from a
  //                 fetch that comes back empty, i.e. after one full fetch.wait.max.ms (500 ms)
  //                 long poll at the end, as against Kafka: a fixed cost on top of the same transfer.
  // Each way runs CONSUME_RUNS times (kcat is CPU-bound on this 2-core machine, so one run swings
  // with whatever else runs): the best is reported, with every run's figure beside it.
  const consume = (label, endArgs, toFile = true) => {
    const consumed = toFile ? join(dir, 'consumed.txt') : '/dev/null'
    const runs = []
    for (let i = 0; i < CONSUME_RUNS; i++) {
      const fd = openSync(consumed, 'w')
      const c = time('kcat', ['-b', bootstrap, '-C', '-t', 'bench', '-o', 'beginning', ...endArgs, '-q', '-f', '%s\n'], {stdio: ['ignore', fd, 'pipe']})
      closeSync(fd)
      if (toFile) {
        const got = statSync(consumed).size
        if (got !== bytes) console.log(`!! consumed ${got} bytes, expected ${bytes}`)
      }
      runs.push(c.ms)
    }
    const all = runs.map((ms) => `${(N / (ms / 1000) / 1e6).toFixed(2)}M`).join(' ')
    report(label, N, bytes, Math.min(...runs), `best of ${runs.length}: ${all}; broker CPU ${(cpuSince() / runs.length).toFixed(2)} s per run`)
  }
  consume('kcat consume (-c N)', ['-c', String(N)])
  consume('kcat consume (-c N, to /dev/null)', ['-c', String(N)], false)
  consume('kcat consume (-e)', ['-e'])

  const {default: kafkajs} = await import('kafkajs')
  const kafka = new kafkajs.Kafka({brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING})
  const producer = kafka.producer()
  await producer.connect()
  const K = Math.min(N, 500_000)
  const value = Buffer.alloc(RECORD, 'y')
  const batch = Array.from({length: 5_000}, () => ({value}))
  cpuUsed()
  const k0 = process.hrtime.bigint()
  for (let sent = 0; sent < K; sent += batch.length) await producer.send({topic: 'bench-kafkajs', acks: 1, messages: batch})
  report('kafkajs produce (5k/batch)', K, K * RECORD, Number(process.hrtime.bigint() - k0) / 1e6, cpuUsed())
  await producer.disconnect()
  clearInterval(sampler)
  console.log(`broker RSS peak under load          ${peak.toFixed(1)} MB`)
  console.log(`log size on disk                    ${(Number(spawnSync('du', ['-sb', logDir]).stdout.toString().split('\t')[0]) / 1e6).toFixed(0)} MB`)
} finally {
  broker.kill('SIGTERM')
  await new Promise((r) => broker.on('exit', r))
  if (!args.includes('--keep')) rmSync(dir, {recursive: true, force: true})
}
