import {describe, expect, it} from 'vitest'
import {KafkaUsageError, kflag, parseKafkaArgs, parseKeyValues} from '../../../src/cli/kafka-options.js'

const flags = {
  list: kflag.flag({description: 'l'}),
  topic: kflag.value({description: 't', descriptor: 'topic'}),
  partitions: kflag.value({description: 'p', descriptor: 'n', kind: 'int'}),
  'shift-by': kflag.value({description: 's', descriptor: 'n', kind: 'long'}),
  state: kflag.value({description: 's', descriptor: 's', optional: true}),
  property: kflag.value({description: 'p', descriptor: 'p', multiple: true}),
}
const err = (argv: string[]) => {
  try {
    parseKafkaArgs(argv, flags)
  } catch (error) {
    expect(error).toBeInstanceOf(KafkaUsageError)
    return (error as Error).message
  }
  throw new Error('no error')
}

describe('parseKafkaArgs (jopt-simple rules)', () => {
  it('takes --name value and --name=value, and keeps positionals aside', () => {
    const p = parseKafkaArgs(['--topic', 'a', 'stray', '--partitions=3', '--list'], flags)
    expect(p.str('topic')).toBe('a')
    expect(p.int('partitions')).toBe(3)
    expect(p.has('list')).toBe(true)
    expect(p.rest).toEqual(['stray'])
  })
  it('gives a required argument the next token even when it starts with a dash', () => {
    expect(parseKafkaArgs(['--shift-by', '-50'], flags).str('shift-by')).toBe('-50')
    expect(parseKafkaArgs(['--partitions', '-1'], flags).int('partitions')).toBe(-1)
  })
  it('gives an optional argument only a token that does not look like an option', () => {
    expect(parseKafkaArgs(['--state', '--list'], flags).values.get('state')).toBe(true)
    expect(parseKafkaArgs(['--state', 'Stable,Empty'], flags).str('state')).toBe('Stable,Empty')
  })
  it('accumulates multi-valued options and refuses repeated single-valued ones', () => {
    expect(parseKafkaArgs(['--property', 'a=1', '--property', 'b=2'], flags).list('property')).toEqual(['a=1', 'b=2'])
    expect(err(['--topic', 'a', '--topic', 'b'])).toBe('Found multiple arguments for option topic, but you asked for only one')
  })
  it("words its errors as jopt-simple does", () => {
    expect(err(['--boot', 'x'])).toBe('boot is not a recognized option')
    expect(err(['-t', 'x'])).toBe('t is not a recognized option')
    expect(err(['--topic'])).toBe('Option topic requires an argument')
    expect(err(['--partitions', 'abc'])).toBe("Cannot parse argument 'abc' of option partitions")
    expect(err(['--partitions', '99999999999'])).toBe("Cannot parse argument '99999999999' of option partitions")
  })
  it('stops at --', () => {
    expect(parseKafkaArgs(['--', '--list'], flags).has('list')).toBe(false)
  })
  it('parses k=v lists like CommandLineUtils', () => {
    expect([...parseKeyValues(['a=1', 'b=x=y', 'c'])]).toEqual([['a', '1'], ['b', 'x=y'], ['c', '']])
  })
})
