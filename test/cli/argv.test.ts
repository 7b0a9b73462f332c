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
