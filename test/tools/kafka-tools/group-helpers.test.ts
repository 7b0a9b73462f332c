import {describe, expect, it} from 'vitest'
import {parseStates, parseTopicArg} from '../../../src/tools/consumer-groups/group-options.js'
import {parseIsoDuration, parseKafkaDateTime} from '../../../src/tools/consumer-groups/group-service.js'
import {memberLines, offsetLines, resetLines, stateLines} from '../../../src/tools/consumer-groups/group-format.js'
import {murmur2} from '../../../src/tools/console-producer/batch-producer.js'
import {invalidTopicName, includeListMatcher} from '../../../src/tools/topics/topic-names.js'
import {parseTopicConfigs} from '../../../src/tools/topics/topic-configs.js'
import {parseReplicaAssignment} from '../../../src/tools/topics/topic-options.js'

describe('consumer-groups helpers', () => {
  it('parses --list --state like 3.7 (case-sensitive, trailing empties ignored)', () => {
    expect(parseStates('Dead,CompletingRebalance,')).toEqual(['Dead', 'CompletingRebalance'])
    expect(() => parseStates('stable')).toThrow("Invalid state list 'stable'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty")
    expect(() => parseStates('   ,   ,')).toThrow('Invalid state list')
  })
  it('parses topic arguments', () => {
    expect(parseTopicArg('t')).toEqual({topic: 't'})
    expect(parseTopicArg('t:0,2')).toEqual({topic: 't', partitions: [0, 2]})
    expect(() => parseTopicArg('t:x')).toThrow("Invalid partition 'x' specified in topic arg 't:x''")
  })
  it('parses datetimes (no zone = UTC) and durations', () => {
    expect(parseKafkaDateTime('2024-01-02T03:04:05.006')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 6))
    expect(parseKafkaDateTime('2024-01-02T03:04:05.006+01:00')).toBe(Date.UTC(2024, 0, 2, 2, 4, 5, 6))
    expect(parseKafkaDateTime('2024-01-02T03:04:05.006-0130')).toBe(Date.UTC(2024, 0, 2, 4, 34, 5, 6))
    expect(() => parseKafkaDateTime('2024-01-02T03:04:05')).toThrow('Unparseable date: "2024-01-02T03:04:05"')
    expect(parseIsoDuration('PT1M')).toBe(60_000)
    expect(parseIsoDuration('P1DT2H')).toBe(93_600_000)
    expect(parseIsoDuration('PT0.1S')).toBe(100)
    expect(() => parseIsoDuration('1h')).toThrow('Text cannot be parsed to a Duration')
  })
  it('lays out the describe and reset blocks with Kafka\'s widths', () => {
    expect(offsetLines([{group: 'g', topic: 'foo', partition: 0, currentOffset: 100n, logEndOffset: 100n, lag: 0n, consumerId: '-', host: '-', clientId: '-'}])).toEqual([
      '',
      'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID',
      'g               foo             0          100             100             0               -               -               -',
    ])
    expect(memberLines([{group: 'g', consumerId: 'c', groupInstanceId: null, host: '/127.0.0.1', clientId: 'x', partitions: [{topic: 'b', partition: 1}, {topic: 'a', partition: 0}]}], true)[2])
      .toBe('g               c               /127.0.0.1      x               2               a(0), b(1)')
    expect(stateLines({group: 'test.group', coordinator: 'localhost:9092 (0)', assignmentStrategy: 'range', state: 'Stable', members: 1})).toEqual([
      '',
      'GROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS',
      'test.group                localhost:9092 (0)        range                Stable          1',
    ])
    expect(resetLines(new Map([['test.group', [{tp: {topic: 'foo', partition: 0}, offset: 50n}]]]))).toEqual([
      '',
      'GROUP                          TOPIC                          PARTITION  NEW-OFFSET     ',
      'test.group                     foo                            0          50             ',
    ])
  })
})

describe('topics and producer helpers', () => {
  it("validates topic names with Kafka's texts", () => {
    expect(invalidTopicName('ok.name-1_x')).toBeNull()
    expect(invalidTopicName('')).toBe('Topic name is invalid: the empty string is not allowed')
    expect(invalidTopicName('..')).toBe("Topic name is invalid: '..' is not allowed")
    expect(invalidTopicName('a b')).toBe("Topic name is invalid: 'a b' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'")
    expect(invalidTopicName('x'.repeat(250))).toContain('is longer than the max allowed length 249')
  })
  it('matches --topic as a whole-name regex with commas as alternatives', () => {
    const m = includeListMatcher("'foo.*, bar'")
    expect(['foo', 'foo1', 'bar', 'xbar', 'barx'].filter(m)).toEqual(['foo', 'foo1', 'bar'])
  })
  it('checks --config like LogConfig.validate', () => {
    expect([...parseTopicConfigs(['cleanup.policy = compact'])]).toEqual([['cleanup.policy', 'compact']])
    expect(() => parseTopicConfigs(['a'])).toThrow('requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".')
    expect(() => parseTopicConfigs(['nope=1'])).toThrow('Unknown topic config name: nope')
    expect(() => parseTopicConfigs(['message.timestamp.type=boom'])).toThrow('Invalid value boom for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime')
    expect(() => parseTopicConfigs(['segment.bytes=1'])).toThrow('Invalid value 1 for configuration segment.bytes: Value must be at least 14')
  })
  it('parses replica assignments', () => {
    expect(parseReplicaAssignment('0:1,1:2')).toEqual([[0, 1], [1, 2]])
    expect(() => parseReplicaAssignment('0:0')).toThrow('Partition replica lists may not contain duplicate entries: 0')
    expect(() => parseReplicaAssignment('0:1,2')).toThrow('Partition 1 has different replication factor: [2]')
  })
  it("partitions keyed records with Kafka's murmur2", () => {
    // Values from Kafka's UtilsTest.testMurmur2.
    expect(murmur2(Buffer.from('21'))).toBe(-973932308)
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482)
    expect(murmur2(Buffer.from('a-little-bit-long-string'))).toBe(-985981536)
    expect(murmur2(Buffer.from('a-little-bit-longer-string'))).toBe(-1486304829)
    expect(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'))).toBe(-58897971)
    expect(murmur2(Buffer.from([0x61, 0x62, 0x63]))).toBe(479470107)
  })
})
