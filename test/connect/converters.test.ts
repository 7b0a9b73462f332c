import {describe, expect, it} from 'vitest'
import {DataException, Schemas, Struct, connectToString, schema, structSchema} from '../../src/connect/data.js'
import {createConverter} from '../../src/connect/converters/index.js'

const json = (enabled: boolean) => createConverter('org.apache.kafka.connect.json.JsonConverter', 'value.converter', {'value.converter.schemas.enable': String(enabled)}, false)

describe('JsonConverter', () => {
  it('writes the quickstart envelope for a file-source line', () => {
    expect(json(true).fromConnectData('t', Schemas.STRING, 'foo')!.toString()).toBe('{"schema":{"type":"string","optional":false},"payload":"foo"}')
  })

  it('writes nothing for a null schema and null value (the file source key)', () => {
    expect(json(true).fromConnectData('t', null, null)).toBeNull()
  })

  it('writes the bare value with schemas disabled', () => {
    expect(json(false).fromConnectData('t', Schemas.STRING, 'foo')!.toString()).toBe('"foo"')
  })

  it('round-trips a struct with int64, bytes, arrays and maps, schema keys in Kafka order', () => {
    const s = structSchema([
      {name: 'id', schema: schema('int64')},
      {name: 'name', schema: schema('string', true)},
      {name: 'blob', schema: schema('bytes')},
      {name: 'tags', schema: schema('array', false, {valueSchema: Schemas.STRING})},
      {name: 'attrs', schema: schema('map', true, {keySchema: Schemas.STRING, valueSchema: schema('float64')})},
    ], false, 'com.example.Row')
    const v = new Struct(s).put('id', 9007199254740993n).put('name', null).put('blob', Buffer.from([1, 2, 3]))
      .put('tags', ['a', 'b']).put('attrs', new Map([['x', 1.5]]))
    const bytes = json(true).fromConnectData('t', s, v)!
    const text = bytes.toString()
    expect(text).toContain('"payload":{"id":9007199254740993,"name":null,"blob":"AQID","tags":["a","b"],"attrs":{"x":1.5}}')
    expect(text).toContain('{"type":"int64","optional":false,"field":"id"}')
    expect(text).toContain('"name":"com.example.Row"')
    const back = json(true).toConnectData('t', bytes)
    expect(back.schema!.fields!.map((f) => f.name)).toEqual(['id', 'name', 'blob', 'tags', 'attrs'])
    const st = back.value as Struct
    expect(st.get('blob')).toEqual(Buffer.from([1, 2, 3]))
    expect(st.get('tags')).toEqual(['a', 'b'])
    expect(st.get('id')).toBe(9007199254740993n)
    expect(st.toString()).toMatch(/^Struct\{id=9007199254740993,blob=\[B@[0-9a-f]+,tags=\[a, b\],attrs=\{x=1.5\}\}$/)
  })

  it('rejects plain JSON when schemas are enabled, with Kafka\'s message', () => {
    expect(() => json(true).toConnectData('t', Buffer.from('{"a":1}'))).toThrow(/requires "schema" and "payload" fields/)
    expect(() => json(true).toConnectData('t', Buffer.from('{oops'))).toThrow(/failed due to serialization error/)
    expect(json(false).toConnectData('t', Buffer.from('{"a":1,"b":[true,null,"x\\"y"],"c":12345678901234567890}')).value).toEqual({a: 1, b: [true, null, 'x"y'], c: 12345678901234567890n})
  })
})

describe('StringConverter and ByteArrayConverter', () => {
  it('StringConverter writes the string form and reads optional strings', () => {
    const c = createConverter('StringConverter', 'key.converter', {}, true)
    expect(c.fromConnectData('t', null, 42)!.toString()).toBe('42')
    expect(c.fromConnectData('t', null, null)).toBeNull()
    expect(c.toConnectData('t', Buffer.from('hé'))).toEqual({schema: Schemas.OPTIONAL_STRING, value: 'hé'})
  })

  it('ByteArrayConverter passes bytes and refuses other schemas with Kafka\'s message', () => {
    const c = createConverter('org.apache.kafka.connect.converters.ByteArrayConverter', 'value.converter', {}, false)
    expect(c.fromConnectData('t', Schemas.BYTES, Buffer.from('x'))).toEqual(Buffer.from('x'))
    expect(() => c.fromConnectData('t', Schemas.STRING, 'x')).toThrow('Invalid schema type for ByteArrayConverter: STRING')
    expect(() => c.fromConnectData('t', null, 'x')).toThrow(DataException)
  })

  it('an unknown converter class is an error', () => {
    expect(() => createConverter('com.example.Nope', 'value.converter', {}, false)).toThrow('Class com.example.Nope could not be found.')
  })
})

describe('connectToString', () => {
  it('prints values as Java does for FileStreamSink', () => {
    expect(connectToString(new Map<string, unknown>([['a', 1], ['b', 'x']]))).toBe('{a=1, b=x}')
    expect(connectToString(null)).toBe('null')
    expect(connectToString(true)).toBe('true')
    expect(connectToString(2.5)).toBe('2.5')
  })
})
