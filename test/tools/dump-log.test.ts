// ktool dump-log against segments written by our log and by hand: Kafka's exact lines (the golden
// batch below is one real Kafka printed: same bytes, same CRC), index checks, and the CLI.
import * as fs from 'node:fs'
import * as path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {dumpLog, type DumpLogOptions} from '../../src/tools/dump-log.js'
import {encodeRecordBatchSync} from '../../src/protocol/kafka/records/record-batch.js'
import {batch, harness, removeDir, tempDir} from '../broker/log/helpers.js'
import {ktool} from '../helpers/cli.js'

const dirs: string[] = []
afterAll(() => dirs.forEach(removeDir))

async function run(opts: DumpLogOptions): Promise<{out: string[]; err: string[]; status: number}> {
  const out: string[] = []
  const err: string[] = []
  const status = await dumpLog(opts, {out: (l) => out.push(l), err: (l) => err.push(l)})
  return {out, err, status}
}

function segment(...batches: Buffer[]): string {
  const dir = tempDir()
  dirs.push(dir)
  let offset = 0n
  const fixed = batches.map((b) => {
    const c = Buffer.from(b)
    c.writeBigInt64BE(offset, 0)
    offset += BigInt(c.readInt32BE(23)) + 1n
    return c
  })
  const file = path.join(dir, '00000000000000000000.log')
  fs.writeFileSync(file, Buffer.concat(fixed))
  return file
}

describe('dump-log .log', () => {
  it('prints a batch and its record exactly as Kafka 3.9 does', async () => {
    // Kafka printed this batch (key "24910", value "kafka") with crc 825983240.
    const file = segment(encodeRecordBatchSync({records: [{key: '24910', value: 'kafka', timestamp: 1742735936663}], producerId: 0n, producerEpoch: 0, baseSequence: 0, partitionLeaderEpoch: 0}))
    const r = await run({files: [file], printDataLog: true})
    expect(r.status).toBe(0)
    expect(r.err).toEqual([])
    expect(r.out).toEqual([
      `Dumping ${file}`,
      'Log starting offset: 0',
      'baseOffset: 0 lastOffset: 0 count: 1 baseSequence: 0 lastSequence: 0 producerId: 0 producerEpoch: 0 partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: 1742735936663 size: 78 magic: 2 compresscodec: none crc: 825983240 isvalid: true',
      '| offset: 0 CreateTime: 1742735936663 keySize: 5 valueSize: 5 sequence: 0 headerKeys: [] key: 24910 payload: kafka',
    ])
    const shallow = await run({files: [file]})
    expect(shallow.out).toHaveLength(3)
    const skip = await run({files: [file], printDataLog: true, skipRecordMetadata: true})
    expect(skip.out[3]).toBe('| key: 24910 payload: kafka')
  })

  it('prints compressed batches, null keys, headers, control batches and trailing bytes', async () => {
    const gz = encodeRecordBatchSync({
      records: [
        {key: null, value: 'a', timestamp: 1000, headers: [{key: 'h1', value: 'x'}, {key: 'h2', value: null}]},
        {key: 'k', value: null, timestamp: 1001},
      ],
      compression: 1,
      partitionLeaderEpoch: 3,
    })
    const markerKey = Buffer.from([0, 0, 0, 1]) // version 0, COMMIT
    const markerValue = Buffer.from([0, 0, 0, 0, 0, 4]) // version 0, coordinatorEpoch 4
    const marker = encodeRecordBatchSync({records: [{key: markerKey, value: markerValue, timestamp: 2000}], producerId: 7n, producerEpoch: 1, isTransactional: true, isControl: true})
    const file = segment(gz, marker)
    fs.appendFileSync(file, Buffer.alloc(10, 1))
    const r = await run({files: [file], printDataLog: true})
    expect(r.out[2]).toMatch(/^baseOffset: 0 lastOffset: 1 count: 2 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 3 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: 1001 size: \d+ magic: 2 compresscodec: gzip crc: \d+ isvalid: true$/)
    expect(r.out[3]).toBe('| offset: 0 CreateTime: 1000 keySize: -1 valueSize: 1 sequence: -1 headerKeys: [h1,h2] payload: a')
    expect(r.out[4]).toBe('| offset: 1 CreateTime: 1001 keySize: 1 valueSize: -1 sequence: -1 headerKeys: [] key: k')
    expect(r.out[5]).toMatch(/^baseOffset: 2 lastOffset: 2 count: 1 baseSequence: -1 lastSequence: -1 producerId: 7 producerEpoch: 1 partitionLeaderEpoch: -1 isTransactional: true isControl: true deleteHorizonMs: OptionalLong.empty position: \d+ CreateTime: 2000 size: \d+ magic: 2 compresscodec: none/)
    expect(r.out[6]).toBe('| offset: 2 CreateTime: 2000 keySize: 4 valueSize: 6 sequence: -1 headerKeys: [] endTxnMarker: COMMIT coordinatorEpoch: 4')
    expect(r.out[7]).toBe('Found 10 invalid bytes at the end of 00000000000000000000.log')
  })

  it('marks a batch with a bad CRC invalid and reports non-consecutive offsets', async () => {
    const a = encodeRecordBatchSync({records: [{key: 'a', value: '1', timestamp: 5}]})
    const b = encodeRecordBatchSync({records: [{key: 'b', value: '2', timestamp: 6}], baseOffset: 0n})
    const file = segment(a, b)
    const buf = fs.readFileSync(file)
    buf.writeBigInt64BE(5n, a.length) // the second batch now starts at 5: a gap, as after compaction
    buf[a.length + 17]! ^= 0xff // the stored CRC: records still decode, the batch is invalid
    fs.writeFileSync(file, buf)
    const r = await run({files: [file], deepIteration: true})
    expect(r.out[4]).toMatch(/^baseOffset: 5 .* isvalid: false$/)
    expect(r.err).toEqual([`Non-consecutive offsets in ${path.resolve(file)}`, '  0 is followed by 5'])
  })

  it('reports a corrupt size as an error with status 1', async () => {
    const file = segment(batch(1))
    fs.appendFileSync(file, Buffer.alloc(40))
    const r = await run({files: [file]})
    expect(r.status).toBe(1)
    expect(r.err[0]).toBe(`Error: Found record size 0 smaller than minimum record overhead (14) in file ${file}.`)
  })
})

