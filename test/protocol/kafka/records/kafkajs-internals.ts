// kafkajs's own protocol encoders and decoders, reached through createRequire: an implementation
// we did not write, used as the other side of every interop check in this folder.
import {createRequire} from 'node:module'

const require = createRequire(import.meta.url)
const base = 'kafkajs/src/protocol/'

export interface KjsRecord {
  key?: Buffer | string | null
  value: Buffer | string | null
  headers?: Record<string, Buffer | string | (Buffer | string)[]>
  timestampDelta?: number
  offsetDelta?: number
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export const kjs = {
  Long: require('kafkajs/src/utils/long') as any,
  Encoder: require(base + 'encoder') as any,
  Decoder: require(base + 'decoder') as any,
  RecordBatch: (require(base + 'recordBatch/v0') as any).RecordBatch as (opts: any) => Promise<any>,
  Record: require(base + 'recordBatch/record/v0') as (r: KjsRecord) => any,
  RecordBatchDecoder: require(base + 'recordBatch/v0/decoder') as (d: any) => Promise<any>,
  decodeMessages: require(base + 'requests/fetch/v4/decodeMessages') as (d: any) => Promise<any[]>,
  MessageSet: require(base + 'messageSet') as (opts: any) => any,
  MessageSetDecoder: require(base + 'messageSet/decoder') as (d: any, size?: number) => Promise<any[]>,
  compression: require(base + 'message/compression') as any,
}

/** A record batch as kafkajs's producer writes it (v0 RecordBatch encoder), as bytes. */
export async function kafkajsBatch(opts: {
  records: KjsRecord[]
  compression?: number
  firstOffset?: bigint
  firstTimestamp?: number
  maxTimestamp?: number
  producerId?: bigint
  producerEpoch?: number
  firstSequence?: number
  transactional?: boolean
  partitionLeaderEpoch?: number
}): Promise<Buffer> {
  const enc = await kjs.RecordBatch({
    compression: opts.compression ?? 0,
    firstOffset: kjs.Long.fromString(String(opts.firstOffset ?? 0n)),
    firstTimestamp: opts.firstTimestamp ?? 1_700_000_000_000,
    maxTimestamp: opts.maxTimestamp ?? opts.firstTimestamp ?? 1_700_000_000_000,
    partitionLeaderEpoch: opts.partitionLeaderEpoch ?? 0,
    lastOffsetDelta: opts.records.length - 1,
    transactional: opts.transactional ?? false,
    producerId: kjs.Long.fromString(String(opts.producerId ?? -1n)),
    producerEpoch: opts.producerEpoch ?? 0,
    firstSequence: opts.firstSequence ?? 0,
    records: opts.records.map((r, i) => kjs.Record({offsetDelta: i, timestampDelta: 0, ...r})),
  })
  return Buffer.from(enc.buffer)
}

/** Decodes a record set with kafkajs's fetch v4+ path (record batches or legacy message sets). */
export async function kafkajsDecode(recordSet: Buffer): Promise<any[]> {
  const frame = new kjs.Encoder().writeInt32(recordSet.length).writeBuffer(recordSet).buffer
  return kjs.decodeMessages(new kjs.Decoder(frame))
}
