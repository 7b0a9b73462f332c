import {describe, expect, it} from 'vitest'
import {normaliseArgv} from '../../src/cli/argv.js'

describe('normaliseArgv', () => {
  it('turns single-dash long options into double-dash ones', () => {
    expect(normaliseArgv(['topics', '-topic', 't', '-bootstrap-server=h:1'])).toEqual([
      'topics', '--topic', 't', '--bootstrap-server=h:1',
    ])
  })
  it('leaves short options, negative numbers and everything after -- alone', () => {
    expect(normaliseArgv(['-v', '--shift-by', '-5', '--', '-topic'])).toEqual(['-v', '--shift-by', '-5', '--', '-topic'])
  })
})

describe('serverLaunch', () => {
  it('takes the servers\' plain invocations, under every name', async () => {
    const {serverLaunch} = await import('../../src/cli/fast-path.js')
    expect(serverLaunch(['server-start', 'config/server.properties', '--override', 'broker.id=1', '--override=log.dirs=/x'])).toEqual({
      kind: 'broker', positional: ['config/server.properties'], overrides: ['broker.id=1', 'log.dirs=/x'],
    })
    expect(serverLaunch(['zookeeper-server-start.sh', '2181', '/tmp/zk'])).toEqual({kind: 'zookeeper', positional: ['2181', '/tmp/zk'], overrides: []})
  })

  it('leaves help, version, stray flags and extra files to the oclif commands', async () => {
    const {serverLaunch} = await import('../../src/cli/fast-path.js')
    for (const args of [['server-start', '--help'], ['server-start', '--version'], ['zookeeper-start', '-daemon', 'z.properties'], ['server-start', 'a', 'b'], ['topics', '--list']]) {
      expect(serverLaunch(args), args.join(' ')).toBeNull()
    }
  })
})