describe('dump-log indexes', () => {
  it('prints and verifies the .index and .timeindex of a segment our log wrote', async () => {
    const h = await harness({'log.index.interval.bytes': '100'})
    dirs.push(h.dir)
    const log = h.manager.createLog('t', 0)
    for (let i = 0; i < 20; i++) await log.append(batch(2, {timestamp: 1000 + i * 10, valueSize: 30}))
    await h.manager.shutdown()
    const base = path.join(log.dir, '00000000000000000000')
    const idx = await run({files: [base + '.index']})
    expect(idx.err).toEqual([])
    expect(idx.out.length).toBeGreaterThan(5)
    for (const l of idx.out.slice(1)) expect(l).toMatch(/^offset: \d+ position: \d+$/)
    const time = await run({files: [base + '.timeindex']})
    expect(time.err).toEqual([])
    for (const l of time.out.slice(1)) expect(l).toMatch(/^timestamp: \d+ offset: \d+$/)
    expect(time.out[time.out.length - 1]).toBe('timestamp: 1191 offset: 39')
    expect((await run({files: [base + '.index'], verifyIndexOnly: true})).out).toEqual([`Dumping ${base}.index`])
    expect((await run({files: [base + '.index', base + '.timeindex'], indexSanityCheck: true})).out).toEqual([
      `Dumping ${base}.index`,
      `${base}.index passed sanity check.`,
      `Dumping ${base}.timeindex`,
      `${base}.timeindex passed sanity check.`,
    ])
    // Point the second entry at the wrong offset: Kafka's mismatch report.
    const buf = fs.readFileSync(base + '.index')
    const rel = buf.readInt32BE(8)
    buf.writeInt32BE(rel + 1, 8)
    fs.writeFileSync(base + '.index', buf)
    const bad = await run({files: [base + '.index'], verifyIndexOnly: true})
    expect(bad.err).toEqual([`Mismatches in :${path.resolve(base)}.index`, `  Index offset: ${rel + 1}, log offset: ${rel}`])
    fs.writeFileSync(base + '.index', Buffer.alloc(0))
    expect((await run({files: [base + '.index']})).out[1]).toBe(`${base}.index is empty.`)
    fs.writeFileSync(base + '.index', Buffer.alloc(12))
  })
})

describe('ktool dump-log (CLI)', () => {
  it('dumps files given with --files and exits 0', async () => {
    const file = segment(encodeRecordBatchSync({records: [{key: '24910', value: 'kafka', timestamp: 1742735936663}], producerId: 0n, producerEpoch: 0, baseSequence: 0, partitionLeaderEpoch: 0}))
    const r = await ktool(['dump-log', '--print-data-log', '--files', file])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout.split('\n')[3]).toBe('| offset: 0 CreateTime: 1742735936663 keySize: 5 valueSize: 5 sequence: 0 headerKeys: [] key: 24910 payload: kafka')
  })

  it('fails with Kafka\'s usage message without --files', async () => {
    const r = await ktool(['dump-log', '--print-data-log'])
    expect(r.status).toBe(1)
    expect(r.stderr.split('\n')[0]).toBe('Missing required argument "[files]"')
    expect(r.stderr).toContain('--files <String: file1, file2, ...>')
  })
})
