// org.apache.kafka.connect.transforms.ReplaceField$Key / $Value: drops fields (exclude, or keeps
// only include) and renames others (renames=from:to,...). The pre-2.7 names blacklist and
// whitelist are accepted.
import {Struct, structSchema, type ConnectRecord} from '../data.js'
import {ConfigException, invalid, listConfig, mapEntries, operandSchema, operandValue, requireStructOrMap, withOperand, type Operand, type Transformation} from './transformation.js'

export class ReplaceField implements Transformation {
  private exclude = new Set<string>()
  private include = new Set<string>()
  private renames = new Map<string, string>()

  constructor(private readonly which: Operand) {}

  configure(props: Record<string, string>): void {
    this.exclude = new Set(listConfig(props, props.exclude !== undefined ? 'exclude' : 'blacklist'))
    this.include = new Set(listConfig(props, props.include !== undefined ? 'include' : 'whitelist'))
    this.renames = new Map()
    for (const pair of listConfig(props, 'renames')) {
      const parts = pair.split(':')
      if (parts.length !== 2 || !parts[0] || !parts[1]) throw invalid(props.renames, 'renames', 'Invalid rename mapping: ' + pair)
      this.renames.set(parts[0], parts[1])
    }
    if (this.include.size > 0 && this.exclude.size > 0) {
      for (const f of this.include) if (this.exclude.has(f)) throw new ConfigException(`Field ${f} is both included and excluded`)
    }
  }

  private keep(name: string): boolean {
    return !this.exclude.has(name) && (this.include.size === 0 || this.include.has(name))
  }

  private renamed(name: string): string {
    return this.renames.get(name) ?? name
  }

  apply(r: ConnectRecord): ConnectRecord | null {
    const s = operandSchema(r, this.which)
    const v = operandValue(r, this.which)
    if (v === null && s === null) return r
    requireStructOrMap(this.which, 'field replacement', s, v)
    if (s === null) {
      const out: Record<string, unknown> = {}
      for (const [k, x] of mapEntries(v)) if (this.keep(k)) out[this.renamed(k)] = x
      return withOperand(r, this.which, null, out)
    }
    const kept = s.fields!.filter((f) => this.keep(f.name))
    const newSchema = structSchema(kept.map((f) => ({name: this.renamed(f.name), schema: f.schema})), s.optional, s.name)
    if (v === null) return withOperand(r, this.which, newSchema, null)
    const out = new Struct(newSchema)
    for (const f of kept) out.put(this.renamed(f.name), (v as Struct).get(f.name))
    return withOperand(r, this.which, newSchema, out)
  }
}
