// org.apache.kafka.connect.transforms.ValueToKey: the key becomes the named fields of the value.
import {Struct, structSchema, newRecord, type ConnectRecord} from '../data.js'
import {invalid, listConfig, mapEntries, requireConfig, requireStructOrMap, type Transformation} from './transformation.js'

export class ValueToKey implements Transformation {
  private fields: string[] = []

  configure(props: Record<string, string>): void {
    requireConfig(props, 'fields')
    this.fields = listConfig(props, 'fields')
    if (this.fields.length === 0) throw invalid(props.fields, 'fields', 'Empty list')
  }

  apply(r: ConnectRecord): ConnectRecord | null {
    const s = r.valueSchema
    const v = r.value
    if (v === null) return newRecord(r, {keySchema: null, key: null})
    requireStructOrMap('value', 'copying fields from value to key', s, v)
    if (s === null) {
      const from = Object.fromEntries(mapEntries(v))
      return newRecord(r, {keySchema: null, key: Object.fromEntries(this.fields.map((f) => [f, from[f] ?? null]))})
    }
    const keySchema = structSchema(this.fields.map((name) => {
      const f = s.fields!.find((x) => x.name === name)
      if (!f) throw new Error(`Field does not exist: ${name}`)
      return {name, schema: f.schema}
    }))
    const key = new Struct(keySchema)
    for (const name of this.fields) key.put(name, (v as Struct).get(name))
    return newRecord(r, {keySchema, key})
  }
}
