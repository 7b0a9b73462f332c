// org.apache.kafka.connect.transforms.ExtractField$Key / $Value: replaces the key or value with
// one of its fields (null when the field is absent from a map).
import type {ConnectRecord} from '../data.js'
import {mapEntries, operandSchema, operandValue, requireConfig, requireStructOrMap, withOperand, type Operand, type Transformation} from './transformation.js'
import type {Struct} from '../data.js'

export class ExtractField implements Transformation {
  private field = ''

  constructor(private readonly which: Operand) {}

  configure(props: Record<string, string>): void {
    this.field = requireConfig(props, 'field')
  }

  apply(r: ConnectRecord): ConnectRecord | null {
    const s = operandSchema(r, this.which)
    const v = operandValue(r, this.which)
    if (s === null) {
      if (v === null) return withOperand(r, this.which, null, null)
      requireStructOrMap(this.which, 'field extraction', s, v)
      const found = mapEntries(v).find(([k]) => k === this.field)
      return withOperand(r, this.which, null, found ? found[1] : null)
    }
    requireStructOrMap(this.which, 'field extraction', s, v)
    const f = s.fields!.find((x) => x.name === this.field)
    if (!f) throw new Error(`Unknown field: ${this.field}`)
    return withOperand(r, this.which, f.schema, v === null ? null : (v as Struct).get(this.field))
  }
}
