import {describe, expect, it} from 'vitest'
import {createFormatter, escapeBytes, type ConsumedRecord} from '../../../src/tools/console-consumer/formatter.js'

const record: ConsumedRecord = {
  topic: 't', partition: 9, offset: 9876, timestamp: 1234, timestampType: 'CreateTime',
  key: Buffer.from('someKey'), value: Buffer.from('someValue'),
  headers: [{key: 'h1', value: Buffer.from('v1')}, {key: 'h2', value: Buffer.from('v2')}],
}
const fmt = (props: Record<string, string>, r: ConsumedRecord = record) => {
  const out: Buffer[] = []
  createFormatter('kafka.tools.DefaultMessageFormatter', new Map(Object.entries(props))).format(r, out)
  return Buffer.concat(out).toString()
}
const all = {'print.timestamp': 'true', 'print.partition': 'true', 'print.offset': 'true', 'print.headers': 'true', 'print.key': 'true'}

describe('DefaultMessageFormatter', () => {
  it('prints the examples of the reference byte for byte', () => {
    expect(fmt({})).toBe('someValue\n')
    expect(fmt({'print.key': 'true'})).toBe('someKey\tsomeValue\n')
    expect(fmt(all)).toBe('CreateTime:1234\tPartition:9\tOffset:9876\th1:v1,h2:v2\tsomeKey\tsomeValue\n')
    expect(fmt({...all, 'key.separator': '|', 'line.separator': '^', 'headers.separator': '#'})).toBe('CreateTime:1234|Partition:9|Offset:9876|h1:v1#h2:v2|someKey|someValue^')
    expect(fmt({'print.value': 'false'})).toBe('')
    expect(fmt({'print.key': 'TRUE', 'print.value': 'false'})).toBe('someKey\n')
    expect(fmt({'print.timestamp': 'true', 'print.value': 'false'})).toBe('CreateTime:1234\n')
    expect(fmt({'print.partition': 'true', 'print.key': 'true'})).toBe('Partition:9\tsomeKey\tsomeValue\n')
  })
  it('prints null.literal for null values and NO_HEADERS / NO_TIMESTAMP', () => {
    const r = {...record, value: null, headers: [], timestampType: 'NO_TIMESTAMP' as const}
    expect(fmt({'print.key': 'true'}, r)).toBe('someKey\tnull\n')
    expect(fmt({'print.key': 'true', 'null.literal': 'NULL'}, r)).toBe('someKey\tNULL\n')
    expect(fmt({'print.headers': 'true', 'print.timestamp': 'true'}, r)).toBe('NO_TIMESTAMP\tNO_HEADERS\tnull\n')
    expect(fmt({}, r)).toBe('null\n')
  })
  it('applies the deserializers and reports wrong sizes', () => {
    const long = Buffer.alloc(8)
    long.writeBigInt64BE(-5n)
    expect(fmt({'value.deserializer': 'org.apache.kafka.common.serialization.LongDeserializer'}, {...record, value: long})).toBe('-5\n')
    expect(() => fmt({'value.deserializer': 'org.apache.kafka.common.serialization.IntegerDeserializer'})).toThrow('Size of data received by IntegerDeserializer is not 4')
    expect(escapeBytes(Buffer.from([0x41, 0x00, 0x5c, 0xff]))).toBe('A\\x00\\x5C\\xFF')
  })
  it('knows the three formatters and no others', () => {
    const out: Buffer[] = []
    createFormatter('kafka.tools.NoOpMessageFormatter', new Map()).format(record, out)
    expect(out).toEqual([])
    expect(() => createFormatter('com.example.Nope', new Map())).toThrow('Class com.example.Nope cannot be found')
  })
})
