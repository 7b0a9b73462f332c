#!/usr/bin/env node
// Build step: captures `ktool --help` and `ktool <command> --help` as oclif renders them for a
// pipe (no TTY: no colours, 80 columns) into dist/help-cache.json. bin/run.js answers those exact
// invocations from it without loading @oclif/core, which costs about 150 ms of start-up; anything
// else, and any help asked for at a terminal, goes through oclif as usual.
import {execFileSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8'))
const env = {...process.env, NODE_ENV: 'production', KTOOL_NO_HELP_CACHE: '1'}
delete env.NO_COLOR
delete env.FORCE_COLOR

function capture(args) {
  return execFileSync(process.execPath, [join(root, 'bin', 'run.js'), ...args], {env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']})
}

const entries = {'--help': capture(['--help'])}
for (const id of Object.keys(manifest.commands)) entries[`${id} --help`] = capture([id, '--help'])
writeFileSync(join(root, 'dist', 'help-cache.json'), JSON.stringify({version: manifest.version, entries}))
process.stderr.write(`gen-help-cache: ${Object.keys(entries).length} help texts cached\n`)
