// What the offset index and the time index share: fixed-size big-endian entries whose offsets are
// relative to the segment's base offset, held in memory whole (a full 10 MiB index is 1.3 M
// entries) and written to the file positionally. New entries are batched and written on flush,
// roll and close: after a crash the file may be behind the log, which recovery rebuilds from the
// log (the log, not the index, is the truth).
//
// Unlike Kafka we do not preallocate the active segment's index to segment.index.bytes with a
// sparse file: the file is exactly entries x entrySize. Kafka reads such files (it resizes on open),
// and we read Kafka's preallocated ones by stopping at the first all-zero entry after the first.
import * as fs from 'node:fs'
import {syncFd} from './durability.js'

export class CorruptIndexError extends Error {
  override readonly name = 'CorruptIndexError'
}

export abstract class IndexFile {
  protected buf: Buffer
  protected count = 0
  private flushedCount = 0
  private fd: number | null = null
  readonly maxEntries: number

  protected constructor(
    public file: string,
    readonly baseOffset: bigint,
    maxIndexBytes: number,
    readonly entrySize: number,
    load: boolean,
  ) {
    this.maxEntries = Math.max(1, Math.floor(maxIndexBytes / entrySize))
    this.buf = Buffer.alloc(0)
    if (load) this.load()
  }

  get entries(): number {
    return this.count
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries
  }

  /** Bytes the index takes when written out. */
  get sizeInBytes(): number {
    return this.count * this.entrySize
  }

  private load(): void {
    let data: Buffer
    try {
      data = fs.readFileSync(this.file)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    }
    if (data.length % this.entrySize !== 0) {
      throw new CorruptIndexError(`Index file ${this.file} is corrupt, found ${data.length} bytes which is neither positive nor a multiple of ${this.entrySize}.`)
    }
    let n = data.length / this.entrySize
    // A preallocated (Kafka) file: entries end at the first all-zero entry after the first one.
    for (let i = 1; i < n; i++) {
      const at = i * this.entrySize
      let zero = true
      for (let j = 0; j < this.entrySize; j++) if (data[at + j] !== 0) { zero = false; break }
      if (zero) { n = i; break }
    }
    this.buf = data
    this.count = n
    this.flushedCount = n
  }

  protected ensureCapacity(extra: number): void {
    const need = (this.count + extra) * this.entrySize
    if (need <= this.buf.length) return
    const next = Buffer.alloc(Math.max(need, Math.min(this.maxEntries * this.entrySize, Math.max(4096, this.buf.length * 2))))
    this.buf.copy(next, 0, 0, this.count * this.entrySize)
    this.buf = next
  }

  protected relative(offset: bigint): number {
    const rel = offset - this.baseOffset
    if (rel < 0n || rel > 2147483647n) throw new RangeError(`offset ${offset} does not fit an index based at ${this.baseOffset}`)
    return Number(rel)
  }

  /** Drops entries from index i on. */
  truncateToEntries(n: number): void {
    if (n >= this.count) return
    this.count = Math.max(0, n)
    if (this.flushedCount > this.count) {
      this.flushedCount = this.count
      this.openFd()
      fs.ftruncateSync(this.fd!, this.count * this.entrySize)
    }
  }

  reset(): void {
    this.truncateToEntries(0)
  }

  private openFd(): void {
    if (this.fd === null) this.fd = fs.openSync(this.file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644)
  }

  /** Creates the (empty) file now, as Kafka does when a segment is created. */
  touch(): void {
    this.openFd()
  }

  /** Writes entries not yet on disk; with sync, fsyncs the file. */
  flush(sync = false): void {
    if (this.flushedCount < this.count || (sync && this.fd === null)) {
      this.openFd()
      const from = this.flushedCount * this.entrySize
      const to = this.count * this.entrySize
      if (to > from) fs.writeSync(this.fd!, this.buf, from, to - from, from)
      this.flushedCount = this.count
    }
    if (sync && this.fd !== null) syncFd(this.fd)
  }

  /** Writes out everything, trims the file to its entries and releases the descriptor. */
  close(): void {
    this.flush()
    if (this.fd !== null) {
      const size = fs.fstatSync(this.fd).size
      if (size !== this.count * this.entrySize) fs.ftruncateSync(this.fd, this.count * this.entrySize)
      fs.closeSync(this.fd)
      this.fd = null
    } else if (!fs.existsSync(this.file)) {
      fs.writeFileSync(this.file, this.buf.subarray(0, this.count * this.entrySize))
    }
  }

  /** Closes the descriptor without writing (the file is about to be deleted or rebuilt). */
  closeHandle(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd)
      this.fd = null
    }
  }

  renameTo(file: string): void {
    this.flush()
    try {
      fs.renameSync(this.file, file)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    this.file = file
  }

  deleteFile(): void {
    this.closeHandle()
    fs.rmSync(this.file, {force: true})
  }

  /** Forgets the file content: entries will be rewritten from scratch (index rebuild). */
  rebuildFromScratch(): void {
    this.closeHandle()
    this.count = 0
    this.flushedCount = 0
    fs.rmSync(this.file, {force: true})
  }
}
