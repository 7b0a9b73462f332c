// Interop: kafka-configs.sh's --entity-type brokers --alter flow (describe, keep that level's dynamic
// entries, AlterConfigs the whole set) driven by kafka-python 2.0.2 against the in-process broker,
// for --entity-default ("") and --entity-name 0; a refused key comes back as Kafka's error.
import {execFile} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startBroker, type StartedBroker} from '../../helpers/broker.js'
import {PYTHON, requirePeers} from '../../helpers/peers.js'

const SCRIPT = fileURLToPath(new URL('./py/configs_flow.py', import.meta.url))

interface Out {
  error: [number, string | null]
  dynamic: Record<string, string>
  entries: Record<string, {value: string | null; readOnly: boolean; source: number; synonyms: [string, string, number][]}>
}

function flow(bootstrap: string, entity: string, adds: string): Promise<Out> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [SCRIPT, bootstrap, entity, adds], {timeout: 30_000}, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr.slice(-2000)}`))
      else resolve(JSON.parse(stdout) as Out)
    })
  })
}

describe.skipIf(!requirePeers('python3-kafka'))('kafka-configs --entity-type brokers flow (kafka-python)', () => {
  let b: StartedBroker
  beforeAll(async () => {
    b = await startBroker()
  })
  afterAll(async () => {
    await b?.stop()
  })

  it('adds configs at the cluster default, then on broker 0, keeping what each level had', async () => {
    let out = await flow(b.bootstrap, '', 'log.retention.ms=86400000')
    expect(out.error).toEqual([0, null])
    expect(out.dynamic).toEqual({'log.retention.ms': '86400000'})
    out = await flow(b.bootstrap, '', 'log.cleaner.threads=2')
    expect(out.dynamic).toEqual({'log.retention.ms': '86400000', 'log.cleaner.threads': '2'})

    out = await flow(b.bootstrap, '0', 'log.retention.ms=3600000')
    expect(out.error).toEqual([0, null])
    expect(out.dynamic).toEqual({'log.retention.ms': '3600000'})
    expect(out.entries['log.retention.ms']).toMatchObject({value: '3600000', readOnly: false, source: 2})
    expect(out.entries['log.retention.ms']!.synonyms.slice(0, 2)).toEqual([['log.retention.ms', '3600000', 2], ['log.retention.ms', '86400000', 3]])
    expect(out.entries['broker.id']).toMatchObject({readOnly: true})

    out = await flow(b.bootstrap, '', 'auto.create.topics.enable=false')
    expect(out.error).toEqual([42, "Invalid config value for resource ConfigResource(type=BROKER, name=''): Cannot update these configs dynamically: Set(auto.create.topics.enable)"])
    expect(out.dynamic).toEqual({'log.retention.ms': '86400000', 'log.cleaner.threads': '2'})
  })
})
