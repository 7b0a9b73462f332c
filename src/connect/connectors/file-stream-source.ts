// org.apache.kafka.connect.file.FileStreamSourceConnector: one record per line of a file (or of
// stdin when `file` is unset), following the file as it grows. Lines end at \n, \r\n or a lone
// \r; a trailing \r waits for the next byte, an unterminated last line for its terminator. The
// source offset {"position": n} is the byte position just after a line's terminator (Kafka counts
// characters read; the two agree for ASCII), so a restart resumes with no line lost or repeated.
import {closeSync, openSync, readSync} from 'node:fs'
import {Schemas, type ConnectRecord} from '../data.js'
import {nonEmptyString, type Connector, type ConnectorPlugin, type SourceTask, type SourceTaskContext} from '../plugin-api.js'

export const FILE_SOURCE_CLASS = 'org.apache.kafka.connect.file.FileStreamSourceConnector'
const TASK_CLASS = 'org.apache.kafka.connect.file.FileStreamSourceTask'
const READ_CHUNK = 64 * 1024
/** How long poll() waits when there is nothing new: Kafka's task waits a second; a shorter wait keeps latency low. */
const IDLE_WAIT_MS = 100
const MISSING_FILE_WAIT_MS = 1000

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Splits complete lines off the front of `buf`; returns them with their end positions. */
export function splitLines(buf: Buffer, basePosition: number): {lines: {text: string; end: number}[]; consumed: number} {
  const lines: {text: string; end: number}[] = []
  let start = 0
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]
    if (c !== 0x0a && c !== 0x0d) continue
    let end = i + 1
    if (c === 0x0d) {
      if (i + 1 >= buf.length) break // a trailing \r: wait to see whether \n follows
      if (buf[i + 1] === 0x0a) end = i + 2
    }
    lines.push({text: buf.toString('utf8', start, i), end: basePosition + end})
    start = end
    i = end - 1
  }
  return {lines, consumed: start}
}

export class FileStreamSourceTask implements SourceTask {
  private filename: string | undefined
  private topic = ''
  private batchSize = 2000
  private fd: number | null = null
  private readPosition = 0 // bytes of the file read so far
  private pending = Buffer.alloc(0) // read but not yet emitted (an unterminated line)
  private context!: SourceTaskContext
  private warnedMissing = false
  private stdinChunks: Buffer[] = []
  private stdinListener: ((d: Buffer) => void) | null = null
  private stopped = false

  start(config: Record<string, string>, context: SourceTaskContext): void {
    this.context = context
    this.filename = config.file?.trim() ? config.file : undefined
    this.topic = config.topic!
    this.batchSize = Number(config['batch.size'] ?? 2000)
    if (this.filename === undefined) {
      this.stdinListener = (d: Buffer) => void this.stdinChunks.push(d)
      process.stdin.on('data', this.stdinListener)
      return
    }
    const stored = context.offsetStorageReader.offset({filename: this.filename})
    const position = stored?.position
    if (typeof position === 'number' || typeof position === 'bigint') this.readPosition = Number(position)
  }

  private openFile(): boolean {
    if (this.fd !== null) return true
    try {
      this.fd = openSync(this.filename!, 'r')
      this.warnedMissing = false
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      if (!this.warnedMissing) this.context.log('WARN', `Couldn't find file ${this.filename} for FileStreamSourceTask, sleeping to wait for it to be created`)
      this.warnedMissing = true
      return false
    }
  }

  /** Reads what the file has beyond readPosition into pending. */
  private readMore(): void {
    const chunks: Buffer[] = [this.pending]
    let total = this.pending.length
    for (;;) {
      const chunk = Buffer.allocUnsafe(READ_CHUNK)
      const n = readSync(this.fd!, chunk, 0, READ_CHUNK, this.readPosition)
      if (n <= 0) break
      chunks.push(chunk.subarray(0, n))
      total += n
      this.readPosition += n
      if (total >= READ_CHUNK * 16) break // enough for one poll; the rest comes next time
    }
    this.pending = chunks.length === 1 ? this.pending : Buffer.concat(chunks, total)
  }

  async poll(): Promise<ConnectRecord[] | null> {
    if (this.stopped) return null
    let base: number
    if (this.filename === undefined) {
      if (this.stdinChunks.length > 0) this.pending = Buffer.concat([this.pending, ...this.stdinChunks.splice(0)])
      base = 0
    } else {
      if (!this.openFile()) {
        await sleep(MISSING_FILE_WAIT_MS)
        return null
      }
      base = this.readPosition - this.pending.length
      this.readMore()
    }
    const {lines, consumed} = splitLines(this.pending, base)
    if (lines.length === 0) {
      await sleep(IDLE_WAIT_MS)
      return null
    }
    // Return at most batch.size lines; the rest stay pending for the next poll.
    const take = lines.slice(0, this.batchSize)
    const usedBytes = take.length === lines.length ? consumed : take[take.length - 1]!.end - base
    this.pending = this.pending.subarray(usedBytes)
    const now = Date.now()
    return take.map((line) => ({
      topic: this.topic,
      kafkaPartition: null,
      keySchema: null,
      key: null,
      valueSchema: Schemas.STRING,
      value: line.text,
      timestamp: now,
      headers: [],
      sourcePartition: this.filename === undefined ? undefined : {filename: this.filename},
      sourceOffset: this.filename === undefined ? undefined : {position: line.end},
    }))
  }

  stop(): void {
    this.stopped = true
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
    if (this.stdinListener) process.stdin.off('data', this.stdinListener)
  }
}

class FileStreamSourceConnector implements Connector {
  private config: Record<string, string> = {}

  start(config: Record<string, string>): void {
    this.config = config
  }

  taskConfigs(): Record<string, string>[] {
    return [{...this.config, 'task.class': TASK_CLASS}] // always one task, whatever tasks.max says
  }

  createTask(): SourceTask {
    return new FileStreamSourceTask()
  }

  stop(): void {}

  alterOffsets(config: Record<string, string>, offsets: Map<Record<string, unknown>, Record<string, unknown> | null>): void {
    if (!config.file?.trim()) {
      throw new Error("Offsets cannot be modified if the 'file' configuration is unspecified. This is because stdin is used for input and offsets are not tracked.")
    }
    for (const [partition, offset] of offsets) {
      if (!('filename' in partition)) throw new Error("Partition objects for FileStreamSourceConnector must contain the key 'filename'")
      if (offset === null) continue
      const p = offset.position
      if (p === undefined) throw new Error("Offset objects for FileStreamSourceConnector must contain the key 'position'")
      if (typeof p !== 'number' || !Number.isInteger(p) || p < 0) throw new Error(`The value for the 'position' key in the offset is expected to be a non-negative Long value, but was ${JSON.stringify(p)}`)
    }
  }
}

export const fileStreamSourcePlugin: ConnectorPlugin = {
  className: FILE_SOURCE_CLASS,
  type: 'source',
  version: '3.7.0',
  configDef: {
    file: {type: 'string', default: null, importance: 'high', documentation: 'Source filename. If not specified, the standard input will be used'},
    topic: {type: 'string', importance: 'high', documentation: 'The topic to publish data to', validate: nonEmptyString},
    'batch.size': {type: 'int', default: 2000, importance: 'low', documentation: 'The maximum number of records the source task can read from the file each time it is polled'},
  },
  create: () => new FileStreamSourceConnector(),
}
