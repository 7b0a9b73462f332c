// Four-letter words against the golden replies of Apache ZooKeeper 3.8 in
// ../shared/reference/zk-4lw-samples: the same state as when they were captured (two sessions,
// an ephemeral, data/exist/child watches), then each reply is compared with the sample after
// replacing what differs by nature (numbers, session ids, addresses, dates, the version).
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {OpCode} from '../../src/protocol/zookeeper/generated/opcodes.js'
import {CreateMode} from '../../src/protocol/zookeeper/generated/constants.js'
import {startZooKeeper, type StartedZooKeeper} from '../helpers/zookeeper.js'
import {RawClient, worldAcl} from './raw-client.js'
import {fourLetter, shape} from './four-letter-helpers.js'

const SAMPLES = path.join(import.meta.dirname, '../../../shared/reference/zk-4lw-samples')
const haveSamples = fs.existsSync(SAMPLES)
const sample = (name: string) => fs.readFileSync(path.join(SAMPLES, name), 'utf8')

let zk: StartedZooKeeper
let a: RawClient
let b: RawClient

beforeAll(async () => {
  zk = await startZooKeeper({fourLetterWords: new Set(['ruok', 'stat', 'srvr', 'mntr', 'cons', 'conf', 'envi', 'wchs', 'wchc', 'wchp', 'dump', 'isro', 'dirs', 'gtmk', 'crst', 'srst'])})
  a = await RawClient.connect(zk.port)
  b = await RawClient.connect(zk.port)
  const create = (c: RawClient, p: string, flags = 0) =>
    c.request(OpCode.create, (w) => {
      w.ustring(p).buffer(Buffer.from('x'))
      worldAcl(w)
      w.int(flags)
    })
  await create(a, '/fourlw')
  await create(a, '/fourlw/data')
  await create(a, '/fourlw/eph-a', CreateMode.EPHEMERAL)
  await a.request(OpCode.getData, (w) => w.ustring('/fourlw/data').bool(true))
  await a.request(OpCode.getChildren, (w) => w.ustring('/fourlw').bool(true))
  await b.request(OpCode.exists, (w) => w.ustring('/fourlw/missing').bool(true))
  await b.request(OpCode.getData, (w) => w.ustring('/fourlw/data').bool(true))
})

afterAll(async () => {
  a.close()
  b.close()
  await zk.stop()
})

