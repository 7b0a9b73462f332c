import {execFileSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import * as C from '../../../../src/protocol/kafka/records/compression.js'
import {CorruptRecordError} from '../../../../src/protocol/kafka/records/errors.js'

const {CompressionType: T, compress, decompress} = C

function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}

/** Compressible text (JSON-ish lines) of about n bytes, plus some random bytes. */
function sample(n: number): Buffer {
  const lines: string[] = []
  let len = 0
  for (let i = 0; len < n; i++) {
    const l = `{"id":${i},"user":"u${i % 97}","event":"click","ts":${1_700_000_000_000 + i}}\n`
    lines.push(l)
    len += l.length
  }
  return Buffer.concat([Buffer.from(lines.join('')).subarray(0, n - Math.min(64, n >> 2)), randomBytes(Math.min(64, n >> 2))])
}

/** A raw snappy block made only of literals, written by hand (independent of the snappy package). */
function literalSnappy(data: Buffer): Buffer {
  const parts: number[] = []
  let n = data.length
  do {
    parts.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0))
    n >>>= 7
  } while (n > 0)
  const out: Buffer[] = [Buffer.from(parts)]
  for (let p = 0; p < data.length; p += 60) {
    const chunk = data.subarray(p, Math.min(p + 60, data.length))
    out.push(Buffer.from([(chunk.length - 1) << 2]), chunk)
  }
  return Buffer.concat(out)
}

function xerialFrame(blocks: Buffer[]): Buffer {
  const head = Buffer.alloc(16)
  C.XERIAL_MAGIC.copy(head)
  head.writeInt32BE(1, 8)
  head.writeInt32BE(1, 12)
  return Buffer.concat([head, ...blocks.flatMap((b) => [Buffer.from([b.length >>> 24, (b.length >>> 16) & 255, (b.length >>> 8) & 255, b.length & 255]), b])])
}

/** A single-segment zstd frame of raw blocks, written by hand; fcs decides the content-size field. */
function rawZstdFrame(data: Buffer, fcs: 'none' | 'declared'): Buffer {
  const head =
    fcs === 'none'
      ? Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58]) // no FCS, not single segment, window 2^21
      : data.length < 256
        ? Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, data.length]) // single segment, 1-byte FCS
        : data.length < 65536 + 256
          ? Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x60, (data.length - 256) & 255, (data.length - 256) >> 8])
          : Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xa0, data.length & 255, (data.length >> 8) & 255, (data.length >> 16) & 255, data.length >>> 24])
  const blocks: Buffer[] = []
  for (let p = 0; p < data.length || p === 0; p += 100_000) {
    const chunk = data.subarray(p, Math.min(p + 100_000, data.length))
    const last = p + 100_000 >= data.length ? 1 : 0
    const h = (chunk.length << 3) | last // block type 0 = raw
    blocks.push(Buffer.from([h & 255, (h >> 8) & 255, (h >> 16) & 255]), chunk)
    if (data.length === 0) break
  }
  return Buffer.concat([head, ...blocks])
}

const codecs = [T.GZIP, T.SNAPPY, T.LZ4, T.ZSTD]

describe('compression round trips', () => {
  for (const type of [T.NONE, ...codecs]) {
    it(`${C.compressionName(type)}: empty, small, 1 KiB, 300 KiB`, async () => {
      for (const data of [Buffer.alloc(0), Buffer.from('x'), sample(1024), sample(300 * 1024)]) {
        const z = await compress(type, data)
        if (type !== T.NONE && data.length > 1000) expect(z.length).toBeLessThan(data.length)
        expect(Buffer.compare(await decompress(type, z), data)).toBe(0)
        if (type !== T.ZSTD) expect(Buffer.compare(C.decompressSync(type, C.compressSync(type, data)), data)).toBe(0)
      }
    })
  }

  it('names and parses compression types', () => {
    expect(C.COMPRESSION_NAMES.map((n) => C.parseCompressionType(n))).toEqual([0, 1, 2, 3, 4])
    expect(C.parseCompressionType(' LZ4 ')).toBe(3)
    expect(() => C.parseCompressionType('brotli')).toThrow(/unknown compression type/)
    expect(C.compressionName(9)).toBe('unknown(9)')
  })

  it('rejects an unknown codec id', async () => {
    await expect(decompress(5, Buffer.alloc(3))).rejects.toThrow(CorruptRecordError)
    await expect(compress(7, Buffer.alloc(3))).rejects.toThrow(CorruptRecordError)
  })
})

