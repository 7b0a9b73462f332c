// Decoding what a hostile or broken peer sends: truncated frames, impossible counts and lengths,
// random corruption. The only acceptable failure is a ProtocolError, and nothing a frame claims
// may make us allocate more than the frame itself.
import {describe, expect, it} from 'vitest'
import {FrameDecoder, readRequestHeader} from '../../../src/protocol/kafka/frame.js'
import {API_SPECS} from '../../../src/protocol/kafka/generated/index.js'
import {decodeMetadataRequest} from '../../../src/protocol/kafka/generated/metadata-request.js'
import {decodeProduceRequest} from '../../../src/protocol/kafka/generated/produce-request.js'
import {decodeFetchResponse, encodeFetchResponse} from '../../../src/protocol/kafka/generated/fetch-response.js'
import {SCHEMAS} from '../../../src/protocol/kafka/generated/schemas.js'
import {ProtocolError} from '../../../src/protocol/kafka/protocol-error.js'
import {Reader} from '../../../src/protocol/kafka/reader.js'
import {Writer} from '../../../src/protocol/kafka/writer.js'
import {rng, ValueGen} from './codec/value-gen.js'

const schemaOf = new Map(SCHEMAS.map((s) => [s.name, s]))

function expectProtocolError(f: () => unknown, label: string): void {
  try {
    f()
  } catch (e) {
    if (e instanceof ProtocolError) return
    throw new Error(`${label}: expected a ProtocolError, got ${(e as Error)?.stack ?? e}`)
  }
  throw new Error(`${label}: decoded without an error`)
}

/** Decodes and reports anything other than success or a ProtocolError. */
function decodeOrProtocolError(f: () => unknown, label: string): void {
  try {
    f()
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw new Error(`${label}: ${(e as Error)?.stack ?? e}`)
  }
}

function encoded(kind: 'Request' | 'Response', spec: (typeof API_SPECS)[number], version: number, seed: number): Buffer {
  const schema = schemaOf.get(`${spec.name}${kind}`)!
  const value = new ValueGen(schema, rng(seed), 0.1).struct(schema.root, version)
  const w = new Writer()
  ;(kind === 'Request' ? spec.encodeRequest : spec.encodeResponse)(w, value, version)
  return Buffer.from(w.finish())
}

describe('truncated frames', () => {
  it('every proper prefix of every API message at its lowest and highest version throws ProtocolError', () => {
    let prefixes = 0
    for (const spec of API_SPECS) {
      for (const version of new Set([spec.minVersion, spec.maxVersion])) {
        for (const kind of ['Request', 'Response'] as const) {
          const full = encoded(kind, spec, version, spec.apiKey + version)
          const decode = kind === 'Request' ? spec.decodeRequest : spec.decodeResponse
          // every prefix for small messages, a sample of them for large ones
          const step = Math.max(1, Math.floor(full.length / 64))
          for (let n = 0; n < full.length; n += step) {
            const cut = Buffer.from(full.subarray(0, n)) // own buffer: nothing beyond the cut to read
            expectProtocolError(() => decode(new Reader(cut), version), `${spec.name}${kind} v${version} cut at ${n}/${full.length}`)
            prefixes++
          }
        }
      }
    }
    expect(prefixes).toBeGreaterThan(3000)
  })
})

