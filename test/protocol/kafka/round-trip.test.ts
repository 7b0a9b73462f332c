// Every API key at its lowest and highest version (and across the flexible boundary), request and
// response: random but non-trivial values encode, decode to the same value with every byte
// consumed, and re-encode to the same bytes. Then every generated message at every version.
import {describe, expect, it} from 'vitest'
import {API_SPECS} from '../../../src/protocol/kafka/generated/index.js'
import {SCHEMAS, type MessageSchema} from '../../../src/protocol/kafka/generated/schemas.js'
import {Reader} from '../../../src/protocol/kafka/reader.js'
import {Writer} from '../../../src/protocol/kafka/writer.js'
import {parseRange, rng, ValueGen} from './codec/value-gen.js'

type Codec = {encode: (w: Writer, v: unknown, version: number) => void; decode: (r: Reader, version: number) => unknown}

async function codecFor(schema: MessageSchema): Promise<Codec> {
  const url = new URL(`../../../src/protocol/kafka/generated/${schema.file}.ts`, import.meta.url).href
  const mod = (await import(/* @vite-ignore */ url)) as Record<string, unknown>
  const encode = mod[`encode${schema.name}`] as Codec['encode']
  const decode = mod[`decode${schema.name}`] as Codec['decode']
  if (!encode || !decode) throw new Error(`${schema.file}: no codec for ${schema.name}`)
  return {encode, decode}
}

const byName = new Map(SCHEMAS.map((s) => [s.name, s]))

function roundTrip(schema: MessageSchema, codec: Codec, version: number, seed: number): number {
  const value = new ValueGen(schema, rng(seed)).struct(schema.root, version)
  const w = new Writer(16)
  codec.encode(w, value, version)
  const bytes = Buffer.from(w.finish())
  const r = new Reader(bytes)
  const decoded = codec.decode(r, version)
  expect(r.remaining(), `${schema.name} v${version} left bytes unread`).toBe(0)
  expect(decoded, `${schema.name} v${version} (seed ${seed})`).toEqual(value)
  const w2 = new Writer()
  codec.encode(w2, decoded, version)
  expect(Buffer.compare(w2.finish(), bytes), `${schema.name} v${version} re-encoding differs`).toBe(0)
  return bytes.length
}

describe('round trip of every API key at its lowest and highest version', () => {
  it('covers the 88 api keys of Kafka 3.9', () => {
    expect(API_SPECS.length).toBe(88)
    expect(API_SPECS.map((s) => s.apiKey)).toEqual([...Array(88).keys()])
  })
  for (const spec of API_SPECS) {
    const versions = [...new Set([spec.minVersion, spec.maxVersion])]
    for (const kind of ['Request', 'Response'] as const) {
      it.each(versions)(`${spec.apiKey} ${spec.name}${kind} v%i`, async (version) => {
        const schema = byName.get(`${spec.name}${kind}`)!
        const codec = await codecFor(schema)
        for (let seed = 1; seed <= 4; seed++) {
          roundTrip(schema, codec, version, spec.apiKey * 1000 + version * 10 + seed)
        }
        // The index's codecs are the same functions.
        expect(kind === 'Request' ? spec.encodeRequest : spec.encodeResponse).toBe(codec.encode)
      })
    }
  }
})

describe('round trip of every generated message at every version', () => {
  it('headers, data schemas and internal records included', async () => {
    let cases = 0
    for (const schema of SCHEMAS) {
      const codec = await codecFor(schema)
      const valid = parseRange(schema.valid)!
      for (let v = valid.lo; v <= valid.hi; v++) {
        for (let seed = 1; seed <= 2; seed++) {
          roundTrip(schema, codec, v, v * 7919 + seed)
          cases++
        }
      }
    }
    expect(cases).toBeGreaterThan(1000)
  })
})

describe('decoded fields a version lacks take the spec default', () => {
  it('FetchResponse v0 gives lastStableOffset -1, logStartOffset -1, preferredReadReplica -1', async () => {
    const {decodeFetchResponse, encodeFetchResponse} = await import('../../../src/protocol/kafka/generated/fetch-response.js')
    const w = new Writer()
    encodeFetchResponse(w, {responses: [{topic: 't', partitions: [{partitionIndex: 3, highWatermark: 10n, records: Buffer.from('abc')}]}]}, 0)
    const d = decodeFetchResponse(new Reader(w.finish()), 0)
    const p = d.responses[0].partitions[0]
    expect(p.lastStableOffset).toBe(-1n)
    expect(p.logStartOffset).toBe(-1n)
    expect(p.preferredReadReplica).toBe(-1)
    expect(p.abortedTransactions).toEqual([])
    expect(p.divergingEpoch).toEqual({epoch: -1, endOffset: -1n})
    expect(d.responses[0].topicId).toBe('AAAAAAAAAAAAAAAAAAAAAA')
    expect(p.records?.toString()).toBe('abc')
  })
})
