#!/usr/bin/env node
// The partition log's append and read throughput beside the physical limit measured in the same
// run: a raw fs.writeSync / fs.readSync loop over one file with the same chunk sizes.
//   append: 1 MiB batches of 1 KiB records, and 16 KiB batches of 100-byte records (PartitionLog.append:
//           checks, CRC verification, offset/epoch stamping, one positional write, index entries)
//   read:   the whole log front to back in 1 MiB fetches (PartitionLog.read: index lookup, whole
//           batches), warm (in the page cache) and cold.
// Cold reads: posix_fadvise is not reachable from Node, so the files are evicted from the page
// cache with `dd if=<file> iflag=nocache count=0` (coreutils' POSIX_FADV_DONTNEED for one file,
// no effect on anything else on the machine) and `fincore` confirms nothing stays resident.
// Build first: npx tsc -p tsconfig.build.json && node bench/log.mjs [--mib 256] [--rounds 3]
// MB/s = 10^6 bytes of log written or read per wall-clock second; each figure is the best of the
// rounds. In an append round the raw file and the log take turns every sixteenth of the bytes,
// so that load from other processes hits both alike.
import {execFileSync} from 'node:child_process'
import * as fs from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import * as path from 'node:path'

const dist = new URL('../dist/', import.meta.url)
const {LogManager} = await import(new URL('broker/log/index.js', dist).href)
const {encodeRecordBatchSync} = await import(new URL('protocol/kafka/records/record-batch.js', dist).href)
const {Logger} = await import(new URL('common/logger.js', dist).href)
const {crc32c, crc32cImplementation} = await import(new URL('protocol/kafka/records/crc32c.js', dist).href)

const arg = (name, def) => {
  const i = process.argv.indexOf(name)
  return i > 0 ? Number(process.argv[i + 1]) : def
}
const MIB = arg('--mib', 256)
const ROUNDS = arg('--rounds', 3)
const root = fs.mkdtempSync(path.join(tmpdir(), 'ktool-bench-log-'))
const quiet = new Logger('bench', () => {}, 'ERROR')

function makeBatch(recordSize, count) {
  const records = []
  for (let i = 0; i < count; i++) records.push({key: `key-${i}`, value: Buffer.alloc(recordSize, i & 0xff), timestamp: 1_700_000_000_000 + i})
  return encodeRecordBatchSync({records})
}

const mbps = (bytes, ms) => bytes / 1e6 / (ms / 1000)

async function logAppend(dir, batch, total) {
  const m = new LogManager({logDirs: [dir], logger: quiet, brokerProps: new Map([['log.cleaner.enable', 'false']])})
  await m.startup()
  const log = m.createLog('bench', 0)
  const t0 = performance.now()
  let bytes = 0
  while (bytes < total) {
    await log.append(batch, {leaderEpoch: 0})
    bytes += batch.length
  }
  const ms = performance.now() - t0
  return {ms, bytes, m, log}
}

const SLICES = 16

/**
 * One round of the append comparison: a raw file and a fresh log written side by side, taking
 * turns every total/SLICES bytes (which goes first alternates), each timed on its own.
 */
async function interleaved(batch, total) {
  const dir = fs.mkdtempSync(path.join(root, 'round-'))
  const fd = fs.openSync(path.join(dir, 'raw.bin'), 'w')
  const m = new LogManager({logDirs: [path.join(dir, 'log')], logger: quiet, brokerProps: new Map([['log.cleaner.enable', 'false']])})
  await m.startup()
  const log = m.createLog('bench', 0)
  const perSlice = Math.ceil(total / batch.length / SLICES)
  let rawMs = 0
  let logMs = 0
  let rawPos = 0
  let logBytes = 0
  const rawSlice = () => {
    const t0 = performance.now()
    for (let i = 0; i < perSlice; i++) rawPos += fs.writeSync(fd, batch, 0, batch.length, rawPos)
    rawMs += performance.now() - t0
  }
  const logSlice = async () => {
    const t0 = performance.now()
    for (let i = 0; i < perSlice; i++) {
      await log.append(batch, {leaderEpoch: 0})
      logBytes += batch.length
    }
    logMs += performance.now() - t0
  }
  for (let s = 0; s < SLICES; s++) {
    if (s % 2 === 0) {
      rawSlice()
      await logSlice()
    } else {
      await logSlice()
      rawSlice()
    }
  }
  fs.closeSync(fd)
  await m.shutdown()
  fs.rmSync(dir, {recursive: true, force: true})
  return {raw: {ms: rawMs, bytes: rawPos}, log: {ms: logMs, bytes: logBytes}}
}

function evict(files) {
  for (const f of files) execFileSync('dd', [`if=${f}`, 'iflag=nocache', 'count=0'], {stdio: 'ignore'})
  let resident = 0
  for (const f of files) {
    const out = execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', f], {encoding: 'utf8'})
    resident += Number(out.trim())
  }
  return resident
}

/** fresh: a new buffer per read, as a fetch must hand one out (the log does); else one reused buffer. */
function rawRead(file, chunk, fresh = false) {
  const fd = fs.openSync(file, 'r')
  let buf = Buffer.allocUnsafe(chunk)
  const t0 = performance.now()
  let pos = 0
  for (;;) {
    if (fresh) buf = Buffer.allocUnsafe(chunk)
    const n = fs.readSync(fd, buf, 0, chunk, pos)
    if (n === 0) break
    pos += n
  }
  const ms = performance.now() - t0
  fs.closeSync(fd)
  return {ms, bytes: pos}
}