describe('impossible counts and lengths', () => {
  it('an array count of 2^31-1 in a 20-byte Metadata request fails without allocating', () => {
    const frame = Buffer.from('7fffffff' + '00'.repeat(16), 'hex')
    const before = process.memoryUsage().arrayBuffers
    expectProtocolError(() => decodeMetadataRequest(new Reader(frame), 1), 'metadata')
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20)
  })

  it('a compact array count of 2^32-2 fails', () => {
    // Metadata v12: topics compact array
    expectProtocolError(() => decodeMetadataRequest(new Reader(Buffer.from('ffffffff0f00', 'hex')), 12), 'metadata v12')
  })

  it('a record set longer than the frame fails; negative sizes fail', () => {
    const w = new Writer()
    w.nullableString(null).int16(1).int32(1000) // transactionalId, acks, timeout
    w.int32(1).string('t') // one topic
    w.int32(1).int32(0) // one partition, index 0
    const head = Buffer.from(w.finish())
    const withSize = (size: number) => Buffer.concat([head, int32(size), Buffer.alloc(size > 0 && size <= 10 ? size : 10)])
    expectProtocolError(() => decodeProduceRequest(new Reader(withSize(1 << 30)), 3), 'records 1 GiB')
    expectProtocolError(() => decodeProduceRequest(new Reader(withSize(-2)), 3), 'records -2')
    const ok = decodeProduceRequest(new Reader(withSize(10)), 3)
    expect(ok.topicData[0].partitionData[0].records).toHaveLength(10)
    const nul = decodeProduceRequest(new Reader(Buffer.concat([head, int32(-1)])), 3)
    expect(nul.topicData[0].partitionData[0].records).toBeNull()
  })

  it('a null array where the version allows none fails (Produce topicData)', () => {
    const w = new Writer()
    w.nullableString(null).int16(1).int32(1000).int32(-1)
    expectProtocolError(() => decodeProduceRequest(new Reader(w.finish()), 3), 'null topics')
  })

  it('a tagged field whose size disagrees with its content fails', () => {
    const w = new Writer()
    encodeFetchResponse(w, {responses: [{topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partitions: [{partitionIndex: 0, currentLeader: {leaderId: 1, leaderEpoch: 2}}]}]}, 13)
    const good = Buffer.from(w.finish())
    expect(decodeFetchResponse(new Reader(good), 13).responses[0].partitions[0].currentLeader).toEqual({leaderId: 1, leaderEpoch: 2})
    // The CurrentLeader tag (1) is followed by its size 9 (two int32 and the struct's own empty tag
    // section); claim 10 instead (more bytes follow, so only the size check can catch it).
    const i = good.indexOf(Buffer.from('010900000001', 'hex'))
    expect(i).toBeGreaterThan(0)
    const bad = Buffer.from(good)
    bad[i + 1] = 10
    expectProtocolError(() => decodeFetchResponse(new Reader(bad), 13), 'tag size')
  })

  it('unsupported versions are a ProtocolError when decoding, a RangeError when encoding', () => {
    expectProtocolError(() => decodeMetadataRequest(new Reader(Buffer.alloc(0)), 99), 'v99')
    expect(() => API_SPECS[0].encodeRequest(new Writer(), {}, -1)).toThrow(RangeError)
  })
})

describe('random corruption', () => {
  it('flipping bytes of valid messages yields a value or a ProtocolError, never another error', () => {
    const rand = rng(12345)
    let runs = 0
    for (const spec of API_SPECS) {
      for (const version of new Set([spec.minVersion, spec.maxVersion])) {
        for (const kind of ['Request', 'Response'] as const) {
          const full = encoded(kind, spec, version, spec.apiKey * 3 + version)
          const decode = kind === 'Request' ? spec.decodeRequest : spec.decodeResponse
          for (let k = 0; k < 6 && full.length > 0; k++) {
            const bad = Buffer.from(full)
            for (let j = 0; j < 3; j++) bad[Math.floor(rand() * bad.length)] = Math.floor(rand() * 256)
            decodeOrProtocolError(() => decode(new Reader(bad), version), `${spec.name}${kind} v${version}`)
            runs++
          }
        }
      }
    }
    expect(runs).toBeGreaterThan(1000)
  })
})

describe('FrameDecoder', () => {
  const frame = (body: string) => Buffer.concat([int32(body.length / 2), Buffer.from(body, 'hex')])

  it('cuts frames out of chunks of any size, zero-copy when a frame is inside one chunk', () => {
    const stream = Buffer.concat([frame('0102'), frame(''), frame('aabbccdd'), frame('ff'.repeat(300))])
    for (const chunk of [1, 2, 3, 5, 7, 64, stream.length]) {
      const d = new FrameDecoder()
      const out: Buffer[] = []
      for (let i = 0; i < stream.length; i += chunk) out.push(...d.push(stream.subarray(i, i + chunk)))
      expect(out.map((b) => b.toString('hex'))).toEqual(['0102', '', 'aabbccdd', 'ff'.repeat(300)])
      expect(d.buffered).toBe(0)
    }
    const whole = new FrameDecoder().push(stream)
    expect(whole[2].buffer).toBe(stream.buffer)
  })

  it('refuses negative and oversized frames before allocating', () => {
    expect(() => new FrameDecoder().push(int32(-5))).toThrow(ProtocolError)
    expect(() => new FrameDecoder(1024).push(int32(1025))).toThrow(/larger than the limit/)
    const d = new FrameDecoder(1024)
    d.push(Buffer.from([0, 0]))
    expect(() => d.push(Buffer.from([0x7f, 0xff]))).toThrow(ProtocolError)
  })

  it('readRequestHeader refuses a frame shorter than a header', () => {
    expectProtocolError(() => readRequestHeader(Buffer.from('000300', 'hex')), 'short header')
  })
})

function int32(v: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeInt32BE(v)
  return b
}
