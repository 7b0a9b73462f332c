#!/usr/bin/env node
// RecordBatch v2 encode/decode throughput for 100-byte and 1 KiB records, uncompressed and with
// each codec, kafkajs's own encoder/decoder as the baseline measured in the same run, and CRC-32C.
// Build first: npx tsc -p tsconfig.build.json && node bench/record-batch.mjs [--ms 400]
// MB/s counts record payload (key + value bytes), 1 MB = 10^6 bytes, per second of CPU time used
// by the process (all its threads, so zstd's and kafkajs's thread-pool work counts too): the
// machine is shared, and CPU time is what stays comparable under load. Each figure is the best of
// several windows; the header shows the load average and the wall-clock equivalent ratio.
import {createRequire} from 'node:module'
import {randomBytes} from 'node:crypto'
import {loadavg} from 'node:os'

const dist = new URL('../dist/protocol/kafka/records/', import.meta.url)
const {encodeRecordBatch, encodeRecordBatchSync, decodeRecordBatch} = await import(new URL('record-batch.js', dist).href)
const {crc32c, crc32cJs, crc32cImplementation} = await import(new URL('crc32c.js', dist).href)
const {registerKafkajsCodecs} = await import(new URL('kafkajs-codecs.js', dist).href)

const msArg = process.argv.indexOf('--ms')
const WINDOW_MS = msArg > 0 ? Number(process.argv[msArg + 1]) : 300
const WINDOWS = 5

const require = createRequire(import.meta.url)
const kjsRecordBatch = require('kafkajs/src/protocol/recordBatch/v0').RecordBatch
const kjsRecord = require('kafkajs/src/protocol/recordBatch/record/v0')
const kjsDecoder = require('kafkajs/src/protocol/decoder')
const kjsBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder')
registerKafkajsCodecs()

/** Values that compress like real events: JSON with some random hex in it. */
function makeRecords(valueSize, count) {
  const out = []
  for (let i = 0; i < count; i++) {
    let v = ''
    while (v.length < valueSize) v += JSON.stringify({id: i, user: `user-${i % 1000}`, action: 'page_view', ref: randomBytes(6).toString('hex'), ts: 1_700_000_000_000 + i}) + ' '
    out.push({key: Buffer.from(`key-${i % 1000}`), value: Buffer.from(v.slice(0, valueSize)), timestamp: 1_700_000_000_000 + i})
  }
  return out
}

let wallTotal = 0
let cpuTotal = 0
async function best(fn) {
  const t0 = performance.now()
  while (performance.now() - t0 < 50) await fn() // warm up
  let bestRate = 0
  for (let w = 0; w < WINDOWS; w++) {
    let n = 0
    const c0 = process.cpuUsage()
    const start = performance.now()
    let now = start
    while (now - start < WINDOW_MS) {
      await fn()
      n++
      now = performance.now()
    }
    const c = process.cpuUsage(c0)
    const cpu = (c.user + c.system) / 1e6
    wallTotal += (now - start) / 1000
    cpuTotal += cpu
    bestRate = Math.max(bestRate, n / cpu)
  }
  return bestRate // calls per CPU-second
}

const CODECS = [['none', 0], ['gzip', 1], ['snappy', 2], ['lz4', 3], ['zstd', 4]]
const SHAPES = [
  ['100 B', 100, 1000],
  ['1 KiB', 1024, 256],
]

const load0 = loadavg()[0].toFixed(1)
const rows = []
for (const [shape, size, count] of SHAPES) {
  const records = makeRecords(size, count)
  const payload = records.reduce((n, r) => n + r.key.length + r.value.length, 0)
  for (const [name, codec] of CODECS) {
    const opts = {records, baseOffset: 0n, compression: codec}
    const encode = codec === 4 ? () => encodeRecordBatch(opts) : () => encodeRecordBatchSync(opts)
    const batch = await encodeRecordBatch(opts)
    const enc = (await best(encode)) * payload / 1e6
    const dec = (await best(() => decodeRecordBatch(batch))) * payload / 1e6

    const kjsEncode = () => kjsRecordBatch({compression: codec, records: records.map((_, i) => kjsRecord({key: records[i].key, value: records[i].value, offsetDelta: i, timestampDelta: i})), lastOffsetDelta: count - 1})
    const kEnc = (await best(kjsEncode)) * payload / 1e6
    const kDec = (await best(() => kjsBatchDecoder(new kjsDecoder(batch)))) * payload / 1e6
    rows.push({shape, codec: name, records: count, batchKB: (batch.length / 1024).toFixed(1), ratio: (payload / batch.length).toFixed(2), enc, dec, kEnc, kDec})
    process.stderr.write('.')
  }
}
process.stderr.write('\n')

const f = (x) => x.toFixed(x < 10 ? 1 : 0)
console.log(`RecordBatch v2, MB of record payload per CPU-second (best of ${WINDOWS} x ${WINDOW_MS} ms windows); kafkajs 2.2.4 in the same run`)
console.log(`load average at start ${load0}, at end ${loadavg()[0].toFixed(1)}; the process got ${(cpuTotal / wallTotal).toFixed(2)} CPU-seconds per wall second`)
console.log('| records | codec | per batch | batch KiB | ratio | encode | decode | kafkajs encode | kafkajs decode | encode x | decode x |')
console.log('|---|---|---|---|---|---|---|---|---|---|---|')
for (const r of rows) {
  console.log(`| ${r.shape} | ${r.codec} | ${r.records} | ${r.batchKB} | ${r.ratio} | ${f(r.enc)} | ${f(r.dec)} | ${f(r.kEnc)} | ${f(r.kDec)} | ${(r.enc / r.kEnc).toFixed(1)} | ${(r.dec / r.kDec).toFixed(1)} |`)
}

console.log('')
// crc32c() is what the log uses (the first implementation that loads); the addon's other x86 way
// and @node-rs/crc32 are timed directly, for the comparison.
const addonPath = new URL('../native/build/Release/ktool_crc32c.node', import.meta.url).pathname
const addon = (() => { try { return require(addonPath) } catch { return null } })()
const nodeRs = require('@node-rs/crc32').crc32c
console.log(`CRC-32C: crc32c() uses ${crc32cImplementation()}${addon ? ` (the addon's ${addon.implementation} way)` : ''}`)
console.log('| input | crc32c() GB per CPU-s | @node-rs/crc32 GB per CPU-s | pure-JS slicing-by-8 GB per CPU-s |')
console.log('|---|---|---|---|')
for (const [label, size] of [['1 MiB', 1 << 20], ['64 KiB', 64 << 10], ['1 KiB', 1024], ['100 B', 100]]) {
  const buf = randomBytes(size)
  const reps = Math.max(1, Math.floor((1 << 20) / size))
  const gbps = async (fn) => ((await best(() => { for (let i = 0; i < reps; i++) fn(buf) })) * reps * size) / 1e9
  console.log(`| ${label} | ${(await gbps((b) => crc32c(b))).toFixed(2)} | ${(await gbps(nodeRs)).toFixed(2)} | ${(await gbps((b) => crc32cJs(b))).toFixed(2)} |`)
}
