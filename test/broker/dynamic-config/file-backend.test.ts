// Dynamic broker configs with the file backend (a broker whose embedded ZooKeeper could not start):
// stored in ktool-metadata.json beside the topics, merged over the static properties the logs read,
// loaded again by the next start before any topic is announced, and every topic announced as
// reconfigured when a value in force changes.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {MetadataStore, type MetadataEvent} from '../../../src/broker/cluster/metadata-store.js'
import {FileMetadataBackend} from '../../../src/broker/cluster/file-backend.js'

const self = () => ({id: 0, host: '127.0.0.1', port: 9092, rack: null, listenerName: 'PLAINTEXT'})

describe('dynamic broker configs in the file backend', () => {
  let dir: string | undefined
  afterEach(() => {
    if (dir) rmSync(dir, {recursive: true, force: true})
    dir = undefined
  })

  it('stores, merges, announces and reloads', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ktool-'))
    const file = join(dir, 'ktool-metadata.json')
    const props = new Map([['log.retention.hours', '10'], ['log.segment.bytes', '2048']])
    const store = new MetadataStore('c1', self())
    store.brokerConfigs.bind(props)
    await store.attach(new FileMetadataBackend(file, store))
    await store.createTopic(store.newTopic('t', 1))
    const events: MetadataEvent[] = []
    store.onChange((e) => events.push(e))

    await store.setBrokerConfig('<default>', new Map([['log.retention.ms', '5000'], ['log.segment.bytes', '4096']]))
    expect(props.get('log.retention.ms')).toBe('5000')
    expect(props.get('log.segment.bytes')).toBe('4096')
    expect(props.get('log.retention.hours')).toBe('10')
    expect(events.map((e) => `${e.type}:${e.topic.name}`)).toEqual(['configs:t'])
    await store.setBrokerConfig('0', new Map([['log.segment.bytes', '8192']]))
    expect(props.get('log.segment.bytes')).toBe('8192')
    // Same values again: nothing in force changed, nothing announced; nor for a key no topic reads.
    await store.setBrokerConfig('0', new Map([['log.segment.bytes', '8192']]))
    await store.setBrokerConfig('0', new Map([['log.segment.bytes', '8192'], ['num.io.threads', '4']]))
    expect(props.get('num.io.threads')).toBe('4')
    expect(events).toHaveLength(2)
    await store.setBrokerConfig('0', new Map([['log.segment.bytes', '8192']]))
    expect(JSON.parse(readFileSync(file, 'utf8')).brokers).toEqual({'<default>': {'log.retention.ms': '5000', 'log.segment.bytes': '4096'}, '0': {'log.segment.bytes': '8192'}})
    // Removing the per-broker value falls back to the default level, then to the static value.
    await store.setBrokerConfig('0', new Map())
    expect(props.get('log.segment.bytes')).toBe('4096')
    await store.setBrokerConfig('<default>', new Map([['log.retention.ms', '5000']]))
    expect(props.get('log.segment.bytes')).toBe('2048')
    // Another broker's entity is not ours.
    store.applyBrokerConfig('3', new Map([['log.segment.bytes', '1']]))
    expect(props.get('log.segment.bytes')).toBe('2048')
    await store.close()

    const props2 = new Map([['log.retention.hours', '10'], ['log.segment.bytes', '2048']])
    const again = new MetadataStore('c1', self())
    again.brokerConfigs.bind(props2)
    const seen: string[] = []
    again.onChange((e) => seen.push(`${e.type}:${e.topic.name}:${props2.get('log.retention.ms')}`))
    await again.attach(new FileMetadataBackend(file, again))
    // The dynamic value is in force before the topic is announced (the logs open with it).
    expect(seen).toEqual(['created:t:5000'])
    expect([...again.brokerConfigs.dynamicDefault]).toEqual([['log.retention.ms', '5000']])
    expect(again.brokerConfigs.static.get('log.retention.ms')).toBeUndefined()
    await again.close()
  })
})
