// Java's own implementations as the other side: snappy-java (the library behind Kafka's Java
// client, shipped with Debian's ZooKeeper as libsnappy-java) and the JDK's CRC32C / CRC32.
// Needs a JDK (javac) and the jar; skipped without them (they are not part of the peer set).
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import * as H from '../../../../src/protocol/kafka/records/batch-header.js'
import {CompressionType as T, compress, decompress} from '../../../../src/protocol/kafka/records/compression.js'
import {crc32c} from '../../../../src/protocol/kafka/records/crc32c.js'
import {encodeMessageSet} from '../../../../src/protocol/kafka/records/legacy.js'
import {decodeRecordBatch, encodeRecordBatchSync} from '../../../../src/protocol/kafka/records/record-batch.js'

const JAR = '/usr/share/java/snappy-java.jar'
const SRC = path.join(path.dirname(new URL(import.meta.url).pathname), 'java', 'CodecCheck.java')
const available = (() => {
  try {
    execFileSync('javac', ['-version'], {stdio: 'ignore'})
    return fs.existsSync(JAR)
  } catch {
    return false
  }
})()

describe.skipIf(!available)('Java interop (snappy-java, JDK CRC32C)', () => {
  let dir = ''
  const java = (mode: string, input: Buffer): Buffer => execFileSync('java', ['-cp', `${dir}${path.delimiter}${JAR}`, 'CodecCheck', mode], {input, maxBuffer: 64 << 20})

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktool-'))
    execFileSync('javac', ['-cp', JAR, '-d', dir, SRC])
  })
  afterAll(() => fs.rmSync(dir, {recursive: true, force: true}))

  const text = Buffer.from(Array.from({length: 3000}, (_, i) => `{"n":${i},"name":"user-${i % 50}"}`).join('\n'))

  it('we decode what SnappyOutputStream writes (xerial, several 32 KiB chunks)', async () => {
    const x = java('xerial-out', text)
    expect(x.subarray(0, 8).toString('hex')).toBe('82534e4150505900')
    expect((await decompress(T.SNAPPY, x)).equals(text)).toBe(true)
  })

  it('SnappyInputStream reads our raw output (its fallback) and our xerial output', async () => {
    expect(java('snappy-in', await compress(T.SNAPPY, text)).equals(text)).toBe(true)
    expect(java('snappy-in', await compress(T.SNAPPY, text, {xerial: true})).equals(text)).toBe(true)
  })

  it('a batch whose records a Java producer compressed with snappy decodes', async () => {
    const records = Array.from({length: 200}, (_, i) => ({key: `k${i}`, value: `value ${i} `.repeat(20), timestamp: 1_700_000_000_000 + i}))
    const plain = encodeRecordBatchSync({records, baseOffset: 5n})
    const javaBlock = java('xerial-out', plain.subarray(H.RECORD_BATCH_OVERHEAD))
    const batch = Buffer.concat([plain.subarray(0, H.RECORD_BATCH_OVERHEAD), javaBlock])
    batch.writeInt32BE(batch.length - H.LOG_OVERHEAD, H.BATCH_LENGTH)
    batch.writeInt16BE(T.SNAPPY, H.ATTRIBUTES)
    batch.writeUInt32BE(crc32c(batch, H.ATTRIBUTES, batch.length), H.CRC)
    const {records: got} = await decodeRecordBatch(batch)
    expect(got.map((r) => [r.offset, r.timestamp, r.key?.toString(), r.value?.toString()])).toEqual(records.map((r, i) => [5n + BigInt(i), BigInt(r.timestamp), r.key, r.value]))
  })

  it('the JDK agrees with our CRC-32C of a batch and CRC-32 of a legacy message', async () => {
    const batch = encodeRecordBatchSync({records: [{key: 'a', value: 'b'.repeat(500)}]})
    expect(parseInt(java('crc32c', batch.subarray(H.ATTRIBUTES)).toString(), 16)).toBe(batch.readUInt32BE(H.CRC))
    const msg = await encodeMessageSet({magic: 1, records: [{key: 'a', value: 'b', timestamp: 1}]})
    expect(parseInt(java('crc32', msg.subarray(H.MAGIC)).toString(), 16)).toBe(msg.readUInt32BE(H.LEGACY_CRC))
  })
})
