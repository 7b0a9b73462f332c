// Jute, ZooKeeper's record serialisation: big-endian int32/int64, a boolean byte, and
// length-prefixed ustring/buffer/vector where length -1 means null. The reader works on a
// subarray with no copies and throws JuteError on anything out of bounds, so that a malformed
// packet closes its connection instead of reaching the tree.
//
// Differences from Java's BinaryInputArchive, on purpose:
// - a null ustring (-1) reads as '' (the server then rejects it as a bad path, as Java's NPE
//   path would end in an error too); a null vector reads as [] .
// - lengths are checked against the bytes left, so a huge length fails fast without allocating.

export class JuteError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'JuteError'
  }
}

const TWO_32 = 4294967296

export class JuteReader {
  offset: number
  readonly end: number

  constructor(readonly buf: Buffer, offset = 0, end = buf.length) {
    this.offset = offset
    this.end = end
  }

  remaining(): number {
    return this.end - this.offset
  }

  private need(n: number): void {
    if (this.offset + n > this.end) throw new JuteError(`record truncated: need ${n} bytes at ${this.offset}, have ${this.end - this.offset}`)
  }

  int(): number {
    this.need(4)
    const v = this.buf.readInt32BE(this.offset)
    this.offset += 4
    return v
  }

  long(): bigint {
    this.need(8)
    const v = this.buf.readBigInt64BE(this.offset)
    this.offset += 8
    return v
  }

  /** An int64 as a JS number (zxids, times): exact up to 2^53. */
  longNum(): number {
    this.need(8)
    const hi = this.buf.readInt32BE(this.offset)
    const lo = this.buf.readUInt32BE(this.offset + 4)
    this.offset += 8
    return hi * TWO_32 + lo
  }

  bool(): boolean {
    this.need(1)
    return this.buf[this.offset++] !== 0
  }

  private length(what: string): number {
    const n = this.int()
    if (n < -1) throw new JuteError(`negative ${what} length ${n}`)
    return n
  }

  ustring(): string {
    const n = this.length('string')
    if (n <= 0) return ''
    this.need(n)
    const s = this.buf.toString('utf8', this.offset, this.offset + n)
    this.offset += n
    return s
  }

  buffer(): Buffer | null {
    const n = this.length('buffer')
    if (n === -1) return null
    this.need(n)
    const b = this.buf.subarray(this.offset, this.offset + n)
    this.offset += n
    return b
  }

  vector<T>(item: (r: JuteReader) => T): T[] {
    const n = this.length('vector')
    if (n <= 0) return []
    // Each element takes at least one byte: reject counts that cannot fit before allocating.
    if (n > this.remaining()) throw new JuteError(`vector of ${n} elements exceeds the ${this.remaining()} bytes left`)
    const out = new Array<T>(n)
    for (let i = 0; i < n; i++) out[i] = item(this)
    return out
  }
}

export class JuteWriter {
  private buf: Buffer
  offset: number

  constructor(size = 256, reserve = 0) {
    this.buf = Buffer.allocUnsafe(Math.max(size, reserve + 16))
    this.offset = reserve
  }

  private ensure(n: number): void {
    if (this.offset + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.offset + n) size *= 2
    const next = Buffer.allocUnsafe(size)
    this.buf.copy(next, 0, 0, this.offset)
    this.buf = next
  }

  int(v: number): this {
    this.ensure(4)
    this.buf.writeInt32BE(v | 0, this.offset)
    this.offset += 4
    return this
  }

  long(v: bigint): this {
    this.ensure(8)
    this.buf.writeBigInt64BE(BigInt.asIntN(64, v), this.offset)
    this.offset += 8
    return this
  }

  /** Writes a JS number as an int64 (zxids, times, -1). */
  longNum(v: number): this {
    this.ensure(8)
    const hi = Math.floor(v / TWO_32)
    this.buf.writeInt32BE(hi | 0, this.offset)
    this.buf.writeUInt32BE(v - hi * TWO_32, this.offset + 4)
    this.offset += 8
    return this
  }

  bool(v: boolean): this {
    this.ensure(1)
    this.buf[this.offset++] = v ? 1 : 0
    return this
  }

  ustring(v: string | null): this {
    if (v === null) return this.int(-1)
    const n = Buffer.byteLength(v)
    this.ensure(4 + n)
    this.buf.writeInt32BE(n, this.offset)
    this.buf.write(v, this.offset + 4, 'utf8')
    this.offset += 4 + n
    return this
  }

  buffer(v: Uint8Array | null): this {
    if (v === null) return this.int(-1)
    this.ensure(4 + v.length)
    this.buf.writeInt32BE(v.length, this.offset)
    this.buf.set(v, this.offset + 4)
    this.offset += 4 + v.length
    return this
  }

  raw(v: Uint8Array): this {
    this.ensure(v.length)
    this.buf.set(v, this.offset)
    this.offset += v.length
    return this
  }

  vector<T>(items: readonly T[] | null, item: (w: JuteWriter, v: T) => void): this {
    if (items === null) return this.int(-1)
    this.int(items.length)
    for (const v of items) item(this, v)
    return this
  }

  /** Overwrites an int32 at a given position (frame lengths). */
  patchInt(pos: number, v: number): void {
    this.buf.writeInt32BE(v, pos)
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.offset)
  }
}
