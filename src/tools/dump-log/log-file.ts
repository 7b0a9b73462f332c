// dump-log for .log segments, line for line like Kafka's DumpLogSegments (3.9):
//   Log starting offset: 0
//   baseOffset: 0 lastOffset: 1 count: 2 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1
//     partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty
//     position: 0 CreateTime: 1700000000001 size: 82 magic: 2 compresscodec: none crc: 1234 isvalid: true
//   | offset: 0 CreateTime: 1700000000000 keySize: 2 valueSize: 2 sequence: -1 headerKeys: [] key: k0 payload: v0
// (one line per batch, one per record with --deep-iteration / --print-data-log)
import * as fs from 'node:fs'
import * as path from 'node:path'
import {
  COMPRESSION_MASK,
  CONTROL_MASK,
  DELETE_HORIZON_MASK,
  LEGACY_CRC,
  RECORD_BATCH_OVERHEAD,
  TRANSACTIONAL_MASK,
  timestampTypeOf,
  verifyBatch,
  type BatchHeader,
} from '../../protocol/kafka/records/batch-header.js'
import {compressionName} from '../../protocol/kafka/records/compression.js'
import {decodeLegacyEntry} from '../../protocol/kafka/records/legacy.js'
import {decodeRecordBatch, type KafkaRecord} from '../../protocol/kafka/records/record-batch.js'
import {fileEntries} from './file-entries.js'
import type {DumpContext} from '../dump-log.js'

const TS_TYPE = ['CreateTime', 'LogAppendTime']
const tsTypeName = (h: BatchHeader): string => (timestampTypeOf(h) < 0 ? 'NoTimestampType' : TS_TYPE[timestampTypeOf(h)]!)
/** Control record key: version int16, type int16; ABORT/COMMIT value: version int16, coordinatorEpoch int32. */
function parseControlRecord(r: KafkaRecord): {type: number; coordinatorEpoch?: number} {
  if (!r.key || r.key.length < 4) throw new Error('control record key too short')
  const type = r.key.readInt16BE(2)
  const coordinatorEpoch = (type === 0 || type === 1) && r.value && r.value.length >= 6 ? r.value.readInt32BE(2) : undefined
  return {type, coordinatorEpoch}
}

const CONTROL_TYPES = ['ABORT', 'COMMIT', 'LEADER_CHANGE', 'SNAPSHOT_HEADER', 'SNAPSHOT_FOOTER', 'KRAFT_VERSION', 'KRAFT_VOTERS']

/** Kafka's DefaultRecordBatch.incrementSequence: wraps at Integer.MAX_VALUE. */
function incrementSequence(seq: number, delta: number): number {
  return seq > 2147483647 - delta ? delta - (2147483647 - seq) - 1 : seq + delta
}

function batchLine(h: BatchHeader, position: number, size: number, valid: boolean): string {
  let line: string
  if (h.magic >= 2) {
    const lastSeq = h.baseSequence < 0 ? -1 : incrementSequence(h.baseSequence, h.lastOffsetDelta)
    const horizon = h.attributes & DELETE_HORIZON_MASK ? `OptionalLong[${h.baseTimestamp}]` : 'OptionalLong.empty'
    line =
      `baseOffset: ${h.baseOffset} lastOffset: ${h.lastOffset} count: ${h.recordsCount} baseSequence: ${h.baseSequence} lastSequence: ${lastSeq}` +
      ` producerId: ${h.producerId} producerEpoch: ${h.producerEpoch} partitionLeaderEpoch: ${h.partitionLeaderEpoch}` +
      ` isTransactional: ${(h.attributes & TRANSACTIONAL_MASK) !== 0} isControl: ${(h.attributes & CONTROL_MASK) !== 0} deleteHorizonMs: ${horizon}`
  } else {
    line = `offset: ${h.lastOffset}`
  }
  return `${line} position: ${position} ${tsTypeName(h)}: ${h.maxTimestamp} size: ${size} magic: ${h.magic} compresscodec: ${compressionName(h.attributes & COMPRESSION_MASK)} crc: ${h.crc} isvalid: ${valid}`
}

