// Request frames captured from real clients (test/fixtures/wire/<client>-<api>-v<N>.hex, size
// prefix removed; refreshed by KTOOL_CAPTURE_FIXTURES=1 in peers-wire.test.ts) decode with every
// byte consumed and re-encode byte for byte, with no peer installed.
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {encodeRequestFrame, readRequestHeader} from '../../../src/protocol/kafka/frame.js'
import {apiSpec} from '../../../src/protocol/kafka/generated/index.js'

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/wire')
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.hex')).sort()

describe('frames captured from real clients', () => {
  it('there are fixtures from librdkafka and kafka-python', () => {
    expect(files.some((f) => f.startsWith('librdkafka-'))).toBe(true)
    expect(files.some((f) => f.startsWith('kafka-python-'))).toBe(true)
  })

  it.each(files)('%s', (file) => {
    const frame = Buffer.from(fs.readFileSync(path.join(dir, file), 'utf8').replace(/\s+/g, ''), 'hex')
    const {header, reader} = readRequestHeader(frame)
    const version = Number(/-v(\d+)\.hex$/.exec(file)![1])
    expect(header.requestApiVersion).toBe(version)
    const spec = apiSpec(header.requestApiKey)!
    const body = spec.decodeRequest(reader, version)
    expect(reader.remaining()).toBe(0)
    const again = encodeRequestFrame(spec.apiKey, version, header.correlationId, header.clientId, (w) => spec.encodeRequest(w, body, version))
    expect(again.subarray(4).toString('hex')).toBe(frame.toString('hex'))
  })

  it('librdkafka ApiVersions v3 is flexible: client software name and version, request header v2', () => {
    const frame = Buffer.from(fs.readFileSync(path.join(dir, 'librdkafka-api-versions-v3.hex'), 'utf8').replace(/\s+/g, ''), 'hex')
    const {header, headerVersion, reader} = readRequestHeader(frame)
    expect(headerVersion).toBe(2)
    expect(header.clientId).toBe('rdkafka')
    expect(apiSpec(18)!.decodeRequest(reader, 3)).toEqual({clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2'})
  })
})
