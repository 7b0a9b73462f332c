// Builds non-trivial values for any generated message at any version from the field metadata in
// generated/schemas.ts, and computes the value a decoder must produce for fields a version lacks
// (the spec defaults, re-derived here from the README's rules rather than from the generator).
import type {FieldSchema, MessageSchema} from '../../../../src/protocol/kafka/generated/schemas.js'

export interface Range {
  lo: number
  hi: number
}
export function parseRange(s: string | undefined): Range | null {
  if (!s || s === 'none') return null
  if (s.endsWith('+')) return {lo: Number(s.slice(0, -1)), hi: Infinity}
  const d = s.indexOf('-')
  if (d > 0) return {lo: Number(s.slice(0, d)), hi: Number(s.slice(d + 1))}
  return {lo: Number(s), hi: Number(s)}
}
export const inRange = (r: Range | null, v: number) => !!r && v >= r.lo && v <= r.hi

/** mulberry32: small deterministic PRNG so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SAMPLE_TEXT = ['', 'a', 'topic-1', 'ünïcødé-€', 'emoji-😀', 'x'.repeat(40), 'consumer-group.with_dots']

export type Value = unknown

export class ValueGen {
  constructor(
    private readonly schema: MessageSchema,
    private readonly rand: () => number,
    /** probability that a nullable field is null */
    private readonly nullRate = 0.2,
  ) {}

  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.rand() * (hi - lo + 1))
  }

  primitive(type: string, nullableNow: boolean): Value {
    const r = this.rand
    if (nullableNow && (type === 'string' || type === 'bytes' || type === 'records') && r() < this.nullRate) return null
    switch (type) {
      case 'bool':
        return r() < 0.5
      case 'int8':
        return this.int(-128, 127)
      case 'int16':
        return this.int(-32768, 32767)
      case 'uint16':
        return this.int(0, 65535)
      case 'int32':
        return r() < 0.2 ? [-1, 0, 2147483647, -2147483648][this.int(0, 3)] : this.int(-2147483648, 2147483647)
      case 'uint32':
        return this.int(0, 4294967295)
      case 'int64': {
        const hi = BigInt(this.int(-2147483648, 2147483647))
        const lo = BigInt(this.int(0, 4294967295))
        return r() < 0.2 ? [-1n, 0n, 9223372036854775807n, -9223372036854775808n][this.int(0, 3)] : (hi << 32n) | lo
      }
      case 'float64':
        return r() < 0.2 ? [0.5, -1.25, 1e300, Number.MIN_VALUE][this.int(0, 3)] : (r() - 0.5) * 1e6
      case 'string':
        return r() < 0.6 ? SAMPLE_TEXT[this.int(0, SAMPLE_TEXT.length - 1)] : `s${this.int(0, 1e9)}`
      case 'bytes':
      case 'records': {
        const n = r() < 0.1 ? 300 : this.int(0, 24)
        const b = Buffer.alloc(n)
        for (let i = 0; i < n; i++) b[i] = this.int(0, 255)
        return b
      }
      case 'uuid': {
        const b = Buffer.alloc(16)
        for (let i = 0; i < 16; i++) b[i] = this.int(0, 255)
        return b.toString('base64url')
      }
    }
    throw new Error(`unknown primitive ${type}`)
  }

  /** A value for struct `name` at `version`: present fields random, absent fields at their defaults. */
  struct(name: string, version: number): Record<string, Value> {
    const fields = this.schema.structs[name]
    if (!fields) throw new Error(`${this.schema.name}: no struct ${name}`)
    const out: Record<string, Value> = {}
    for (const f of fields) {
      out[f.name] = inRange(parseRange(f.versions), version) ? this.field(f, version) : defaultValue(this.schema, f)
    }
    return out
  }

  field(f: FieldSchema, version: number): Value {
    const nullableNow = inRange(parseRange(f.nullable), version)
    if (f.type.startsWith('[]')) {
      if (nullableNow && this.rand() < this.nullRate) return null
      const elem = f.type.slice(2)
      const n = this.int(0, 3)
      const a: Value[] = []
      for (let i = 0; i < n; i++) a.push(this.schema.structs[elem] ? this.struct(elem, version) : this.primitive(elem, false))
      return a
    }
    if (this.schema.structs[f.type]) {
      if (nullableNow && this.rand() < this.nullRate * 2) return null
      return this.struct(f.type, version)
    }
    return this.primitive(f.type, nullableNow)
  }
}

/** The spec default of a field (README: "Deserializing Messages" and "Custom Default Values"). */
export function defaultValue(schema: MessageSchema, f: FieldSchema): Value {
  if (f.default === 'null') return null
  if (f.type.startsWith('[]')) return []
  if (schema.structs[f.type]) {
    const out: Record<string, Value> = {}
    for (const g of schema.structs[f.type]) out[g.name] = defaultValue(schema, g)
    return out
  }
  switch (f.type) {
    case 'bool':
      return f.default === 'true'
    case 'int64':
      return f.default === undefined ? 0n : BigInt(f.default)
    case 'string':
      return f.default ?? ''
    case 'bytes':
      return Buffer.alloc(0)
    case 'uuid':
      return 'AAAAAAAAAAAAAAAAAAAAAA'
    case 'records':
      return null
    default:
      return f.default === undefined ? 0 : Number(f.default)
  }
}
