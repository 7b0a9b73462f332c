// The console producer's run loop: stdin is read in large chunks, split into lines, turned into
// records by the LineReader, and sent in big batches by BatchProducer (several requests in
// flight, bounded by buffer.memory). At the end of input it waits for every acknowledgement.
// A failed send is reported in Kafka's words on stderr and makes the exit code 1 (Kafka's async
// path exits 0; scripts are better served by knowing).
import type {Readable} from 'node:stream'
import {clientSettings} from '../../cli/kafka-client.js'
import {Logger} from '../../common/logger.js'
import type {RecordInput} from '../../protocol/kafka/records/record-batch.js'
import {AdminClient} from '../admin/admin-client.js'
import {BatchProducer} from './batch-producer.js'
import {LineReader, LineReaderError, LineSplitter, readerConfig} from './line-reader.js'
import type {ProducerSettings} from './producer-config.js'

export interface ProducerIo {
  input: Readable
  /** Print Kafka's '>' prompt (only when stdin and stdout are terminals). */
  prompt: boolean
  out(text: string): void
  err(text: string): void
  /** Aborted by the caller on SIGINT: reading stops, records read so far are still sent. */
  signal?: AbortSignal
}

export interface ProducerResult {
  sent: number
  failed: number
  exitCode: number
}

const COMPRESSION: Record<string, number> = {none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4}
const describeBytes = (b: unknown) => (b == null ? 'null' : `${(b as Uint8Array).length} bytes`)

/** Records per hand-over to the producer: amortises per-request work, keeps requests pipelined. */
const MAX_PENDING_RECORDS = 20_000

export async function runConsoleProducer(s: ProducerSettings, io: ProducerIo): Promise<ProducerResult> {
  const log = new Logger('kafka.tools.ConsoleProducer$', (l) => io.err(`${l}\n`), 'INFO')
  let reader: LineReader
  try {
    reader = new LineReader(readerConfig(s.readerProps))
  } catch (error) {
    log.error(`org.apache.kafka.common.KafkaException: ${(error as Error).message}`)
    return {sent: 0, failed: 0, exitCode: 1}
  }
  let admin: AdminClient
  try {
    admin = await AdminClient.connect(clientSettings(s.brokerList, s.props, {clientId: 'console-producer', requestTimeoutMs: Math.max(s.requestTimeoutMs, 1500)}))
  } catch (error) {
    log.error(`Could not connect to ${s.brokerList}: ${(error as Error).message}`)
    return {sent: 0, failed: 0, exitCode: 1}
  }
  const producer = new BatchProducer(admin, {
    topic: s.topic,
    acks: s.acks,
    timeoutMs: s.requestTimeoutMs,
    compression: COMPRESSION[s.compression]!,
    retries: s.retries,
    retryBackoffMs: s.retryBackoffMs,
    maxBlockMs: s.maxBlockMs,
    bufferMemory: s.bufferMemory,
    maxBatchBytes: 900_000,
  })

  let lineNumber = 0
  let pending: RecordInput[] = []
  let fatal: Error | undefined
  const onLine = (line: Buffer): void => {
    lineNumber++
    if (fatal) return
    if (reader.plain) {
      pending.push({key: null, value: line})
      return
    }
    try {
      pending.push(reader.parse(line.toString('utf8'), lineNumber) as RecordInput)
    } catch (error) {
      if (!(error instanceof LineReaderError)) throw error
      fatal = error
    }
  }
  const handOver = async (): Promise<void> => {
    const records = pending
    pending = []
    if (s.sync) for (const r of records) {
      await producer.send([r])
      await producer.flush()
    }
    else await producer.send(records)
  }

  try {
    await producer.init()
    const splitter = new LineSplitter()
    if (io.prompt) io.out('>')
    try {
      for await (const chunk of io.input) {
        if (io.signal?.aborted) break
        if (reader.plain && !s.sync) {
          // Fast path: lines become batches straight from the chunk.
          const spans = splitter.pushSpans(chunk as Buffer)
          lineNumber += spans.to
          await producer.sendPlain(spans)
        } else {
          splitter.push(chunk as Buffer, onLine)
          if (pending.length >= MAX_PENDING_RECORDS || io.prompt || s.sync || chunk.length < 65536) await handOver()
        }
        if (fatal) break
        if (io.prompt) io.out('>')
      }
    } catch (error) {
      // Destroying stdin on SIGINT ends the loop with an error; the records read so far still go.
      if (!io.signal?.aborted) throw error
    }
    if (!fatal) splitter.end(onLine)
    await handOver()
    await producer.flush()
  } catch (error) {
    log.error(`Error when sending message to topic ${s.topic} with key: null, value: null with error:`)
    io.err(`${(error as Error).message}\n`)
    return {sent: producer.acked, failed: 1, exitCode: 1}
  } finally {
    admin.close()
  }
  let failed = 0
  for (const f of producer.failures) {
    for (const r of f.records) {
      failed++
      log.error(`Error when sending message to topic ${s.topic} with key: ${describeBytes(r.key)}, value: ${describeBytes(r.value)} with error:`)
      io.err(`org.apache.kafka.common.KafkaException: ${f.error}\n`)
    }
  }
  if (fatal) {
    log.error(`org.apache.kafka.common.KafkaException: ${fatal.message}`)
    return {sent: producer.acked, failed, exitCode: 1}
  }
  return {sent: producer.acked, failed, exitCode: failed > 0 ? 1 : 0}
}