describe.skipIf(!haveSamples)('four-letter words like ZooKeeper 3.8', () => {
  test('ruok, isro, gtmk: exact bytes', async () => {
    expect(await fourLetter(zk.port, 'ruok')).toBe(sample('ruok.txt'))
    expect(await fourLetter(zk.port, 'isro')).toBe(sample('isro.txt'))
    expect(await fourLetter(zk.port, 'gtmk')).toBe(sample('gtmk.txt'))
  })

  test('srvr and stat have the sample layout', async () => {
    expect(shape(await fourLetter(zk.port, 'srvr'))).toBe(shape(sample('srvr.txt')))
    const stat = await fourLetter(zk.port, 'stat')
    expect(shape(stat)).toBe(shape(sample('stat.txt')))
    expect(stat).toMatch(/^Zookeeper version: 3\.8\.\d+-/)
    expect(stat).toContain('Mode: standalone\n')
    expect(stat).toMatch(/ \/127\.0\.0\.1:\d+\[0\]\(queued=0,recved=1,sent=0\)\n/)
    // zktop sends "stat\n": only the first four bytes count
    expect(shape(await fourLetter(zk.port, 'stat\n'))).toBe(shape(stat))
  })

  test('cons lists sessions with their fields and the asking connection bare', async () => {
    const cons = await fourLetter(zk.port, 'cons')
    const lines = cons.split('\n')
    expect(lines.at(-1)).toBe('')
    expect(lines.at(-2)).toBe('')
    const withSession = lines.filter((l) => l.includes('sid='))
    expect(withSession).toHaveLength(2)
    const sampleLine = sample('cons.txt').split('\n')[0]!
    for (const l of withSession) expect(shape(l).replace(/lop=\w+/, 'lop=X')).toBe(shape(sampleLine).replace(/lop=\w+/, 'lop=X'))
    expect(lines.filter((l) => /^ \/127\.0\.0\.1:\d+\[0\]\(queued=0,recved=1,sent=0\)$/.test(l))).toHaveLength(1)
  })

  test('conf, dirs, wchs: same keys and layout', async () => {
    const dirs = (t: string) => t.replace(/(dataDir|dataLogDir)=\S+\/version-2\n/g, '$1=D/version-2\n')
    expect(shape(dirs(await fourLetter(zk.port, 'conf')))).toBe(shape(dirs(sample('conf.txt'))))
    expect(shape(await fourLetter(zk.port, 'dirs'))).toBe(shape(sample('dirs.txt')))
    const wchs = await fourLetter(zk.port, 'wchs')
    expect(wchs).toBe(sample('wchs.txt'))
  })

  test('wchc and wchp: same watches (data and exist only), per session and per path', async () => {
    const sortBlocks = (t: string) => t.trim().split(/\n(?=\S)/).map((b) => b.split('\n').sort().join('\n')).sort().join('\n')
    const norm = (t: string) => sortBlocks(t.replace(/0x[0-9a-f]+/g, (m) => (m.endsWith(a.sessionId.toString(16)) ? 'SA' : m.endsWith(b.sessionId.toString(16)) ? 'SB' : m)))
    const normSample = (t: string) => sortBlocks(t.replace(/0x1000009dd800003/g, 'SA').replace(/0x1000009dd800004/g, 'SB'))
    expect(norm(await fourLetter(zk.port, 'wchc'))).toBe(normSample(sample('wchc.txt')))
    expect(norm(await fourLetter(zk.port, 'wchp'))).toBe(normSample(sample('wchp.txt')))
    expect(await fourLetter(zk.port, 'wchc')).toMatch(/\n\n$/)
  })

  test('envi has the same keys in the same order and a 3.8 zookeeper.version', async () => {
    const keys = (t: string) => t.split('\n').filter(Boolean).map((l) => l.split('=')[0])
    const envi = await fourLetter(zk.port, 'envi')
    expect(keys(envi)).toEqual(keys(sample('envi.txt')))
    expect(envi).toMatch(/^Environment:\nzookeeper\.version=3\.8\.\d+-\S*, built on /)
  })

  test('mntr has every key of the sample, in order, tab separated', async () => {
    const keys = (t: string) => t.split('\n').filter(Boolean).map((l) => l.split('\t')[0]).filter((k) => !k!.endsWith('_per_namespace'))
    const mntr = await fourLetter(zk.port, 'mntr')
    expect(keys(mntr)).toEqual(keys(sample('mntr.txt')))
    expect(mntr).toContain('zk_server_state\tstandalone\n')
    expect(mntr).toContain('zk_ephemerals_count\t1\n')
    expect(mntr).toContain('zk_watch_count\t4\n')
    expect(mntr).toMatch(/zk_avg_latency\t\d+\.\d+\n/)
    // Counters and summaries from the requests above: two connect requests; five writes (two
    // createSession, three creates), each fsynced; reads and writes under /fourlw per namespace.
    expect(mntr).toContain('zk_connection_request_count\t2\n')
    expect(mntr).toContain('zk_cnt_updatelatency\t5\n')
    expect(mntr).toContain('zk_sum_sync_processor_batch_size\t5\n')
    expect(mntr).toContain('zk_cnt_propagation_latency\t5\n')
    expect(mntr).toContain('zk_cnt_fourlw_write_per_namespace\t3\n')
    // getData twice (1-byte data) and getChildren (children "data", "eph-a"); the exists on a
    // missing node is not a read of the namespace. Each: path + bytes + 68 (a Stat).
    expect(mntr).toContain('zk_cnt_fourlw_read_per_namespace\t3\n')
    expect(mntr).toContain(`zk_sum_fourlw_read_per_namespace\t${2 * ('/fourlw/data'.length + 1 + 68) + '/fourlw'.length + 9 + 68}\n`)
    expect(mntr).toMatch(/\nzk_avg_fourlw_write_per_namespace\t[\d.]+\n(?:.*\n){4}$/)
  })

  test('dump: session sets, ephemerals, connections', async () => {
    const dump = await fourLetter(zk.port, 'dump')
    expect(dump).toMatch(/^SessionTracker dump:\nSession Sets \(\d+\)\/\(2\):\n/)
    expect(dump).toContain(`ephemeral nodes dump:\nSessions with Ephemerals (1):\n0x${a.sessionId.toString(16)}:\n\t/fourlw/eph-a\n`)
    expect(dump).toMatch(/Connections dump:\nConnections Sets \(\d+\)\/\(3\):\n/)
    expect(dump).toMatch(/\d+ expire at \w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}:\n/)
    expect(dump).toMatch(/\tip: \/127\.0\.0\.1:\d+ sessionId: 0x0\n/)
  })

  test('srst and crst reset the counters', async () => {
    expect(await fourLetter(zk.port, 'srst')).toBe('Server stats reset.\n')
    expect(await fourLetter(zk.port, 'srvr')).toMatch(/Received: 1\n/)
    expect(await fourLetter(zk.port, 'crst')).toBe('Connection stats reset.\n')
    expect(await fourLetter(zk.port, 'cons')).toMatch(/recved=0,sent=0,sid=/)
  })

  test('non-whitelisted words get ZooKeeper\'s refusal; unknown words close silently', async () => {
    const z2 = await startZooKeeper()
    expect(await fourLetter(z2.port, 'srst')).toBe('srst is not executed because it is not in the whitelist.\n')
    expect(await fourLetter(z2.port, 'ruok')).toBe('imok')
    expect(await fourLetter(z2.port, 'abcd')).toBe(sample('unknown-word-abcd.txt'))
    expect(await fourLetter(z2.port, 'SRVR')).toBe(sample('SRVR-uppercase.txt'))
    await z2.stop()
  })
})