async function logRead(log) {
  const t0 = performance.now()
  let offset = log.logStartOffset
  let bytes = 0
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, 1 << 20)
    bytes += r.records.length
    // Next fetch position: after the last batch returned.
    let pos = 0
    let last = offset
    while (pos < r.records.length) {
      last = r.records.readBigInt64BE(pos) + BigInt(r.records.readInt32BE(pos + 23))
      pos += 12 + r.records.readInt32BE(pos + 8)
    }
    offset = last + 1n
  }
  return {ms: performance.now() - t0, bytes}
}

const results = []
const best = (label, runs) => {
  const b = runs.reduce((a, r) => (mbps(r.bytes, r.ms) > mbps(a.bytes, a.ms) ? r : a))
  return {label, mbps: mbps(b.bytes, b.ms)}
}

console.log(`bench/log: ${MIB} MiB per run, best of ${ROUNDS} rounds, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}, ${root}`)

for (const [name, recordSize, count] of [['1 MiB batches of 1 KiB records', 1024, 1000], ['16 KiB batches of 100-byte records', 100, 140]]) {
  const batch = makeBatch(recordSize, count)
  const total = (name.startsWith('16') ? Math.max(16, MIB / 4) : MIB) * 1024 * 1024
  const raw = []
  const log = []
  for (let r = 0; r < ROUNDS; r++) {
    const {raw: rr, log: lr} = await interleaved(batch, total)
    raw.push(rr)
    log.push(lr)
  }
  const a = best(`raw writeSync, ${batch.length}-byte chunks`, raw)
  const b = best(`PartitionLog.append, ${name} (${batch.length} B)`, log)
  results.push({kind: 'append', name, raw: a.mbps, log: b.mbps})
  // Within a round raw and log take turns every 1/SLICES of the bytes: the ratio within a round is
  // less exposed to load that comes and goes than best against best, so its median is printed too.
  const ratios = raw.map((r, i) => mbps(log[i].bytes, log[i].ms) / mbps(r.bytes, r.ms)).sort((x, y) => x - y)
  const median = ratios[Math.floor(ratios.length / 2)]
  let line = `append ${name}: log ${b.mbps.toFixed(0)} MB/s, raw ${a.mbps.toFixed(0)} MB/s, ratio ${(b.mbps / a.mbps * 100).toFixed(0)}% (per-round median ${(median * 100).toFixed(0)}%)`
  // The CRC-32C check Kafka makes of every appended batch, alone: with the write it bounds an append.
  const crcRuns = []
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now()
    for (let done = 0; done < total; done += batch.length) crc32c(batch, 21, batch.length)
    crcRuns.push({ms: performance.now() - t0, bytes: total})
  }
  const crc = best('crc', crcRuns).mbps
  line += `; crc32c (${crc32cImplementation()}) alone ${crc.toFixed(0)} MB/s, so CRC then raw write would be ${(1 / (1 / a.mbps + 1 / crc) / a.mbps * 100).toFixed(0)}%`
  console.log(line)
}

// Reads: one log of MIB MiB of 1 MiB batches, read warm and cold, beside raw reads of its segment.
{
  const dir = path.join(root, 'read')
  fs.mkdirSync(dir)
  const batch = makeBatch(1024, 1000)
  const {m} = await logAppend(dir, batch, MIB * 1024 * 1024)
  await m.shutdown()
  const files = []
  const walk = (d) => {
    for (const e of fs.readdirSync(d, {withFileTypes: true})) {
      const f = path.join(d, e.name)
      if (e.isDirectory()) walk(f)
      else if (/\.(log|index|timeindex)$/.test(e.name)) files.push(f)
    }
  }
  walk(dir)
  const segment = files.find((f) => f.endsWith('.log'))
  const open = async () => {
    const mm = new LogManager({logDirs: [dir], logger: quiet, brokerProps: new Map([['log.cleaner.enable', 'false']])})
    await mm.startup()
    return mm
  }
  const warm = {raw: [], fresh: [], log: []}
  const cold = {raw: [], fresh: [], log: []}
  let residentAfterEvict = 0
  for (let r = 0; r < ROUNDS; r++) {
    rawRead(segment, 1 << 20) // make it warm
    warm.raw.push(rawRead(segment, 1 << 20))
    warm.fresh.push(rawRead(segment, 1 << 20, true))
    let mm = await open()
    warm.log.push(await logRead(mm.getLog('bench', 0)))
    await mm.shutdown()
    residentAfterEvict = Math.max(residentAfterEvict, evict(files))
    cold.raw.push(rawRead(segment, 1 << 20))
    residentAfterEvict = Math.max(residentAfterEvict, evict(files))
    cold.fresh.push(rawRead(segment, 1 << 20, true))
    residentAfterEvict = Math.max(residentAfterEvict, evict(files))
    mm = await open()
    cold.log.push(await logRead(mm.getLog('bench', 0)))
    await mm.shutdown()
  }
  for (const [kind, runs] of [['warm', warm], ['cold', cold]]) {
    const a = best('raw', runs.raw)
    const f = best('fresh', runs.fresh)
    const b = best('log', runs.log)
    results.push({kind: `read ${kind}`, name: '1 MiB fetches', raw: a.mbps, rawFresh: f.mbps, log: b.mbps})
    console.log(`read ${kind} (1 MiB fetches of a ${MIB} MiB log): log ${b.mbps.toFixed(0)} MB/s, raw readSync ${a.mbps.toFixed(0)} MB/s (${(b.mbps / a.mbps * 100).toFixed(0)}%), raw readSync into a fresh buffer per read ${f.mbps.toFixed(0)} MB/s (${(b.mbps / f.mbps * 100).toFixed(0)}%)`)
  }
  console.log(`cold: at most ${residentAfterEvict} bytes of the log's files were resident after eviction (fincore)`)
}

fs.rmSync(root, {recursive: true, force: true})
console.log(`load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' ')}`)
if (process.argv.includes('--json')) console.log(JSON.stringify(results))
