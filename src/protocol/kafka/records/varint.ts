// Zig-zag varints of Record v2, written and read straight on a Buffer at a position. Kept apart
// from the request codec's Reader/Writer because the record loop wants plain functions over one
// buffer with no per-call object, and a cursor it can bound by the record's own length.
import {CorruptRecordError} from './errors.js'

/** Bytes the zig-zag varint of a 32-bit signed value takes. */
export function varintSize(v: number): number {
  let u = ((v << 1) ^ (v >> 31)) >>> 0
  let n = 1
  while (u >= 0x80) {
    u >>>= 7
    n++
  }
  return n
}

/** Writes a zig-zag varint of a 32-bit signed value at pos; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, v: number): number {
  let u = ((v << 1) ^ (v >> 31)) >>> 0
  while (u >= 0x80) {
    buf[pos++] = (u & 0x7f) | 0x80
    u >>>= 7
  }
  buf[pos++] = u
  return pos
}

const SAFE = 2 ** 52

/** Bytes the zig-zag varlong of v takes (v a safe integer number or a bigint). */
export function varlongSize(v: number | bigint): number {
  if (typeof v === 'number' && v > -SAFE && v < SAFE) {
    if (v >= -0x40000000 && v < 0x40000000) return varintSize(v)
    let u = v < 0 ? -2 * v - 1 : 2 * v
    let n = 1
    while (u >= 0x80) {
      u = Math.floor(u / 128)
      n++
    }
    return n
  }
  let u = zigzag64(BigInt(v))
  let n = 1
  while (u >= 0x80n) {
    u >>= 7n
    n++
  }
  return n
}

const zigzag64 = (v: bigint): bigint => BigInt.asUintN(64, (v << 1n) ^ (v >> 63n))

/** Writes a zig-zag varlong at pos; returns the position after it. */
export function writeVarlong(buf: Uint8Array, pos: number, v: number | bigint): number {
  if (typeof v === 'number' && v > -SAFE && v < SAFE) {
    if (v >= -0x40000000 && v < 0x40000000) return writeVarint(buf, pos, v)
    let u = v < 0 ? -2 * v - 1 : 2 * v
    while (u >= 0x80) {
      buf[pos++] = (u % 128) | 0x80
      u = Math.floor(u / 128)
    }
    buf[pos++] = u
    return pos
  }
  let u = zigzag64(BigInt(v))
  while (u >= 0x80n) {
    buf[pos++] = Number(u & 0x7fn) | 0x80
    u >>= 7n
  }
  buf[pos++] = Number(u)
  return pos
}

/**
 * A read cursor over buf[pos, end). Methods throw CorruptRecordError when a value runs past end,
 * so a record cannot read into its neighbour.
 */
export class VarCursor {
  constructor(
    public buf: Buffer,
    public pos: number,
    public end: number,
  ) {}

  varint(): number {
    const buf = this.buf
    let p = this.pos
    let u = 0
    for (let shift = 0; ; shift += 7) {
      if (p >= this.end) throw new CorruptRecordError('varint runs past the end of its record')
      if (shift > 28) throw new CorruptRecordError('varint longer than 5 bytes')
      const b = buf[p++]
      u |= (b & 0x7f) << shift
      if (b < 0x80) break
    }
    this.pos = p
    return (u >>> 1) ^ -(u & 1)
  }

  /** A varlong as a number when it fits 2^53 (timestamp deltas always do), else as a bigint. */
  varlong(): number | bigint {
    const buf = this.buf
    let p = this.pos
    let u = 0
    let mul = 1
    for (let i = 0; i < 7; i++) {
      if (p >= this.end) throw new CorruptRecordError('varlong runs past the end of its record')
      const b = buf[p++]
      u += (b & 0x7f) * mul
      if (b < 0x80) {
        this.pos = p
        // zig-zag decode with doubles: u < 2^49 here, so this is exact.
        return u % 2 === 0 ? u / 2 : -(u + 1) / 2
      }
      mul *= 128
    }
    return this.varlongBig()
  }

  private varlongBig(): bigint {
    const buf = this.buf
    let p = this.pos
    let u = 0n
    for (let shift = 0n; ; shift += 7n) {
      if (p >= this.end) throw new CorruptRecordError('varlong runs past the end of its record')
      if (shift > 63n) throw new CorruptRecordError('varlong longer than 10 bytes')
      const b = buf[p++]
      u |= BigInt(b & 0x7f) << shift
      if (b < 0x80) break
    }
    this.pos = p
    u = BigInt.asUintN(64, u)
    return BigInt.asIntN(64, (u >> 1n) ^ -(u & 1n))
  }

  int8(): number {
    if (this.pos >= this.end) throw new CorruptRecordError('int8 runs past the end of its record')
    return this.buf.readInt8(this.pos++)
  }

  /** varint length then bytes; -1 is null. The bytes are a subarray, not a copy. */
  bytes(what: string): Buffer | null {
    const len = this.varint()
    if (len === -1) return null
    if (len < -1) throw new CorruptRecordError(`${what} has negative length ${len}`)
    const start = this.pos
    if (start + len > this.end) throw new CorruptRecordError(`${what} of ${len} bytes runs past the end of its record`)
    this.pos = start + len
    return this.buf.subarray(start, start + len)
  }
}
