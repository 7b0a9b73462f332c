import {randomBytes} from 'node:crypto'
import {createRequire} from 'node:module'
import {describe, expect, it} from 'vitest'
import {crc32c, crc32cImplementation, crc32cJs} from '../../../../src/protocol/kafka/records/crc32c.js'
import {kjs} from './kafkajs-internals.js'

const kafkajsCrc32c = (await import('node:module')).createRequire(import.meta.url)('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (b: Buffer) => number

describe('crc32c', () => {
  it('gives the check value for "123456789" (native and JS)', () => {
    const b = Buffer.from('123456789')
    expect(crc32c(b)).toBe(0xe3069283)
    expect(crc32cJs(b)).toBe(0xe3069283)
    expect(crc32c(Buffer.alloc(0))).toBe(0)
  })

  it('loads the hardware addon here (built by npm ci on x86-64)', () => {
    expect(crc32cImplementation()).toBe('native')
  })

  it('native, JS and kafkajs agree on every length 0..300 and on a 1 MiB buffer, with sub-ranges', () => {
    const big = randomBytes(1 << 20)
    for (let n = 0; n <= 300; n++) {
      const b = big.subarray(7, 7 + n)
      const expected = kafkajsCrc32c(b) >>> 0
      expect(crc32cJs(b)).toBe(expected)
      expect(crc32c(b)).toBe(expected)
      expect(crc32c(big, 7, 7 + n)).toBe(expected)
      expect(crc32cJs(big, 7, 7 + n)).toBe(expected)
    }
    expect(crc32c(big)).toBe(crc32cJs(big))
    expect(crc32c(big, 3, big.length - 5)).toBe(crc32cJs(big.subarray(3, big.length - 5)))
    expect(kjs).toBeDefined()
  })

  it('the addon agrees with the JS tables at every alignment and at lengths around each lane size', async () => {
    const addon = createRequire(import.meta.url)('../../../../native/build/Release/ktool_crc32c.node') as {crc32c: (b: Uint8Array, crc?: number) => number; hardware: boolean}
    expect(addon.hardware).toBe(true)
    const big = randomBytes(200_000)
    // 3 x 256 and 3 x 8192 are where the interleaved lanes start; 0..7 covers every alignment.
    const lengths = [0, 1, 7, 8, 9, 255, 767, 768, 769, 1000, 24_575, 24_576, 24_577, 25_344, 49_153, 100_003, 199_990]
    for (const n of lengths) {
      for (let off = 0; off < 8; off++) {
        const b = big.subarray(off, off + n)
        expect(addon.crc32c(b), `length ${n} at offset ${off}`).toBe(crc32cJs(b))
      }
    }
    // Continuing a checksum, as zlib's crc32(crc, data) does.
    const first = addon.crc32c(big.subarray(0, 30_001))
    expect(addon.crc32c(big.subarray(30_001), first)).toBe(crc32cJs(big))
    expect(() => addon.crc32c('text' as unknown as Uint8Array)).toThrow(TypeError)
    expect(() => addon.crc32c(new Uint16Array(4) as unknown as Uint8Array)).toThrow(TypeError)
  })

  it('continues a checksum across chunks (JS)', () => {
    const b = randomBytes(1000)
    expect(crc32cJs(b, 400, 1000, crc32cJs(b, 0, 400))).toBe(crc32cJs(b))
  })

  it('rejects a range outside the buffer', () => {
    expect(() => crc32c(Buffer.alloc(4), 2, 9)).toThrow(RangeError)
  })
})