describe('snappy framing', () => {
  it('writes raw blocks by default and xerial framing on request', async () => {
    const data = sample(100 * 1024)
    expect(C.isXerial(await compress(T.SNAPPY, data))).toBe(false)
    const x = await compress(T.SNAPPY, data, {xerial: true})
    expect(x.subarray(0, 16).toString('hex')).toBe('82534e41505059000000000100000001')
    // 100 KiB in 32 KiB blocks: four chunks.
    let chunks = 0
    for (let p = 16; p < x.length; p += 4 + x.readInt32BE(p)) chunks++
    expect(chunks).toBe(4)
    expect(Buffer.compare(await decompress(T.SNAPPY, x), data)).toBe(0)
  })

  it('decodes hand-written raw and xerial input (independent of the snappy package)', async () => {
    const a = Buffer.from('hello from a literal-only snappy block, longer than sixty bytes so it needs two tags')
    const b = Buffer.from('and a second chunk')
    expect((await decompress(T.SNAPPY, literalSnappy(a))).toString()).toBe(a.toString())
    expect((await decompress(T.SNAPPY, xerialFrame([literalSnappy(a), literalSnappy(b)]))).toString()).toBe(a.toString() + b.toString())
    expect((await decompress(T.SNAPPY, xerialFrame([]))).length).toBe(0)
  })

  it('refuses truncated xerial chunks, corrupt blocks and oversized declared lengths', async () => {
    const x = xerialFrame([literalSnappy(Buffer.from('abcdef'))])
    await expect(decompress(T.SNAPPY, x.subarray(0, x.length - 1))).rejects.toThrow(/runs past/)
    await expect(decompress(T.SNAPPY, x.subarray(0, 18))).rejects.toThrow(/truncated xerial/)
    await expect(decompress(T.SNAPPY, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0]))).rejects.toThrow(/over the/)
    await expect(decompress(T.SNAPPY, Buffer.from([0x10, 0x00, 0x01]))).rejects.toThrow(CorruptRecordError)
    await expect(decompress(T.SNAPPY, literalSnappy(Buffer.alloc(2000)), 1000)).rejects.toThrow(/over the 1000-byte limit/)
    await expect(decompress(T.SNAPPY, xerialFrame([literalSnappy(Buffer.alloc(600)), literalSnappy(Buffer.alloc(600))]), 1000)).rejects.toThrow(/limit/)
  })
})

describe('lz4 frames', () => {
  it('writes frames with independent blocks and no dependent-block flag', async () => {
    const z = await compress(T.LZ4, sample(200 * 1024))
    expect(z.readUInt32LE(0)).toBe(0x184d2204)
    const flg = z[4]
    expect(flg >> 6).toBe(1) // version 01
    expect(flg & 0x20).toBe(0x20) // block independence
    const bd = (z[5] >> 4) & 7
    expect(bd).toBeGreaterThanOrEqual(4) // 64 KB .. 4 MB, which Kafka accepts
    expect(bd).toBeLessThanOrEqual(7)
  })

  it.skipIf(!has('lz4'))('decodes frames of the reference lz4 CLI (checksums, linked blocks, 64 KB blocks), and the CLI decodes ours', async () => {
    const data = sample(300 * 1024)
    for (const flags of [[], ['-BD'], ['-B4', '--no-frame-crc'], ['-BX'], ['-B7', '--content-size']]) {
      const z = execFileSync('lz4', ['-c', '-q', ...flags], {input: data})
      expect(Buffer.compare(await decompress(T.LZ4, z), data), flags.join(' ')).toBe(0)
    }
    const ours = await compress(T.LZ4, data)
    expect(Buffer.compare(execFileSync('lz4', ['-d', '-c', '-q'], {input: ours}), data)).toBe(0)
  })

  it('refuses corrupt frames and output over the limit', async () => {
    const z = await compress(T.LZ4, sample(10_000))
    await expect(decompress(T.LZ4, z.subarray(0, z.length - 5))).rejects.toThrow(CorruptRecordError)
    await expect(decompress(T.LZ4, Buffer.from('not an lz4 frame'))).rejects.toThrow(CorruptRecordError)
    await expect(decompress(T.LZ4, z, 5000)).rejects.toThrow(/limit/)
  })
})

