// man/ and the README's command table are generated from the command classes (scripts/gen-man.mjs).
// These tests render them afresh from src/commands and fail when the committed files drift.
import {readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {loadCommands, renderAll, renderReadmeTable, spliceReadme, type CommandInfo} from '../../scripts/gen-man.mjs'

const root = join(import.meta.dirname, '..', '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {version: string; man: string[]}
let commands: CommandInfo[]
let rendered: Map<string, string>

beforeAll(async () => {
  commands = await loadCommands(join(root, 'src', 'commands'), '.ts')
  rendered = renderAll(commands, pkg.version)
})

describe('man pages', () => {
  it('has a page for ktool and for every command, all listed in package.json', () => {
    const onDisk = readdirSync(join(root, 'man')).sort()
    expect(onDisk).toEqual([...rendered.keys()].sort())
    expect(pkg.man.map((p) => p.replace('./man/', '')).sort()).toEqual(onDisk)
    expect(commands.map((c) => c.id)).toEqual(expect.arrayContaining([
      'server-start', 'zookeeper-start', 'topics', 'console-producer', 'console-consumer',
      'consumer-groups', 'connect-standalone', 'zktop', 'dump-log',
    ]))
  })

  it('are up to date with the command classes (run: npm run build && npm run gen:man)', () => {
    for (const [name, text] of rendered) expect(readFileSync(join(root, 'man', name), 'utf8'), name).toBe(text)
  })

  it('name every visible flag of every command', () => {
    for (const cmd of commands) {
      const page = readFileSync(join(root, 'man', `ktool-${cmd.id}.1`), 'utf8')
      for (const [name, flag] of Object.entries(cmd.flags ?? {})) {
        if (flag.hidden) continue
        expect(page, `${cmd.id} --${name}`).toContain(`\\-\\-${name.replace(/-/g, '\\-')}`)
      }
    }
  })
})

describe('README command table', () => {
  it('is up to date with the command classes', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    expect(readme).toBe(spliceReadme(readme, renderReadmeTable(commands)))
  })
})
