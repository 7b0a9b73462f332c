// ktool's ZooKeeper beside Apache ZooKeeper 3.8 after the same deterministic workload
// (fixtures/kazoo-load.py): `hash` logs the same zxids, and after replaying Apache's own data
// directory ktool prints Apache's digests byte for byte; mntr has the same keys in the same order
// (the per-namespace summaries included) and the same values for every counter that does not
// depend on timing. (test/interop/zookeeper.test.ts compares the other words; this file is the
// ZooKeeper engineer's and imports its Apache launcher.)
import {execFile} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {PYTHON, requirePeers} from '../helpers/peers.js'
import {startZooKeeper, type StartedZooKeeper} from '../helpers/zookeeper.js'
import {ZK_CFG, startApacheZk, type ApacheZk} from '../interop/zookeeper-apache.js'
import {fields, fourLetter} from './four-letter-helpers.js'

const run = promisify(execFile)
const LOAD = path.join(import.meta.dirname, 'fixtures/kazoo-load.py')
const SCENARIO = path.join(import.meta.dirname, 'fixtures/kazoo-scenario.py')
const WORDS = new Set(['ruok', 'srvr', 'mntr', 'hash'])

// Values that follow from the requests alone (not from timing), so both servers must agree.
// (Packet counts do not: the Apache launcher polls srvr until the server is up.)
const EXACT = [
  'zk_server_state', 'zk_ephemerals_count', 'zk_num_alive_connections', 'zk_outstanding_requests', 'zk_znode_count',
  'zk_global_sessions', 'zk_last_client_response_size', 'zk_max_client_response_size',
  'zk_watch_count', 'zk_approximate_data_size', 'zk_min_client_response_size', 'zk_watch_bytes', 'zk_outstanding_changes_removed',
  'zk_outstanding_changes_queued', 'zk_prep_processor_request_queued', 'zk_sync_processor_request_queued',
  'zk_connection_request_count', 'zk_stale_sessions_expired', 'zk_large_requests_rejected', 'zk_auth_failed_count',
]
const COUNTS = [
  'updatelatency', 'readlatency', 'propagation_latency', 'sync_process_time', 'sync_processor_queue_and_flush_time_ms',
  'prep_process_time', 'proposal_process_time', 'request_throttle_queue_time_ms', 'prep_processor_queue_time_ms',
  'sync_processor_queue_time_ms', 'close_session_prep_time', 'connection_token_deficit', 'startup_snap_load_time',
  'startup_txns_loaded', 'dbinittime', 'snapshottime',
]
const WHOLE = ['node_created_watch_count', 'node_deleted_watch_count', 'node_changed_watch_count', 'node_children_watch_count']

describe.skipIf(!requirePeers('zookeeper', 'java', 'python3-kazoo'))('ktool ZooKeeper beside Apache ZooKeeper 3.8: hash and mntr', () => {
  let apache: ApacheZk
  let ours: StartedZooKeeper

  beforeAll(async () => {
    ;[apache, ours] = await Promise.all([startApacheZk(), startZooKeeper({...ZK_CFG, fourLetterWords: WORDS})])
    // The interop scenario first (ACLs, multi, failed multi, sequential and ephemeral nodes,
    // watches, a session closing), then 150 rounds of the load: about 500 transactions, so
    // digests at 0x80, 0x100 and 0x180.
    await Promise.all([apache.port, ours.port].map(async (port) => {
      await run(PYTHON, [SCENARIO, `127.0.0.1:${port}`], {timeout: 60_000})
      await run(PYTHON, [LOAD, `127.0.0.1:${port}`, '150'], {timeout: 60_000})
    }))
  }, 90_000)

  afterAll(async () => {
    await apache?.stop()
    await ours?.stop()
  })

  test('hash: the same zxids on both; on Apache\'s replayed data directory, Apache\'s bytes', async () => {
    const [theirs, mine] = await Promise.all([fourLetter(apache.port, 'hash'), fourLetter(ours.port, 'hash')])
    const zxids = (t: string) => t.split('\n').filter(Boolean).map((l) => l.split(': ')[0])
    expect(zxids(theirs)).toEqual(['80', '100', '180'])
    expect(zxids(mine)).toEqual(zxids(theirs))
    expect(mine).toMatch(/^(?:[0-9a-f]+: -?\d+\n)+$/)
    // Times and session ids differ between the two live servers, so their digests do; replaying
    // Apache's transactions (its times, its session ids) must give Apache's digests exactly.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'ktool-'))
    fs.cpSync(apache.dataDir, copy, {recursive: true})
    const restored = await startZooKeeper({...ZK_CFG, dataDir: copy, fourLetterWords: WORDS})
    try {
      expect(await fourLetter(restored.port, 'hash')).toBe(theirs)
    } finally {
      await restored.stop()
      fs.rmSync(copy, {recursive: true, force: true})
    }
  }, 30_000)

  test('mntr: the same keys in the same order, and the same request-driven values', async () => {
    const [theirs, mine] = await Promise.all([fourLetter(apache.port, 'mntr'), fourLetter(ours.port, 'mntr')])
    const keys = (t: string) => t.split('\n').filter(Boolean).map((l) => l.split('\t')[0])
    expect(keys(mine)).toEqual(keys(theirs))
    const a = fields(theirs, /\t/)
    const o = fields(mine, /\t/)
    const differences: string[] = []
    const same = (k: string) => {
      if (o.get(k) !== a.get(k)) differences.push(`${k}: ktool ${o.get(k)}, Apache ${a.get(k)}`)
    }
    for (const k of EXACT) same(k)
    for (const k of COUNTS) same(`zk_cnt_${k}`)
    for (const k of WHOLE) for (const f of ['avg', 'min', 'max', 'cnt', 'sum']) same(`zk_${f}_${k}`)
    for (const k of a.keys()) if (k.endsWith('_per_namespace')) same(k)
    expect(differences).toEqual([])
    // Measured, so only plausible: every write was fsynced, in batches of at least one.
    expect(Number(o.get('zk_cnt_fsynctime'))).toBeGreaterThan(0)
    expect(Number(o.get('zk_sum_sync_processor_batch_size'))).toBe(Number(o.get('zk_cnt_updatelatency')))
    // scenario, load and zookeeper read; scenario, load and other written: 6 sets of 5
    expect(keys(mine).filter((k) => k!.endsWith('_per_namespace'))).toHaveLength(30)
  }, 30_000)
})
