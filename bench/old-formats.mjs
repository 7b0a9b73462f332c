#!/usr/bin/env node
// The cost of serving old clients (run on demand: `node bench/old-formats.mjs`; needs the build).
// Starts `ktool server-start` as a real process, writes N records of 100 bytes with kcat
// (batch.num.messages=10000, linger.ms=5), then reads them back:
//   - Fetch v11 against Fetch v3 (down-conversion to magic 1) and Fetch v1 (magic 0), from this
//     process over one raw socket: full fetches of 1 MiB per partition from offset 0 to the end,
//     the responses only walked for the next offset (no record parsing on the client side);
//   - kcat default (Fetch v11) against kcat with api.version.request=false and
//     broker.version.fallback=0.9.0.1 (Fetch v1, magic 0: the only fallback for which librdkafka
//     2.0.2 really skips ApiVersions; with 0.10.0.0 it asks and then uses Fetch v11);
//   - the produce side: kcat default (Produce v7, v2 batches) against kcat with the 0.9.0.1
//     fallback (Produce v1, magic 0 message sets up-converted by the broker).
// Reports records/s, MB/s and the broker's CPU seconds for each, and the load average.
// Options: --records N (default 1,000,000), --keep.
import {spawn, spawnSync} from 'node:child_process'
import {closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import {loadavg, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const N = Number(args[args.indexOf('--records') + 1] ?? 0) || 1_000_000
const RECORD = 100
const dir = mkdtempSync(join(tmpdir(), 'ktool-bench-'))
const OLD = ['-X', 'api.version.request=false', '-X', 'broker.version.fallback=0.9.0.1']

const {encodeRequestFrame} = await import(join(ROOT, 'dist/protocol/kafka/frame.js'))
const {encodeFetchRequest} = await import(join(ROOT, 'dist/protocol/kafka/generated/fetch-request.js'))

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port
      s.close(() => resolve(p))
    })
  })
}

function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(f[11]) + Number(f[12])) / 100
}