describe('zstd frames', () => {
  it('our frames carry no content size, like a streaming producer, and decode', async () => {
    const data = sample(50_000)
    const z = await compress(T.ZSTD, data)
    expect(z.readUInt32LE(0)).toBe(0xfd2fb528)
    expect(C.zstdContentSize(z)).toBe(-1)
    expect(z[4] >> 6).toBe(0)
    expect(Buffer.compare(await decompress(T.ZSTD, z), data)).toBe(0)
  })

  it('decodes hand-written frames with and without a content size, and concatenated frames', async () => {
    for (const data of [Buffer.from('tiny'), sample(1000), sample(20_000), sample(250_000)]) {
      for (const fcs of ['none', 'declared'] as const) {
        const f = rawZstdFrame(data, fcs)
        expect(C.zstdContentSize(f)).toBe(fcs === 'none' ? -1 : data.length)
        expect(Buffer.compare(await decompress(T.ZSTD, f), data), `${data.length} ${fcs}`).toBe(0)
      }
    }
    const two = Buffer.concat([rawZstdFrame(Buffer.from('ab'), 'none'), await compress(T.ZSTD, Buffer.from('cd'))])
    expect((await decompress(T.ZSTD, two)).toString()).toBe('abcd')
  })

  it.skipIf(!has('zstd'))('decodes the zstd CLI on a pipe (no content size, with checksum); the CLI decodes ours', async () => {
    const data = sample(200_000)
    const piped = execFileSync('sh', ['-c', 'cat | zstd -c -q'], {input: data})
    expect(C.zstdContentSize(piped)).toBe(-1)
    expect(Buffer.compare(await decompress(T.ZSTD, piped), data)).toBe(0)
    const ours = await compress(T.ZSTD, data)
    expect(Buffer.compare(execFileSync('zstd', ['-d', '-c', '-q'], {input: ours}), data)).toBe(0)
  })

  it('refuses a declared size over the limit before decompressing, and corrupt frames', async () => {
    await expect(decompress(T.ZSTD, rawZstdFrame(Buffer.alloc(5000), 'declared'), 1000)).rejects.toThrow(/declares 5000 bytes/)
    await expect(decompress(T.ZSTD, rawZstdFrame(Buffer.alloc(5000), 'none'), 1000)).rejects.toThrow(/exceeds/)
    const z = await compress(T.ZSTD, sample(10_000))
    await expect(decompress(T.ZSTD, z.subarray(0, z.length - 3))).rejects.toThrow(CorruptRecordError)
    await expect(decompress(T.ZSTD, Buffer.from('garbage garbage'))).rejects.toThrow(CorruptRecordError)
  })
})

describe('gzip', () => {
  it('decodes multi-member input and refuses output over the limit', async () => {
    const two = Buffer.concat([gzipSync('ab'), gzipSync('cd')])
    expect((await decompress(T.GZIP, two)).toString()).toBe('abcd')
    await expect(decompress(T.GZIP, gzipSync(Buffer.alloc(100_000)), 1000)).rejects.toThrow(/limit/)
    await expect(decompress(T.GZIP, Buffer.from('nope'))).rejects.toThrow(CorruptRecordError)
  })

  it.skipIf(!has('gzip'))('the gzip CLI decodes ours', async () => {
    const data = sample(20_000)
    expect(Buffer.compare(execFileSync('gzip', ['-d', '-c'], {input: await compress(T.GZIP, data)}), data)).toBe(0)
  })
})
