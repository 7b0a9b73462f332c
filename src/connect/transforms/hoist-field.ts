// org.apache.kafka.connect.transforms.HoistField$Key / $Value: wraps the key or value in a struct
// (with a schema) or a map (schemaless) under one field.
import {Struct, structSchema, type ConnectRecord} from '../data.js'
import {operandSchema, operandValue, requireConfig, withOperand, type Operand, type Transformation} from './transformation.js'

export class HoistField implements Transformation {
  private field = ''

  constructor(private readonly which: Operand) {}

  configure(props: Record<string, string>): void {
    this.field = requireConfig(props, 'field')
  }

  apply(r: ConnectRecord): ConnectRecord | null {
    const s = operandSchema(r, this.which)
    const v = operandValue(r, this.which)
    if (s === null) return withOperand(r, this.which, null, {[this.field]: v})
    const wrapped = structSchema([{name: this.field, schema: s}])
    return withOperand(r, this.which, wrapped, new Struct(wrapped).put(this.field, v))
  }
}