function time(cmd, argv, opts = {}) {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(cmd, argv, {maxBuffer: 1 << 30, ...opts})
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed: ${r.stderr}`)
  return ms
}

const fmt = (n) => Math.round(n).toLocaleString('en-US')
const report = (what, records, bytes, ms, extra = '') =>
  console.log(`${what.padEnd(44)} ${fmt(records / (ms / 1000)).padStart(12)} rec/s ${(bytes / 1e6 / (ms / 1000)).toFixed(1).padStart(8)} MB/s  (${(ms / 1000).toFixed(2)} s${extra ? ', ' + extra : ''})`)

/** A raw connection that sends one request at a time and resolves with the response frame. */
async function connect(port) {
  const sock = net.connect(port, '127.0.0.1')
  await new Promise((r, j) => sock.once('connect', r).once('error', j))
  // One request at a time, so whatever arrives belongs to the one waiting response.
  let chunks = []
  let have = 0
  let need = -1
  let waiting = null
  sock.on('data', (d) => {
    chunks.push(d)
    have += d.length
    if (need < 0 && have >= 4) need = 4 + (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).readInt32BE(0)
    if (need < 0 || have < need) return
    const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, have)
    const frame = all.subarray(4, need)
    chunks = []
    have = 0
    need = -1
    const w = waiting
    waiting = null
    w(frame)
  })
  let corr = 0
  return {
    request(apiKey, version, body, encode) {
      return new Promise((resolve) => {
        waiting = resolve
        sock.write(encodeRequestFrame(apiKey, version, ++corr, 'bench', (w) => encode(w, body, version)))
      })
    },
    close: () => sock.destroy(),
  }
}

/**
 * Reads the whole partition with Fetch `version`; returns records seen and bytes received. The
 * response is walked by hand: header, then for v0-3 / v4-11 the one partition's fixed fields.
 */
async function fetchAll(port, topic, version, end) {
  const c = await connect(port)
  let offset = 0n
  let bytes = 0
  while (offset < end) {
    const body = {
      clusterId: null, replicaId: -1, replicaState: {replicaId: -1, replicaEpoch: -1n}, maxWaitMs: 500, minBytes: 1, maxBytes: 50 << 20,
      isolationLevel: 0, sessionId: 0, sessionEpoch: -1, rackId: '', forgottenTopicsData: [],
      topics: [{topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [{partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20, replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA'}]}],
    }
    const f = await c.request(1, version, body, encodeFetchRequest)
    bytes += f.length
    // correlation id, [throttle], [error, session], topics count, topic name, partitions count
    let p = 4 + (version >= 1 ? 4 : 0) + (version >= 7 ? 6 : 0) + 4
    p += 2 + f.readInt16BE(p) + 4
    p += 4 + 2 + 8 // partition, error, high watermark
    if (version >= 4) {
      p += 8 + (version >= 5 ? 8 : 0)
      const aborted = f.readInt32BE(p)
      p += 4 + Math.max(aborted, 0) * 16
      if (version >= 11) p += 4
    }
    const size = f.readInt32BE(p)
    p += 4
    const records = f.subarray(p, p + size)
    // The next offset: past the last whole entry (v2 batch: base + lastOffsetDelta; legacy: its offset).
    let last = -1n
    for (let q = 0; q + 12 <= records.length; ) {
      const len = records.readInt32BE(q + 8)
      if (q + 12 + len > records.length) break
      const base = records.readBigInt64BE(q)
      last = records[q + 16] === 2 ? base + BigInt(records.readInt32BE(q + 23)) : base
      q += 12 + len
    }
    if (last < 0n) throw new Error(`no whole entry at offset ${offset} (v${version})`)
    offset = last + 1n
  }
  c.close()
  return bytes
}

const port = await freePort()
const logDir = join(dir, 'logs')
const broker = spawn(process.execPath, [join(ROOT, 'bin/run.js'), 'server-start', '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `log.dirs=${logDir}`, '--override', 'broker.id=0', '--override', 'ktool.zookeeper.port=0', '--override', 'offsets.topic.replication.factor=1'], {
  env: {...process.env, NODE_ENV: 'production'},
  stdio: ['ignore', 'ignore', 'inherit'],
})
try {
  for (let i = 0; ; i++) {
    const ok = await new Promise((r) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), r(true)))
      s.on('error', () => r(false))
    })
    if (ok) break
    if (i > 500) throw new Error('broker did not start')
    await new Promise((r) => setTimeout(r, 10))
  }
  const bootstrap = `127.0.0.1:${port}`
  let cpu = cpuSeconds(broker.pid)
  const cpuUsed = () => {
    const now = cpuSeconds(broker.pid)
    const used = now - cpu
    cpu = now
    return `broker CPU ${used.toFixed(2)} s`
  }
  console.log(`records: ${fmt(N)} of ${RECORD} bytes; load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`)
  const input = join(dir, 'records.txt')
  writeFileSync(input, ('x'.repeat(RECORD - 1) + '\n').repeat(N))
  const bytes = N * RECORD
  const produce = ['-X', 'batch.num.messages=10000', '-X', 'linger.ms=5']
  report('kcat produce, Produce v7 (v2 batches)', N, bytes, time('kcat', ['-b', bootstrap, '-P', '-t', 'bench', '-l', input, ...produce]), cpuUsed())
  report('kcat produce, fallback 0.9.0.1 (Produce v1)', N, bytes, time('kcat', ['-b', bootstrap, ...OLD, '-P', '-t', 'bench-old', '-l', input, ...produce]), cpuUsed())

  for (const version of [11, 3, 1]) {
    const t0 = process.hrtime.bigint()
    const got = await fetchAll(port, 'bench', version, BigInt(N))
    const label = version === 11 ? 'Fetch v11 (as stored)' : `Fetch v${version} (down-converted to magic ${version >= 2 ? 1 : 0})`
    report(label, N, bytes, Number(process.hrtime.bigint() - t0) / 1e6, `${(got / 1e6).toFixed(0)} MB on the wire, ${cpuUsed()}`)
  }
  const consume = (label, extra) => {
    const out = join(dir, 'consumed.txt')
    const fd = openSync(out, 'w')
    const ms = time('kcat', ['-b', bootstrap, ...extra, '-C', '-t', 'bench', '-o', 'beginning', '-c', String(N), '-q', '-f', '%s\n'], {stdio: ['ignore', fd, 'pipe']})
    closeSync(fd)
    if (statSync(out).size !== bytes) console.log(`!! consumed ${statSync(out).size} bytes, expected ${bytes}`)
    report(label, N, bytes, ms, cpuUsed())
  }
  consume('kcat consume, default (Fetch v11)', [])
  consume('kcat consume, fallback 0.9.0.1 (Fetch v1)', OLD)
  console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`)
} finally {
  broker.kill('SIGTERM')
  await new Promise((r) => broker.on('exit', r))
  if (!args.includes('--keep')) rmSync(dir, {recursive: true, force: true})
}
