import {ProtocolError} from './protocol-error.js'

// Reads Kafka's primitive types from one frame. Defensive by design: every length and count is
// checked against the bytes that remain before anything is sliced or allocated, so a hostile or
// corrupt frame costs at most its own size. Byte fields come back as subarrays of the frame (no copy).
export class Reader {
  offset: number
  readonly end: number

  constructor(readonly buf: Buffer, offset = 0, end = buf.length) {
    if (offset < 0 || end > buf.length || offset > end) throw new RangeError('reader bounds outside the buffer')
    this.offset = offset
    this.end = end
  }

  remaining(): number {
    return this.end - this.offset
  }

  /** Throws unless n more bytes are available; returns the current offset. */
  private need(n: number, what: string): number {
    const o = this.offset
    if (n > this.end - o) throw new ProtocolError(`${what}: needs ${n} bytes, ${this.end - o} left`)
    this.offset = o + n
    return o
  }

  int8(): number {
    return this.buf.readInt8(this.need(1, 'int8'))
  }
  int16(): number {
    return this.buf.readInt16BE(this.need(2, 'int16'))
  }
  int32(): number {
    return this.buf.readInt32BE(this.need(4, 'int32'))
  }
  uint16(): number {
    return this.buf.readUInt16BE(this.need(2, 'uint16'))
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.need(4, 'uint32'))
  }
  int64(): bigint {
    return this.buf.readBigInt64BE(this.need(8, 'int64'))
  }
  float64(): number {
    return this.buf.readDoubleBE(this.need(8, 'float64'))
  }
  /** Like Kafka: any non-zero byte is true. */
  bool(): boolean {
    return this.buf[this.need(1, 'boolean')] !== 0
  }

  /** Unsigned varint of at most 32 bits (Kafka's UNSIGNED_VARINT, at most 5 bytes). */
  uvarint(): number {
    const buf = this.buf
    let o = this.offset
    let value = 0
    for (let shift = 0; shift < 35; shift += 7) {
      if (o >= this.end) throw new ProtocolError('varint: truncated')
      const b = buf[o++]
      if (shift === 28) {
        if (b > 0x0f) throw new ProtocolError('varint: more than 32 bits')
        value += b * 0x10000000
        this.offset = o
        return value
      }
      value |= (b & 0x7f) << shift
      if (b < 0x80) {
        this.offset = o
        return value >>> 0
      }
    }
    throw new ProtocolError('varint: too long')
  }

  /** Zig-zag signed varint (32 bits). */
  varint(): number {
    const u = this.uvarint()
    return (u >>> 1) ^ -(u & 1)
  }

  /** Zig-zag signed varlong (64 bits, at most 10 bytes). */
  varlong(): bigint {
    const buf = this.buf
    let o = this.offset
    // Fast path: most values fit in 28 bits.
    let small = 0
    let shift = 0
    for (; shift < 28; shift += 7) {
      if (o >= this.end) throw new ProtocolError('varlong: truncated')
      const b = buf[o++]
      small |= (b & 0x7f) << shift
      if (b < 0x80) {
        this.offset = o
        return BigInt((small >>> 1) ^ -(small & 1))
      }
    }
    let value = BigInt(small >>> 0)
    for (; shift < 70; shift += 7) {
      if (o >= this.end) throw new ProtocolError('varlong: truncated')
      const b = buf[o++]
      value |= BigInt(b & 0x7f) << BigInt(shift)
      if (b < 0x80) {
        this.offset = o
        value = BigInt.asUintN(64, value)
        return (value >> 1n) ^ -(value & 1n)
      }
    }
    throw new ProtocolError('varlong: too long')
  }

  /** 16 bytes as Kafka's Uuid.toString(): base64url without padding. */
  uuid(): string {
    const o = this.need(16, 'uuid')
    return this.buf.toString('base64url', o, o + 16)
  }

  private text(n: number, what: string): string {
    const o = this.need(n, what)
    return this.buf.toString('utf8', o, o + n)
  }
  private slice(n: number, what: string): Buffer {
    const o = this.need(n, what)
    return this.buf.subarray(o, o + n)
  }

  string(): string {
    const n = this.int16()
    if (n < 0) throw new ProtocolError(`string: negative length ${n}`)
    return this.text(n, 'string')
  }
  nullableString(): string | null {
    const n = this.int16()
    if (n === -1) return null
    if (n < 0) throw new ProtocolError(`string: negative length ${n}`)
    return this.text(n, 'string')
  }
  compactString(): string {
    const n = this.uvarint() - 1
    if (n < 0) throw new ProtocolError('compact string: null where none is allowed')
    return this.text(n, 'compact string')
  }
  compactNullableString(): string | null {
    const n = this.uvarint() - 1
    return n < 0 ? null : this.text(n, 'compact string')
  }

  bytes(): Buffer {
    const n = this.int32()
    if (n < 0) throw new ProtocolError(`bytes: negative length ${n}`)
    return this.slice(n, 'bytes')
  }
  nullableBytes(): Buffer | null {
    const n = this.int32()
    if (n === -1) return null
    if (n < 0) throw new ProtocolError(`bytes: negative length ${n}`)
    return this.slice(n, 'bytes')
  }
  compactBytes(): Buffer {
    const n = this.uvarint() - 1
    if (n < 0) throw new ProtocolError('compact bytes: null where none is allowed')
    return this.slice(n, 'compact bytes')
  }
  compactNullableBytes(): Buffer | null {
    const n = this.uvarint() - 1
    return n < 0 ? null : this.slice(n, 'compact bytes')
  }

  /** n raw bytes as a subarray. */
  raw(n: number): Buffer {
    if (n < 0) throw new ProtocolError(`raw: negative length ${n}`)
    return this.slice(n, 'raw')
  }

  /** Classic ARRAY count: int32, -1 = null (returned as -1). A count larger than the bytes left is an error. */
  arrayCount(): number {
    const n = this.int32()
    if (n < -1) throw new ProtocolError(`array: negative count ${n}`)
    if (n > this.end - this.offset) throw new ProtocolError(`array: count ${n} exceeds the ${this.end - this.offset} bytes left`)
    return n
  }
  /** COMPACT_ARRAY count: uvarint count+1, 0 = null (returned as -1). */
  compactArrayCount(): number {
    const n = this.uvarint() - 1
    if (n > this.end - this.offset) throw new ProtocolError(`array: count ${n} exceeds the ${this.end - this.offset} bytes left`)
    return n
  }

  /** Reads a tagged-field header's size and returns where that field ends. */
  taggedFieldEnd(): number {
    const size = this.uvarint()
    if (size > this.end - this.offset) throw new ProtocolError(`tagged field: size ${size} exceeds the ${this.end - this.offset} bytes left`)
    return this.offset + size
  }

  /** Skips a whole tagged-field section (all tags unknown to the caller). */
  skipTaggedFields(): void {
    const n = this.uvarint()
    if (n > this.end - this.offset) throw new ProtocolError(`tagged fields: count ${n} exceeds the bytes left`)
    for (let i = 0; i < n; i++) {
      this.uvarint()
      this.offset = this.taggedFieldEnd()
    }
  }

  /** Generic tagged-field section: calls onTag for each field; unknown tags are skipped. */
  taggedFields(onTag?: (tag: number, r: Reader, end: number) => boolean): void {
    const n = this.uvarint()
    if (n > this.end - this.offset) throw new ProtocolError(`tagged fields: count ${n} exceeds the bytes left`)
    for (let i = 0; i < n; i++) {
      const tag = this.uvarint()
      const end = this.taggedFieldEnd()
      if (onTag && onTag(tag, this, end)) this.expectAt(end, tag)
      else this.offset = end
    }
  }

  /** Checks that a known tagged field used exactly the bytes its size promised. */
  expectAt(end: number, tag: number): void {
    if (this.offset !== end) throw new ProtocolError(`tagged field ${tag}: size does not match its content`)
  }
}
