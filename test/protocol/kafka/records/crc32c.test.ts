import {randomBytes} from 'node:crypto'
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
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

  // Each of the addon's ways (chosen by the CPU; KTOOL_CRC32C_X86=sse4.2 forces the older one) over
  // every alignment and the lengths where its loops start: 512 and each 256 for the folding one,
  // 3 x 256 and 3 x 8192 for the interleaved chains. Run in a child so that each way loads fresh.
  const ADDON = new URL('../../../../native/build/Release/ktool_crc32c.node', import.meta.url).pathname
  const LENGTHS = [0, 1, 7, 8, 9, 255, 256, 511, 512, 513, 767, 768, 769, 1000, 1024, 4099, 24_575, 24_576, 24_577, 25_344, 49_153, 100_003, 199_990]
  const script = `
    const addon = require(${JSON.stringify(ADDON)})
    const big = Buffer.alloc(200_000)
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24
    const out = []
    for (const n of ${JSON.stringify(LENGTHS)}) for (let off = 0; off < 8; off++) out.push(addon.crc32c(big.subarray(off, off + n)))
    out.push(addon.crc32c(big.subarray(30_001), addon.crc32c(big.subarray(0, 30_001))))
    console.log(JSON.stringify({implementation: addon.implementation, out}))`
  const big = Buffer.alloc(200_000)
  for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24
  const expected: number[] = []
  for (const n of LENGTHS) for (let off = 0; off < 8; off++) expected.push(crc32cJs(big.subarray(off, off + n)))
  expected.push(crc32cJs(big))

  // The way this CPU should get unforced: the folding one where it has AVX-512 and VPCLMULQDQ.
  const flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1].split(' ') ?? []
  const best = flags.includes('avx512f') && flags.includes('vpclmulqdq') ? 'avx512' : 'sse4.2'

  it.each([
    [best, {}],
    ['sse4.2', {KTOOL_CRC32C_X86: 'sse4.2'}],
  ])('the addon (%s) agrees with the JS tables at every alignment and at each loop boundary', (implementation, env) => {
    const r = spawnSync(process.execPath, ['-e', script], {env: {...process.env, ...env}, encoding: 'utf8'})
    expect(r.stderr).toBe('')
    const got = JSON.parse(r.stdout) as {implementation: string; out: number[]}
    expect(got.implementation).toBe(implementation)
    expect(got.out).toEqual(expected)
  })

  it('the addon refuses what is not a Uint8Array', () => {
    const addon = createRequire(import.meta.url)(ADDON) as {crc32c: (b: unknown, crc?: unknown) => number}
    expect(() => addon.crc32c('text')).toThrow(TypeError)
    expect(() => addon.crc32c(new Uint16Array(4))).toThrow(TypeError)
    expect(() => addon.crc32c(Buffer.alloc(4), 'x')).toThrow(TypeError)
  })

  it('continues a checksum across chunks (JS)', () => {
    const b = randomBytes(1000)
    expect(crc32cJs(b, 400, 1000, crc32cJs(b, 0, 400))).toBe(crc32cJs(b))
  })

  it('rejects a range outside the buffer', () => {
    expect(() => crc32c(Buffer.alloc(4), 2, 9)).toThrow(RangeError)
  })
})
