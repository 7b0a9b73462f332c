// ktool's ZooKeeper beside Apache ZooKeeper 3.8: the same kazoo scenario and the same zkCli.sh
// session against both must give the same results (zxids included); every four-letter word is
// compared field by field; Debian's zktop shows our server as up; Apache's data files restore
// into ktool.
import {execFile, spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {PYTHON, ZOOKEEPER_HOME, requirePeers} from '../helpers/peers.js'
import {startZooKeeper, type StartedZooKeeper} from '../helpers/zookeeper.js'
import {fields, fourLetter, shape} from '../zookeeper/four-letter-helpers.js'
import {ZK_CFG, startApacheZk, type ApacheZk} from './zookeeper-apache.js'

const run = promisify(execFile)
const SCENARIO = path.join(import.meta.dirname, '../zookeeper/fixtures/kazoo-scenario.py')
const ALL_WORDS = new Set(['ruok', 'stat', 'srvr', 'mntr', 'cons', 'conf', 'envi', 'wchs', 'wchc', 'wchp', 'dump', 'isro', 'dirs', 'gtmk', 'crst', 'srst', 'stmk'])

describe.skipIf(!requirePeers('zookeeper', 'java', 'python3-kazoo', 'zkCli'))('ktool ZooKeeper beside Apache ZooKeeper 3.8', () => {
  let apache: ApacheZk
  let ours: StartedZooKeeper

  beforeAll(async () => {
    ;[apache, ours] = await Promise.all([startApacheZk(), startZooKeeper({...ZK_CFG, fourLetterWords: ALL_WORDS})])
  }, 60_000)

  afterAll(async () => {
    await apache?.stop()
    await ours?.stop()
  })

  test('the kazoo scenario gives the same results on both, step by step', async () => {
    const [theirs, mine] = await Promise.all([
      run(PYTHON, [SCENARIO, `127.0.0.1:${apache.port}`], {timeout: 60_000}),
      run(PYTHON, [SCENARIO, `127.0.0.1:${ours.port}`], {timeout: 60_000}),
    ])
    const a = theirs.stdout.trim().split('\n')
    const b = mine.stdout.trim().split('\n')
    expect(b.length).toBeGreaterThan(60)
    for (let i = 0; i < a.length; i++) expect(b[i], `step ${i}`).toBe(a[i])
    expect(b.length).toBe(a.length)
    expect(mine.stderr).not.toMatch(/Traceback|Connection dropped/)
  }, 90_000)

  test('zkCli.sh: the same session prints the same on both', async () => {
    const script = [
      'create /zkcli hello', 'get /zkcli', 'stat /zkcli', 'set /zkcli bye', 'get -s /zkcli', 'ls -R /zkcli',
      'create -e /zkcli/e x', 'create -s /zkcli/s x', 'create -c /zkcli/box', 'create -t 100000 /zkcli/ttl x', 'ls -s /zkcli', 'getAcl /zkcli',
      'setAcl /zkcli world:anyone:cdrwa', 'addauth digest u:p', 'create /zkcli/mine x digest:u:Y2P3ngGMhJthQjPmNAjbEzdIzUo=:cdrwa',
      'getAcl /zkcli/mine', 'whoami', 'getAllChildrenNumber /zkcli', 'getEphemerals', 'delete /zkcli/e', 'create /zkcli/e/x y',
      'deleteall /zkcli', 'ls /', 'quit',
    ].join('\n') + '\n'
    // Asynchronous: our server runs in this process and must keep answering.
    const cli = (port: number) =>
      new Promise<string>((resolve) => {
        // zkCli prints results on stdout and "Created ..." and errors on stderr.
        const child = execFile(path.join(ZOOKEEPER_HOME, 'bin/zkCli.sh'), ['-server', `127.0.0.1:${port}`], {timeout: 60_000}, (_e, stdout, stderr) =>
          resolve(`${stdout}\n--- stderr ---\n${stderr}`),
        )
        child.stdin!.end(script)
      })
    const norm = (out: string) =>
      out
        .split('\n')
        .filter((l) => !/^\s+at |log4j|SLF4J|Connecting to/.test(l))
        .join('\n')
        .replace(/\w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}/g, 'DATE')
        .replace(/ephemeralOwner = 0x[0-9a-f]+/g, 'ephemeralOwner = SESSION')
    const [theirs, mine] = await Promise.all([cli(apache.port), cli(ours.port)])
    expect(mine).toContain('Created /zkcli')
    expect(norm(mine)).toBe(norm(theirs))
  }, 90_000)

  test('four-letter words, field by field', async () => {
    const both = async (w: string) => Promise.all([fourLetter(apache.port, w), fourLetter(ours.port, w)])
    expect(await both('ruok')).toEqual(['imok', 'imok'])
    expect(await both('isro')).toEqual(['rw', 'rw'])
    const [sa, so] = await both('srvr')
    const fa = fields(sa)
    const fo = fields(so)
    expect([...fo.keys()]).toEqual([...fa.keys()])
    for (const k of ['Zxid', 'Mode', 'Node count', 'Connections', 'Outstanding']) expect(fo.get(k), k).toBe(fa.get(k))
    expect(fo.get('Zookeeper version')).toMatch(/^3\.8\.\d+-/)
    const [ta, to] = await both('stat')
    expect(shape(to)).toBe(shape(ta))
    const [ma, mo] = await both('mntr')
    const mfa = fields(ma, /\t/)
    const mfo = fields(mo, /\t/)
    const keys = (m: Map<string, string>) => [...m.keys()].filter((k) => !k.endsWith('_per_namespace'))
    expect(keys(mfo)).toEqual(keys(mfa))
    for (const k of ['zk_server_state', 'zk_znode_count', 'zk_ephemerals_count', 'zk_watch_count', 'zk_global_sessions', 'zk_num_alive_connections', 'zk_approximate_data_size', 'zk_outstanding_requests']) {
      expect(mfo.get(k), k).toBe(mfa.get(k))
    }
    const [ca, co] = await both('conf')
    const cfa = fields(ca, /=/)
    const cfo = fields(co, /=/)
    expect([...cfo.keys()]).toEqual([...cfa.keys()])
    for (const k of ['tickTime', 'maxClientCnxns', 'minSessionTimeout', 'maxSessionTimeout', 'clientPortListenBacklog', 'serverId', 'secureClientPort']) expect(cfo.get(k), k).toBe(cfa.get(k))
    const [ea, eo] = await both('envi')
    expect([...fields(eo, /=/).keys()]).toEqual([...fields(ea, /=/).keys()])
    for (const w of ['wchs', 'wchc', 'wchp']) {
      const [x, y] = await both(w)
      expect(y, w).toBe(x) // no watches left after the scenario: identical bytes
    }
    const [da, dx] = await both('dirs')
    expect(shape(dx)).toBe(shape(da))
    const [ua, uo] = await both('dump')
    expect(shape(uo).replace(/N expire at DATE:\n/g, '')).toBe(shape(ua).replace(/N expire at DATE:\n/g, ''))
    const [ka, ko] = await both('cons')
    expect(shape(ko)).toBe(shape(ka))
    expect(await both('srst')).toEqual(['Server stats reset.\n', 'Server stats reset.\n'])
    expect(await both('crst')).toEqual(['Connection stats reset.\n', 'Connection stats reset.\n'])
    expect(await both('abcd')).toEqual(['', ''])
  }, 60_000)

  test.skipIf(!requirePeers('zktop', 'tmux'))('Debian\'s zktop shows our server as up (standalone)', async () => {
    const session = `ktool-zktop-${process.pid}`
    spawnSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '20', `zktop --servers 127.0.0.1:${ours.port}`])
    try {
      let screen = ''
      const end = Date.now() + 10_000
      while (Date.now() < end) {
        await new Promise((r) => setTimeout(r, 300))
        screen = spawnSync('tmux', ['capture-pane', '-p', '-t', session], {encoding: 'utf8'}).stdout
        if (new RegExp(`127\\.0\\.0\\.1\\s+${ours.port} S `).test(screen)) break
      }
      expect(screen).toMatch(/^Ensemble -- nodecount:\d+ zxid:0x[0-9a-f]+ sessions:\d+/m)
      expect(screen).toMatch(new RegExp(`^0\\s+127\\.0\\.0\\.1\\s+${ours.port} S\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\d+`, 'm'))
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session])
    }
  }, 30_000)

  test('Apache ZooKeeper\'s data directory restores into ktool', async () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'ktool-'))
    fs.cpSync(apache.dataDir, copy, {recursive: true})
    const sa = await fourLetter(apache.port, 'srvr')
    const restored = await startZooKeeper({dataDir: copy, ...ZK_CFG, fourLetterWords: ALL_WORDS})
    try {
      const so = await fourLetter(restored.port, 'srvr')
      expect(fields(so).get('Zxid')).toBe(fields(sa).get('Zxid'))
      expect(fields(so).get('Node count')).toBe(fields(sa).get('Node count'))
      expect(restored.server.tree.getNode('/scenario/t1')!.data!.toString()).toBe('from-b')
    } finally {
      await restored.stop()
      fs.rmSync(copy, {recursive: true, force: true})
    }
  })
})