function recordLine(h: BatchHeader, r: KafkaRecord, recordCrc: number | null, ctx: DumpContext): string {
  let out = '|'
  let prefix = ' '
  if (!ctx.skipRecordMetadata) {
    const offsetDelta = Number(r.offset - h.baseOffset)
    out += ` offset: ${r.offset} ${tsTypeName(h)}: ${r.timestamp} keySize: ${r.key ? r.key.length : -1} valueSize: ${r.value ? r.value.length : -1}`
    if (h.magic >= 2) {
      const seq = h.baseSequence < 0 ? -1 : incrementSequence(h.baseSequence, offsetDelta)
      out += ` sequence: ${seq} headerKeys: [${r.headers.map((x) => x.key).join(',')}]`
    } else {
      out += ` crc: ${recordCrc} isvalid: true`
    }
    if (h.attributes & CONTROL_MASK && h.magic >= 2) {
      try {
        const c = parseControlRecord(r)
        if (c.type === 0 || c.type === 1) out += ` endTxnMarker: ${CONTROL_TYPES[c.type]} coordinatorEpoch: ${c.coordinatorEpoch ?? 0}`
        else out += ` controlType: ${CONTROL_TYPES[c.type] ?? 'UNKNOWN'}(${c.type})`
      } catch {
        out += ` controlType: UNKNOWN(-1)`
      }
    }
    prefix = ' '
  }
  if (ctx.printData && !(h.attributes & CONTROL_MASK && h.magic >= 2)) {
    if (r.key) {
      out += `${ctx.skipRecordMetadata ? ' ' : prefix}key: ${ctx.decodeKey(r.key)}`
    }
    if (r.value) out += ` payload: ${ctx.decodeValue(r.value)}`
  }
  return out
}

export async function dumpLogFile(file: string, ctx: DumpContext): Promise<void> {
  const name = path.basename(file)
  const base = /^(\d+)\./.exec(name)
  if (name.endsWith('.log')) ctx.out(`Log starting offset: ${base ? BigInt(base[1]!) : name.split('.')[0]}`)
  const fd = fs.openSync(file, 'r')
  try {
    const fileSize = fs.fstatSync(fd).size
    const end = Math.min(fileSize, ctx.maxBytes)
    let validBytes = 0
    let lastOffset = -1n
    for (const e of fileEntries(fd, 0, end, file)) {
      const valid = verifyBatch(e.bytes, 0) === null && (e.header.magic < 2 || e.size >= RECORD_BATCH_OVERHEAD)
      ctx.out(batchLine(e.header, validBytes, e.size, valid))
      if (ctx.deep) {
        let records: KafkaRecord[]
        try {
          records = e.header.magic === 2 ? (await decodeRecordBatch(e.bytes, {verifyCrc: false})).records : (await decodeLegacyEntry(e.bytes, {verifyCrc: false})).records
        } catch (error) {
          ctx.err(`Could not read the records of the batch at position ${validBytes}: ${(error as Error).message}`)
          records = []
        }
        const legacyCrc = e.header.magic < 2 && (e.header.attributes & COMPRESSION_MASK) === 0 ? e.bytes.readUInt32BE(LEGACY_CRC) : null
        for (const r of records) {
          if (lastOffset !== -1n && r.offset !== lastOffset + 1n) ctx.nonConsecutive(path.resolve(file), lastOffset, r.offset)
          lastOffset = r.offset
          ctx.out(recordLine(e.header, r, legacyCrc ?? e.header.crc, ctx))
        }
      }
      validBytes += e.size
    }
    const trailing = fileSize - validBytes
    if (trailing > 0 && ctx.maxBytes === 2147483647) ctx.out(`Found ${trailing} invalid bytes at the end of ${name}`)
  } finally {
    fs.closeSync(fd)
  }
}
