// Interop: confluent-kafka (librdkafka 2.0.2) altering and describing dynamic broker configs of broker 0
// on the in-process broker over a cluster default set beforehand: synonyms with their sources, a refusal.
import {execFile} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startBroker, type StartedBroker} from '../../helpers/broker.js'
import {PYTHON, requirePeers} from '../../helpers/peers.js'
import {WireClient} from '../wire-client.js'

const SCRIPT = fileURLToPath(new URL('./py/confluent_configs.py', import.meta.url))

describe.skipIf(!requirePeers('python3-confluent-kafka'))('dynamic broker configs with confluent-kafka', () => {
  let b: StartedBroker
  beforeAll(async () => {
    b = await startBroker()
  })
  afterAll(async () => {
    await b?.stop()
  })

  it('alters and describes broker 0 over a cluster default', async () => {
    const wire = await WireClient.connect(b.port)
    const set = await wire.request(33, 1, {resources: [{resourceType: 4, resourceName: '', configs: [{name: 'log.retention.ms', value: '600000'}, {name: 'log.cleanup.policy', value: 'compact'}]}], validateOnly: false})
    wire.socket.destroy()
    expect(set.body.responses[0].errorCode).toBe(0)
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(PYTHON, [SCRIPT, b.bootstrap], {timeout: 60_000}, (err, out, stderr) => (err ? reject(new Error(`${err.message}\n${stderr.slice(-2000)}`)) : resolve(out)))
    })
    const out = JSON.parse(stdout)
    expect(out.alterBroker).toBeNull()
    expect(out.refused[1]).toContain("Invalid config value for resource ConfigResource(type=BROKER, name='0'): Cannot update these configs dynamically: Set(num.partitions)")
    expect(out.broker['log.retention.ms']).toMatchObject({value: '300000', source: 2, readOnly: false})
    // confluent-kafka keys synonyms by name: the later log.retention.ms (the default level) replaces
    // the per-broker one in its dict.
    expect(out.broker['log.retention.ms'].synonyms).toEqual([['log.retention.ms', '600000', 3], ['log.retention.hours', '168', 5]])
    expect(out.broker['log.cleanup.policy']).toMatchObject({value: 'compact', source: 3})
    expect(out.broker['broker.id']).toMatchObject({value: '0', readOnly: true})
  }, 60_000)
})
