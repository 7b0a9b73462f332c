// The built CLI as a user runs it: `npm ci` builds dist/ and the oclif manifest (prepare script).
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {ROOT, ktoolSync} from '../helpers/cli.js'

const COMMANDS = ['server-start', 'zookeeper-start', 'topics', 'console-producer', 'console-consumer',
  'consumer-groups', 'connect-standalone', 'zktop', 'dump-log']
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {version: string}).version

describe('ktool', () => {
  it('--help lists the nine commands and exits 0', () => {
    const r = ktoolSync(['--help'])
    expect(r.status).toBe(0)
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'))
  })

  it('--version prints the package version', () => {
    const r = ktoolSync(['--version'])
    expect(r.status).toBe(0)
    expect(r.stdout).toContain(`ktool/${version}`)
  })

  it('has --help on every command, under its own name and its Kafka script name', () => {
    for (const c of COMMANDS) {
      const r = ktoolSync([c, '--help'])
      expect(r.status, c).toBe(0)
      expect(r.stdout, c).toContain(`$ ktool ${c}`)
    }
    const alias = ktoolSync(['kafka-topics.sh', '--help'])
    expect(alias.status).toBe(0)
    expect(alias.stdout.split('\n')[0]).toBe(ktoolSync(['topics', '--help']).stdout.split('\n')[0])
  })

  it('answers help and --version from the build-time cache exactly as oclif renders them', () => {
    for (const args of [['--help'], ['--version'], ...COMMANDS.map((c) => [c, '--help'])]) {
      const cached = ktoolSync(args)
      const oclif = ktoolSync(args, {env: {KTOOL_NO_HELP_CACHE: '1'}})
      expect(cached.status, args.join(' ')).toBe(0)
      expect(cached.stdout, args.join(' ')).toBe(oclif.stdout)
    }
  })

  it('an unknown command fails with a non-zero exit', () => {
    const r = ktoolSync(['no-such-command'])
    expect(r.status).not.toBe(0)
    expect(r.stderr).toContain('no-such-command')
  })
})
