// The command line of `ktool zktop` (bin/run.js over dist/): zktop.py's flags, errors and exit codes.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ktool} from '../../helpers/cli.js'
import {FakeFourLetterServer, statReply} from './fake-four-letter-server.js'

const dir = mkdtempSync(join(tmpdir(), 'ktool-'))
const zk = new FakeFourLetterServer({stat: statReply({received: 42, clients: [' /127.0.0.1:40001[1](queued=0,recved=10,sent=10)'], nodes: 9, zxid: '0x2a'})})
beforeAll(async () => {
  await zk.start()
})
afterAll(async () => {
  await zk.stop()
  rmSync(dir, {recursive: true, force: true})
})

describe('ktool zktop command line', () => {
  it('--help lists zktop.py\'s flags and exits 0', async () => {
    const r = await ktool(['zktop', '--help'])
    expect(r.status).toBe(0)
    for (const flag of ['--servers', '--config', '--delay', '--names', '--verbosity', '--logfile', '--timeout', '--wide', '--fix_330', '--once', '--json', '--admin-url']) {
      expect(r.stdout).toContain(flag)
    }
  })

  it('--config takes the servers from a zoo.cfg; --names shows host names; -w widens', async () => {
    const cfg = join(dir, 'zoo.cfg')
    writeFileSync(cfg, `dataDir=${dir}\nclientPort=${zk.port}\nserver.1=127.0.0.1:2888:3888\n`)
    const r = await ktool(['zktop', '--config', cfg, '--once', '--names', '-w'])
    expect(r.status).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toBe('Ensemble -- nodecount:9 zxid:0x2a sessions:1')
    expect(lines[3]).toMatch(new RegExp(`^0  127\\.0\\.0\\.1 {22}${zk.port} S +0 +42 `))
    expect(lines[6]).toMatch(/^localhost {22}40001 0 1 /)
  })

  it('rejects bad flags with exit 2', async () => {
    const cases = [
      [['--delay', 'soon'], /--delay must be a number of seconds/],
      [['--timeout', '0'], /--timeout must be a positive number/],
      [['-v', 'LOUD'], /--verbosity must be one of/],
      [['--servers', 'a:b'], /invalid port in "a:b"/],
      [['--config', join(dir, 'nope.cfg')], /nope\.cfg:0: file not found/],
    ] as const
    const results = await Promise.all(cases.map(([args]) => ktool(['zktop', ...args, '--once'])))
    cases.forEach(([args, message], i) => {
      expect(results[i]!.status, args.join(' ')).toBe(2)
      expect(results[i]!.stderr).toMatch(message)
    })
  })

  it('wants a terminal for the live screen, and says what to use instead', async () => {
    const r = await ktool(['zktop', '--servers', `127.0.0.1:${zk.port}`])
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/standard output is not a terminal: use --once/)
  })
})
