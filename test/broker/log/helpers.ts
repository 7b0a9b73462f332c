// Shared by the log tests: temp dirs, managers on a ManualClock, batches from the records codec.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {onTestFinished} from 'vitest'
import {ManualClock} from '../../../src/common/clock.js'
import {memoryLogger} from '../../../src/common/logger.js'
import {LogManager} from '../../../src/broker/log/index.js'
import {encodeRecordBatchSync, type RecordInput} from '../../../src/protocol/kafka/records/record-batch.js'

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ktool-'))
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, {recursive: true, force: true})
}

export interface Harness {
  dir: string
  clock: ManualClock
  lines: string[]
  manager: LogManager
  props: Map<string, string>
  restart(): Promise<LogManager>
  crash(): Promise<LogManager>
}

/** A manager on a fresh temp dir with a ManualClock; restart() shuts down cleanly, crash() does not. */
export async function harness(props: Record<string, string> = {}, dir = tempDir()): Promise<Harness> {
  const clock = new ManualClock()
  const {logger, lines} = memoryLogger('kafka.log.LogManager')
  const brokerProps = new Map(Object.entries({'log.retention.check.interval.ms': '999999999', 'log.cleaner.backoff.ms': '999999999', ...props}))
  const make = (): LogManager => new LogManager({logDirs: [dir], brokerProps, clock, logger, brokerId: 0})
  const h: Harness = {
    dir,
    clock,
    lines,
    props: brokerProps,
    manager: make(),
    async restart() {
      await h.manager.shutdown()
      h.manager = make()
      await h.manager.startup()
      return h.manager
    },
    async crash() {
      // Like a killed process: descriptors go, nothing is flushed or checkpointed, no marker.
      for (const log of h.manager.allLogs()) log.closeHandlesOnly()
      h.manager = make()
      await h.manager.startup()
      return h.manager
    },
  }
  await h.manager.startup()
  onTestFinished(async () => {
    await h.manager.shutdown()
    removeDir(dir)
  })
  return h
}

let seq = 0
/** One uncompressed batch (or codec) of n records with keys k<i> and values v<i>. */
export function batch(n: number, opts: {codec?: number; keys?: boolean; valueSize?: number; timestamp?: number; prefix?: string} = {}): Buffer {
  const records: RecordInput[] = []
  const ts = opts.timestamp ?? 1_700_000_000_000
  for (let i = 0; i < n; i++) {
    const id = seq++
    records.push({
      key: opts.keys === false ? null : `${opts.prefix ?? 'k'}${id}`,
      value: opts.valueSize ? Buffer.alloc(opts.valueSize, id % 251) : `v${id}`,
      timestamp: ts + i,
    })
  }
  return encodeRecordBatchSync({records, compression: opts.codec ?? 0})
}

export function keyed(entries: [string, string | null][], timestamp = 1_700_000_000_000): Buffer {
  return encodeRecordBatchSync({records: entries.map(([k, v], i) => ({key: k, value: v, timestamp: timestamp + i}))})
}
