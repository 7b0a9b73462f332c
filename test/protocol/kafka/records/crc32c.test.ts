import {randomBytes} from 'node:crypto'
import {describe, expect, it} from 'vitest'
import {crc32c, crc32cJs, crc32cNative} from '../../../../src/protocol/kafka/records/crc32c.js'
import {kjs} from './kafkajs-internals.js'

const kafkajsCrc32c = (await import('node:module')).createRequire(import.meta.url)('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (b: Buffer) => number

describe('crc32c', () => {
  it('gives the check value for "123456789" (native and JS)', () => {
    const b = Buffer.from('123456789')
    expect(crc32c(b)).toBe(0xe3069283)
    expect(crc32cJs(b)).toBe(0xe3069283)
    expect(crc32c(Buffer.alloc(0))).toBe(0)
  })

  it('loads the native implementation here', () => {
    expect(crc32cNative()).toBe(true)
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

  it('continues a checksum across chunks (JS)', () => {
    const b = randomBytes(1000)
    expect(crc32cJs(b, 400, 1000, crc32cJs(b, 0, 400))).toBe(crc32cJs(b))
  })

  it('rejects a range outside the buffer', () => {
    expect(() => crc32c(Buffer.alloc(4), 2, 9)).toThrow(RangeError)
  })
})
