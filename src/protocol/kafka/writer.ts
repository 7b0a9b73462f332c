// Writes Kafka's primitive types into one growable buffer (doubling), so encoding a message
// allocates O(log n) times and finish() hands back a subarray without copying.
// Splicing (opt-in, spliceMin): byte fields at least that long (record sets read from the log) are
// referenced instead of copied, and finishChunks() returns the pieces for socket.writev/cork.
const ZERO_UUID = Buffer.alloc(16)

export class Writer {
  buf: Buffer
  /** Bytes written into buf (spliced buffers not included; see length). */
  offset = 0
  /** Byte fields of at least this many bytes are spliced, not copied. Infinity (default): never. */
  spliceMin = Infinity
  private splices: {at: number; buf: Uint8Array}[] = []
  private splicedBytes = 0

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialSize))
  }

  /** Makes room for n more bytes and returns the position to write them at. */
  private grow(n: number): number {
    const o = this.offset
    if (o + n > this.buf.length) {
      let size = this.buf.length * 2
      while (size < o + n) size *= 2
      const next = Buffer.allocUnsafe(size)
      this.buf.copy(next, 0, 0, o)
      this.buf = next
    }
    this.offset = o + n
    return o
  }

  /** Total bytes written, spliced buffers included. */
  get length(): number {
    return this.offset + this.splicedBytes
  }

  /** The bytes written so far (a view of the internal buffer; the Writer should not be reused). */
  finish(): Buffer {
    if (this.splices.length > 0) return Buffer.concat(this.finishChunks())
    return this.buf.subarray(0, this.offset)
  }

  /** The bytes written so far as pieces: views of the internal buffer with the spliced buffers between. */
  finishChunks(): Buffer[] {
    const out: Buffer[] = []
    let from = 0
    for (const {at, buf} of this.splices) {
      if (at > from) out.push(this.buf.subarray(from, at))
      out.push(Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength))
      from = at
    }
    if (this.offset > from || out.length === 0) out.push(this.buf.subarray(from, this.offset))
    return out
  }

  int8(v: number): this {
    const o = this.grow(1) // grow first: it may replace this.buf
    this.buf.writeInt8(v, o)
    return this
  }
  int16(v: number): this {
    const o = this.grow(2) // grow first: it may replace this.buf
    this.buf.writeInt16BE(v, o)
    return this
  }
  int32(v: number): this {
    const o = this.grow(4) // grow first: it may replace this.buf
    this.buf.writeInt32BE(v, o)
    return this
  }
  uint16(v: number): this {
    const o = this.grow(2) // grow first: it may replace this.buf
    this.buf.writeUInt16BE(v, o)
    return this
  }
  uint32(v: number): this {
    const o = this.grow(4) // grow first: it may replace this.buf
    this.buf.writeUInt32BE(v, o)
    return this
  }
  int64(v: bigint): this {
    const o = this.grow(8) // grow first: it may replace this.buf
    this.buf.writeBigInt64BE(v, o)
    return this
  }
  float64(v: number): this {
    const o = this.grow(8) // grow first: it may replace this.buf
    this.buf.writeDoubleBE(v, o)
    return this
  }
  bool(v: boolean): this {
    const o = this.grow(1)
    this.buf[o] = v ? 1 : 0
    return this
  }

  /** Unsigned varint of a 32-bit value. */
  uvarint(v: number): this {
    v = v >>> 0
    if (v < 0x80) {
      const o = this.grow(1)
      this.buf[o] = v
      return this
    }
    let o = this.grow(5)
    const buf = this.buf
    while (v >= 0x80) {
      buf[o++] = (v & 0x7f) | 0x80
      v >>>= 7
    }
    buf[o++] = v
    this.offset = o
    return this
  }

  varint(v: number): this {
    return this.uvarint((v << 1) ^ (v >> 31))
  }

  varlong(v: bigint): this {
    if (v >= -0x80000000n && v <= 0x7fffffffn) return this.varint(Number(v))
    let u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n))
    const o = this.grow(10)
    let p = o
    while (u >= 0x80n) {
      this.buf[p++] = Number(u & 0x7fn) | 0x80
      u >>= 7n
    }
    this.buf[p++] = Number(u)
    this.offset = p
    return this
  }

  /** Kafka's Uuid string form (22 chars of base64url) back to its 16 bytes. */
  uuid(v: string): this {
    const o = this.grow(16)
    if (v === 'AAAAAAAAAAAAAAAAAAAAAA') {
      ZERO_UUID.copy(this.buf, o)
      return this
    }
    const bytes = Buffer.from(v, 'base64url')
    if (bytes.length !== 16 || v.length !== 22) throw new Error(`not a Kafka Uuid: ${JSON.stringify(v)}`)
    bytes.copy(this.buf, o)
    return this
  }

  private text(v: string, len: number): void {
    const o = this.grow(len)
    this.buf.write(v, o, len, 'utf8')
  }

  /**
   * Short ASCII strings (topic names, ids) are copied by a JS loop: about twice as fast as
   * Buffer.byteLength + buf.write for them. Returns false (nothing written) for anything else.
   */
  private asciiAfter(v: string, prefix: number): boolean {
    const n = v.length
    if (n >= 64) return false
    const o = this.grow(prefix + n)
    const buf = this.buf
    const at = o + prefix
    for (let i = 0; i < n; i++) {
      const c = v.charCodeAt(i)
      if (c >= 0x80) {
        this.offset = o
        return false
      }
      buf[at + i] = c
    }
    if (prefix === 2) buf.writeInt16BE(n, o)
    else buf[o] = n + 1
    return true
  }

  string(v: string): this {
    if (this.asciiAfter(v, 2)) return this
    const len = Buffer.byteLength(v, 'utf8')
    if (len > 0x7fff) throw new Error(`string of ${len} bytes is longer than 32767`)
    this.int16(len)
    this.text(v, len)
    return this
  }
  nullableString(v: string | null): this {
    if (v === null) return this.int16(-1)
    return this.string(v)
  }
  compactString(v: string): this {
    if (this.asciiAfter(v, 1)) return this
    const len = Buffer.byteLength(v, 'utf8')
    this.uvarint(len + 1)
    this.text(v, len)
    return this
  }
  compactNullableString(v: string | null): this {
    if (v === null) return this.uvarint(0)
    return this.compactString(v)
  }

  /** Appends raw bytes (spliced instead of copied when at least spliceMin long). */
  raw(v: Uint8Array): this {
    if (v.length >= this.spliceMin && v.length > 0) {
      this.splices.push({at: this.offset, buf: v})
      this.splicedBytes += v.length
      return this
    }
    const o = this.grow(v.length)
    this.buf.set(v, o)
    return this
  }

  bytes(v: Uint8Array): this {
    this.int32(v.length)
    return this.raw(v)
  }
  nullableBytes(v: Uint8Array | null): this {
    if (v === null) return this.int32(-1)
    return this.bytes(v)
  }
  compactBytes(v: Uint8Array): this {
    this.uvarint(v.length + 1)
    return this.raw(v)
  }
  compactNullableBytes(v: Uint8Array | null): this {
    if (v === null) return this.uvarint(0)
    return this.compactBytes(v)
  }

  /** Classic ARRAY count (int32); -1 writes null. */
  arrayCount(n: number): this {
    return this.int32(n)
  }
  /** COMPACT_ARRAY count (uvarint n+1); -1 writes null. */
  compactArrayCount(n: number): this {
    return this.uvarint(n + 1)
  }

  array<T>(items: readonly T[] | null, each: (w: Writer, item: T) => void): this {
    if (items === null) return this.int32(-1)
    this.int32(items.length)
    for (const item of items) each(this, item)
    return this
  }
  compactArray<T>(items: readonly T[] | null, each: (w: Writer, item: T) => void): this {
    if (items === null) return this.uvarint(0)
    this.uvarint(items.length + 1)
    for (const item of items) each(this, item)
    return this
  }

  /** An empty tagged-field section. */
  emptyTaggedFields(): this {
    const o = this.grow(1)
    this.buf[o] = 0
    return this
  }

  /**
   * Tagged fields carry their size before their data. beginSized() reserves one byte for that size;
   * endSized() fills it in, moving the data when the size needs a longer varint (rare: >= 128 bytes).
   */
  beginSized(): number {
    return this.grow(1)
  }
  endSized(mark: number): this {
    const last = this.splices[this.splices.length - 1]
    if (last && last.at > mark) throw new Error('a spliced buffer inside a tagged field is not supported')
    const size = this.offset - mark - 1
    if (size < 0x80) {
      this.buf[mark] = size
      return this
    }
    let extra = 0
    for (let s = size >>> 7; s > 0; s >>>= 7) extra++
    this.grow(extra)
    this.buf.copyWithin(mark + 1 + extra, mark + 1, mark + 1 + size)
    const end = this.offset
    this.offset = mark
    this.uvarint(size)
    this.offset = end
    return this
  }

  /** Reserves 4 bytes for a size or count filled in later with int32At(). */
  reserveInt32(): number {
    return this.grow(4)
  }
  int32At(position: number, v: number): this {
    this.buf.writeInt32BE(v, position)
    return this
  }
}
