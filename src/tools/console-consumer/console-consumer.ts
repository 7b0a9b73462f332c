// The console consumer's loop (reference §4.4): poll, format, write each fetch to stdout in one
// write, stop at --max-messages, at --timeout-ms without records, on SIGINT or when stdout is
// closed; then "Processed a total of N messages" on stderr.
import {clientSettings} from '../../cli/kafka-client.js'
import {Logger} from '../../common/logger.js'
import {AdminClient} from '../admin/admin-client.js'
import type {ConsumerSettings} from './consumer-options.js'
import type {RecordSource} from './fetch-source.js'
import {RawLines} from './batch-reader.js'
import {FormatError, ValueOnlyFormatter, createFormatter, type ConsumedRecord} from './formatter.js'

export interface ConsumerIo {
  /** Writes bytes to stdout; resolves when they may be followed by more (drain). */
  write(data: Buffer): Promise<void>
  err(text: string): void
  signal: AbortSignal
  /** Set when stdout was closed by the reader (EPIPE). */
  stdoutClosed(): boolean
}

export interface ConsumerResult {
  processed: number
  exitCode: number
}

export async function runConsoleConsumer(s: ConsumerSettings, io: ConsumerIo): Promise<ConsumerResult> {
  const log = new Logger('kafka.tools.ConsoleConsumer$', (l) => io.err(`${l}\n`), 'INFO')
  const formatter = createFormatter(s.formatter, s.formatterProps)
  let processed = 0
  let exitCode = 0
  let source: RecordSource | undefined
  try {
    if (s.groupId !== undefined) {
      const {GroupSource} = await import('./group-source.js')
      const g = new GroupSource(s)
      source = g
      await g.start()
    } else {
      const {FetchSource} = await import('./fetch-source.js')
      const admin = await AdminClient.connect(clientSettings(s.brokerList, s.props, {clientId: 'console-consumer', requestTimeoutMs: 30_000}))
      const f = new FetchSource(admin, s, formatter instanceof ValueOnlyFormatter)
      source = f
      await f.start()
    }
    let lastRecordAt = Date.now()
    while (!io.signal.aborted && !io.stdoutClosed()) {
      if (s.maxMessages !== undefined && processed >= s.maxMessages) break
      const wait = s.timeoutMs === undefined ? 500 : Math.max(0, Math.min(500, lastRecordAt + s.timeoutMs - Date.now()))
      const records = await source.poll(wait)
      if (io.signal.aborted) break
      if (records instanceof RawLines) {
        // The default output, already laid out: cut at --max-messages and write.
        const count = s.maxMessages === undefined ? records.ends.length : Math.min(records.ends.length, s.maxMessages - processed)
        if (count > 0) {
          lastRecordAt = Date.now()
          await io.write(records.data.subarray(0, records.ends[count - 1]))
          if (io.stdoutClosed()) break
          processed += count
          continue
        }
      }
      if (records instanceof RawLines || records.length === 0) {
        if (s.timeoutMs !== undefined && Date.now() - lastRecordAt >= s.timeoutMs) {
          log.error('Error processing message, terminating consumer process: ')
          io.err('org.apache.kafka.common.errors.TimeoutException\n')
          break
        }
        continue
      }
      lastRecordAt = Date.now()
      const room = s.maxMessages === undefined ? records.length : Math.min(records.length, s.maxMessages - processed)
      const printed: ConsumedRecord[] = []
      const pieces: Buffer[] = []
      for (let i = 0; i < room; i++) {
        const r = records[i]!
        const mark = pieces.length
        try {
          formatter.format(r, pieces)
        } catch (error) {
          pieces.length = mark
          if (!(error instanceof FormatError) && !(error instanceof Error)) throw error
          if (!s.skipMessageOnError) {
            source.consumed(printed)
            await io.write(Buffer.concat(pieces))
            processed += printed.length
            throw new Error(`org.apache.kafka.common.errors.SerializationException: ${(error as Error).message}`)
          }
          log.error(`Error processing message, skipping this message: org.apache.kafka.common.errors.SerializationException: ${(error as Error).message}`)
        }
        printed.push(r)
      }
      if (pieces.length > 0) await io.write(pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces))
      if (io.stdoutClosed()) break
      processed += printed.length
      source.consumed(printed)
    }
    if (io.stdoutClosed()) io.err('Unable to write to standard out, closing consumer.\n')
  } catch (error) {
    log.error(`Unknown error when running consumer: ${(error as Error).message}`)
    exitCode = 1
  } finally {
    await source?.close().catch(() => undefined)
  }
  io.err(`Processed a total of ${processed} messages\n`)
  return {processed, exitCode}
}
