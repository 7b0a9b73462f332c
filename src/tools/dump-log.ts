// ktool dump-log: Kafka's kafka-dump-log.sh (DumpLogSegments). Reads .log, .index and
// .timeindex files directly (no broker) and prints what they hold in Kafka's lines, so scripts
// that grep its output keep working. Problems found while checking indexes and offsets are
// printed on stderr after all files, as Kafka does.
//
// Differences: other file kinds (.snapshot, .txnindex, .kafka_cleanshutdown) are reported as
// unknown; the decoder classes are accepted, and every key and value prints as UTF-8 text (what
// kafka.serializer.StringDecoder, the default, does). A corrupt file ends with a one-line error
// on stderr and exit status 1 instead of a Java stack trace.
import * as fs from 'node:fs'
import * as path from 'node:path'
import {dumpLogFile} from './dump-log/log-file.js'
import {dumpOffsetIndex, dumpTimeIndex} from './dump-log/index-files.js'

export interface DumpLogOptions {
  files: string[]
  printDataLog?: boolean
  deepIteration?: boolean
  indexSanityCheck?: boolean
  verifyIndexOnly?: boolean
  skipRecordMetadata?: boolean
  maxMessageSize?: number
  maxBytes?: number
  keyDecoderClass?: string
  valueDecoderClass?: string
}

/** What the per-file dumpers share: options, output, and the error lists printed at the end. */
export interface DumpContext {
  printData: boolean
  deep: boolean
  indexSanityCheck: boolean
  verifyOnly: boolean
  skipRecordMetadata: boolean
  maxMessageSize: number
  maxBytes: number
  out(line: string): void
  err(line: string): void
  decodeKey(b: Buffer): string
  decodeValue(b: Buffer): string
  nonConsecutive(file: string, first: bigint, second: bigint): void
  indexMismatch(file: string, indexOffset: bigint, logOffset: bigint): void
  timeIndexError(kind: 'mismatch' | 'outOfOrder' | 'notFound', file: string, a: bigint, b: bigint): void
}

export interface DumpLogIo {
  out(line: string): void
  err(line: string): void
}

const utf8 = (b: Buffer): string => b.toString('utf8')

/** Dumps every file; returns the exit status (0, or 1 when a file could not be read). */
export async function dumpLog(opts: DumpLogOptions, io: DumpLogIo): Promise<number> {
  const push = <K>(m: Map<string, K[]>, k: string, v: K): void => void (m.get(k) ?? m.set(k, []).get(k)!).push(v)
  const nonConsecutive = new Map<string, [bigint, bigint][]>()
  const mismatches = new Map<string, [bigint, bigint][]>()
  const timeErrors = {mismatch: new Map<string, [bigint, bigint][]>(), outOfOrder: new Map<string, [bigint, bigint][]>(), notFound: new Map<string, [bigint, bigint][]>()}
  const printData = Boolean(opts.printDataLog)
  const ctx: DumpContext = {
    printData,
    deep: Boolean(opts.deepIteration) || printData,
    indexSanityCheck: Boolean(opts.indexSanityCheck),
    verifyOnly: Boolean(opts.verifyIndexOnly),
    skipRecordMetadata: Boolean(opts.skipRecordMetadata),
    maxMessageSize: opts.maxMessageSize ?? 5 * 1024 * 1024,
    maxBytes: opts.maxBytes ?? 2147483647,
    out: io.out,
    err: io.err,
    decodeKey: utf8,
    decodeValue: utf8,
    nonConsecutive: (f, a, b) => push(nonConsecutive, f, [a, b]),
    indexMismatch: (f, a, b) => push(mismatches, f, [a, b]),
    timeIndexError: (kind, f, a, b) => push(timeErrors[kind], f, [a, b]),
  }
  let status = 0
  for (const file of opts.files) {
    io.out(`Dumping ${file}`)
    const name = path.basename(file)
    const suffix = name.includes('.') ? name.slice(name.lastIndexOf('.')) : ''
    try {
      if ((suffix === '.log' || suffix === '.index' || suffix === '.timeindex') && !fs.existsSync(file)) throw new Error(`${file} (No such file or directory)`)
      if (suffix === '.log') await dumpLogFile(file, ctx)
      else if (suffix === '.index') await dumpOffsetIndex(file, ctx)
      else if (suffix === '.timeindex') await dumpTimeIndex(file, ctx)
      else io.err(`Ignoring unknown file ${file}`)
    } catch (error) {
      if (!(error instanceof Error)) throw error
      io.err(`Error: ${(error as Error).message}`)
      status = 1
      break
    }
  }
  for (const [file, list] of mismatches) {
    io.err(`Mismatches in :${file}`)
    for (const [a, b] of list.reverse()) io.err(`  Index offset: ${a}, log offset: ${b}`)
  }
  for (const [file, list] of timeErrors.mismatch) {
    io.err(`Found timestamp mismatch in :${file}`)
    for (const [a, b] of list) io.err(`  Index timestamp: ${a}, log timestamp: ${b}`)
  }
  for (const [file, list] of timeErrors.outOfOrder) {
    io.err(`Found out of order timestamp in :${file}`)
    for (const [a, b] of list) io.err(`  Index timestamp: ${a}, Previously indexed timestamp: ${b}`)
  }
  for (const list of timeErrors.notFound.values()) {
    io.err('The following indexed offsets are not found in the log.')
    for (const [a, b] of list) io.err(`Indexed offset: ${a}, found log offset: ${b}`)
  }
  for (const [file, list] of nonConsecutive) {
    io.err(`Non-consecutive offsets in ${file}`)
    for (const [a, b] of list.reverse()) io.err(`  ${a} is followed by ${b}`)
  }
  return status
}
