import {describe, expect, it} from 'vitest'
import {Schemas, Struct, schema, structSchema, type ConnectRecord} from '../../src/connect/data.js'
import {buildTransformChain} from '../../src/connect/transforms/index.js'
import {formatJavaDate} from '../../src/connect/transforms/routers.js'

const T = 'org.apache.kafka.connect.transforms.'
const rowSchema = structSchema([{name: 'id', schema: schema('int32')}, {name: 'ssn', schema: Schemas.STRING}, {name: 'name', schema: Schemas.OPTIONAL_STRING}])

function rec(value: unknown, valueSchema = rowSchema as ConnectRecord['valueSchema'], extra: Partial<ConnectRecord> = {}): ConnectRecord {
  return {topic: 'orders', kafkaPartition: 2, keySchema: null, key: null, valueSchema, value, timestamp: Date.UTC(2024, 2, 5, 7, 8, 9), headers: [], kafkaOffset: 17n, ...extra}
}
const row = () => new Struct(rowSchema).put('id', 7).put('ssn', '123-45').put('name', 'Ann')
const chain = (cfg: Record<string, string>) => buildTransformChain(cfg)

describe('transforms', () => {
  it('InsertField$Value adds topic, partition, offset, timestamp and a static field to a struct', () => {
    const out = chain({transforms: 'ins', 'transforms.ins.type': `${T}InsertField$Value`, 'transforms.ins.topic.field': 'src_topic',
      'transforms.ins.partition.field': 'p', 'transforms.ins.offset.field': 'o!', 'transforms.ins.timestamp.field': 'ts', 'transforms.ins.static.field': 'env', 'transforms.ins.static.value': 'prod'}).apply(rec(row()))!
    const v = out.value as Struct
    expect(v.toString()).toMatch(/^Struct\{id=7,ssn=123-45,name=Ann,src_topic=orders,p=2,o=17,ts=.*,env=prod\}$/)
    expect(out.valueSchema!.fields!.find((f) => f.name === 'o')!.schema.optional).toBe(false)
  })

  it('InsertField works schemaless and passes tombstones through', () => {
    const c = chain({transforms: 'i', 'transforms.i.type': 'InsertField$Value', 'transforms.i.topic.field': 't'})
    expect(c.apply(rec({a: 1}, null))!.value).toEqual({a: 1, t: 'orders'})
    expect(c.apply(rec(null, null))!.value).toBeNull()
  })

  it('ReplaceField excludes, includes and renames', () => {
    const out = chain({transforms: 'r', 'transforms.r.type': `${T}ReplaceField$Value`, 'transforms.r.exclude': 'ssn', 'transforms.r.renames': 'id:order_id'}).apply(rec(row()))!
    expect((out.value as Struct).toString()).toBe('Struct{order_id=7,name=Ann}')
    const inc = chain({transforms: 'r', 'transforms.r.type': `${T}ReplaceField$Value`, 'transforms.r.whitelist': 'name'}).apply(rec({id: 1, name: 'x'}, null))!
    expect(inc.value).toEqual({name: 'x'})
  })

  it('MaskField masks to empty values or a replacement', () => {
    expect((chain({transforms: 'm', 'transforms.m.type': `${T}MaskField$Value`, 'transforms.m.fields': 'ssn,id'}).apply(rec(row()))!.value as Struct).toString()).toBe('Struct{id=0,ssn=,name=Ann}')
    expect(chain({transforms: 'm', 'transforms.m.type': `${T}MaskField$Value`, 'transforms.m.fields': 'ssn', 'transforms.m.replacement': '***'}).apply(rec({ssn: 'x', n: 1}, null))!.value).toEqual({ssn: '***', n: 1})
  })

  it('ValueToKey then ExtractField$Key makes the key one field of the value', () => {
    const out = chain({transforms: 'v,e', 'transforms.v.type': `${T}ValueToKey`, 'transforms.v.fields': 'id', 'transforms.e.type': `${T}ExtractField$Key`, 'transforms.e.field': 'id'}).apply(rec(row()))!
    expect(out.key).toBe(7)
    expect(out.keySchema!.type).toBe('int32')
  })

  it('HoistField wraps and Cast converts', () => {
    const h = chain({transforms: 'h', 'transforms.h.type': `${T}HoistField$Value`, 'transforms.h.field': 'line'}).apply(rec('hello', Schemas.STRING))!
    expect((h.value as Struct).toString()).toBe('Struct{line=hello}')
    const c = chain({transforms: 'c', 'transforms.c.type': `${T}Cast$Value`, 'transforms.c.spec': 'id:string,ssn:boolean'}).apply(rec(row()))!
    expect((c.value as Struct).get('id')).toBe('7')
    expect(c.valueSchema!.fields![0]!.schema.type).toBe('string')
    const whole = chain({transforms: 'c', 'transforms.c.type': `${T}Cast$Value`, 'transforms.c.spec': 'int64'}).apply(rec('42', Schemas.STRING))!
    expect(whole.value).toBe(42n)
    expect(() => chain({transforms: 'c', 'transforms.c.type': `${T}Cast$Value`, 'transforms.c.spec': 'id:date'})).toThrow(/Invalid type found in casting spec: date/)
  })

  it('TimestampRouter and RegexRouter rename the topic', () => {
    const ts = chain({transforms: 't', 'transforms.t.type': `${T}TimestampRouter`}).apply(rec(row()))!
    expect(ts.topic).toBe('orders-20240305')
    expect(formatJavaDate(Date.UTC(2024, 0, 2, 3, 4, 5, 6), "yyyy-MM-dd'T'HH:mm:ss.SSS")).toBe('2024-01-02T03:04:05.006')
    const rr = chain({transforms: 'r', 'transforms.r.type': `${T}RegexRouter`, 'transforms.r.regex': '(.*)ers', 'transforms.r.replacement': 'x_$1'}).apply(rec(row()))!
    expect(rr.topic).toBe('x_ord')
    const miss = chain({transforms: 'r', 'transforms.r.type': `${T}RegexRouter`, 'transforms.r.regex': 'ord', 'transforms.r.replacement': 'x'}).apply(rec(row()))!
    expect(miss.topic).toBe('orders') // the whole topic must match, as Matcher.matches()
  })

  it('Filter drops records its predicate matches, or the others with negate', () => {
    const cfg = {transforms: 'f', 'transforms.f.type': `${T}Filter`, 'transforms.f.predicate': 'tomb', predicates: 'tomb,hdr,topic',
      'predicates.tomb.type': 'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone',
      'predicates.hdr.type': 'HasHeaderKey', 'predicates.hdr.name': 'trace',
      'predicates.topic.type': 'TopicNameMatches', 'predicates.topic.pattern': 'ord.*'}
    expect(chain(cfg).apply(rec(null, null))).toBeNull()
    expect(chain(cfg).apply(rec(row()))).not.toBeNull()
    expect(chain({...cfg, 'transforms.f.negate': 'true'}).apply(rec(row()))).toBeNull()
    expect(chain({...cfg, 'transforms.f.predicate': 'hdr'}).apply(rec(row(), rowSchema, {headers: [{key: 'trace', schema: null, value: 'x'}]}))).toBeNull()
    expect(chain({...cfg, 'transforms.f.predicate': 'topic'}).apply(rec(row(), rowSchema, {topic: 'payments'}))).not.toBeNull()
  })

  it('reports unknown classes and undefined predicates as config errors', () => {
    expect(() => chain({transforms: 'x', 'transforms.x.type': 'com.example.Nope'})).toThrow(/Class com.example.Nope could not be found/)
    expect(() => chain({transforms: 'x', 'transforms.x.type': `${T}Filter`, 'transforms.x.predicate': 'p'})).toThrow(/undefined predicate/)
  })
})
