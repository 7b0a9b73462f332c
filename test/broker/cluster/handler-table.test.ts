// The handlers that load on first use are advertised from a static table in
// src/broker/handlers/registry.ts (start-up time). This checks the table against the handler
// modules and the generated codecs, so ApiVersions still advertises exactly what is implemented,
// and that a lazily loaded API works on its first request, with or without its own codec.
import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {EAGER_FILES, LAZY_HANDLERS, loadAll, loadHandlers} from '../../../src/broker/handlers/registry.js'
import {API_SPECS} from '../../../src/protocol/kafka/generated/index.js'
import {startBroker, type StartedBroker} from '../../helpers/broker.js'
import {WireClient} from '../wire-client.js'

const DIR = join(import.meta.dirname, '../../../src/broker/handlers')

describe('lazy handler table', () => {
  it('covers every handler file exactly once, eager or lazy', () => {
    const files = readdirSync(DIR).filter((f) => /^\d{2}-[a-z0-9-]+\.ts$/.test(f)).map((f) => f.slice(0, -3)).sort()
    const covered = [...EAGER_FILES, ...LAZY_HANDLERS.map((e) => e.file)].sort()
    expect(covered, 'a handler file was added or removed: update LAZY_HANDLERS (or EAGER_FILES) in src/broker/handlers/registry.ts').toEqual(files)
  })

  it('has each module\'s API key and versions, and the generated codec\'s name and flexible versions', async () => {
    const all = await loadAll(DIR)
    for (const e of LAZY_HANDLERS) {
      const h = all.get(e.apiKey)!
      expect([h.apiKey, h.minVersion, h.maxVersion], `${e.file}: update LAZY_HANDLERS in src/broker/handlers/registry.ts`).toEqual([e.apiKey, e.minVersion, e.maxVersion])
      const spec = API_SPECS.find((s) => s.apiKey === e.apiKey)!
      expect([e.name, e.requestFlexibleMin, e.responseFlexibleMin], e.file).toEqual([spec.name, spec.requestFlexibleMin, spec.responseFlexibleMin])
    }
    const lazy = await loadHandlers()
    expect(lazy.versions()).toEqual(all.versions())
  })
})

describe('lazily loaded handlers on a running broker', () => {
  let b: StartedBroker
  beforeAll(async () => {
    b = await startBroker()
  })
  afterAll(async () => {
    await b?.stop()
  })

  it('ApiVersions advertises what the modules implement', async () => {
    const c = await WireClient.connect(b.port)
    const r = await c.request(18, 3, {clientSoftwareName: 'wire', clientSoftwareVersion: '1'})
    c.close()
    const all = await loadAll(DIR)
    expect(r.body.apiKeys.map((k: {apiKey: number; minVersion: number; maxVersion: number}) => [k.apiKey, k.minVersion, k.maxVersion])).toEqual(all.versions().map((v) => [v.apiKey, v.minVersion, v.maxVersion]))
  })

  it('serves the first request of an API whose handler has its own codec, and of one that has none', async () => {
    const c = await WireClient.connect(b.port)
    const [cluster, groups] = await Promise.all([
      c.request(60, 0, {includeClusterAuthorizedOperations: false}),
      c.request(16, 3, {}), // ListGroups: its handler carries no codec
    ])
    expect(cluster.body).toMatchObject({errorCode: 0, controllerId: 0, clusterId: b.broker.clusterId})
    expect(groups.body).toMatchObject({errorCode: 0, groups: []})
    // Later requests go to the loaded handler directly.
    expect((await c.request(16, 3, {})).body.errorCode).toBe(0)
    c.close()
  })

  it('closes the connection on a malformed body for a lazily loaded API, with one log line', async () => {
    const c = await WireClient.connect(b.port)
    const {bytes} = c.frame(32, 4, {resources: [{resourceType: 2, resourceName: 'x', configurationKeys: null}], includeSynonyms: false, includeDocumentation: false})
    bytes.writeInt32BE(bytes.length - 4 - 3, 0)
    c.sendRaw(bytes.subarray(0, bytes.length - 3)).catch(() => undefined)
    expect(await c.whenClosed()).toBe(true)
    expect(b.lines.some((l) => /Closing connection .*error reading DescribeConfigs v4 request/.test(l))).toBe(true)
  })
})
