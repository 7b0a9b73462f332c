// Kafka's tools parse their command lines with jopt-simple; scripts depend on its behaviour and
// its error texts (reference §1.1). oclif's parser differs on each point that matters (it takes a
// flag-looking token as a missing value, keeps the last of repeated single-valued flags, and words
// its errors its own way), so the Kafka commands declare their flags on the oclif class (help and
// man pages come from there) and parse argv here, with jopt's rules:
//   * `--name value` and `--name=value`; no abbreviations; `--` ends the options;
//   * an option with a required argument takes the next token even when it starts with '-';
//     one with an optional argument takes it only when it does not look like an option;
//   * repeating a single-valued option is an error; multi-valued options accumulate;
//   * stray positional arguments are kept aside (the tools ignore them).
import {Flags} from '@oclif/core'

export type ArgKind = 'string' | 'int' | 'long'

/** How one option parses: no argument, a required one, or an optional one. */
export interface OptionMeta {
  arg: 'none' | 'required' | 'optional'
  kind: ArgKind
  multiple: boolean
  /** The `<Type: description>` descriptor shown in the usage table. */
  descriptor?: string
  hidden?: boolean
}

const META = new WeakMap<object, OptionMeta>()

/** A usage error: jopt's (or the tool's own) message, printed with the option table, exit 1. */
export class KafkaUsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'KafkaUsageError'
  }
}

interface Common {
  description: string
  hidden?: boolean
}

/** Flag builders that keep Kafka's parsing metadata beside the oclif definition. */
export const kflag = {
  /** An option without an argument (`--list`). */
  flag(o: Common) {
    const f = Flags.boolean({description: o.description, hidden: o.hidden})
    META.set(f, {arg: 'none', kind: 'string', multiple: false, hidden: o.hidden})
    return f
  },
  /** An option with an argument. `optional` marks jopt's optional arguments (`--state`). */
  value(o: Common & {descriptor: string; kind?: ArgKind; multiple?: boolean; optional?: boolean; defaultText?: string}) {
    const kind = o.kind ?? 'string'
    const typeName = kind === 'int' ? 'Integer' : kind === 'long' ? 'Long' : 'String'
    const helpValue = o.optional ? `[${o.descriptor}]` : `<${o.descriptor}>`
    const description = o.defaultText === undefined ? o.description : `${o.description} (default: ${o.defaultText})`
    const base = {description, helpValue, hidden: o.hidden}
    const f = o.multiple ? Flags.string({...base, multiple: true}) : Flags.string(base)
    META.set(f, {
      arg: o.optional ? 'optional' : 'required',
      kind,
      multiple: Boolean(o.multiple),
      descriptor: o.optional ? `[${typeName}: ${o.descriptor}]` : `<${typeName}: ${o.descriptor}>`,
      hidden: o.hidden,
    })
    return f
  },
}

export function optionMeta(flag: object): OptionMeta {
  const meta = META.get(flag)
  if (meta) return meta
  // A plain oclif flag: booleans take no argument, everything else a required one.
  const f = flag as {type?: string; multiple?: boolean}
  return {arg: f.type === 'boolean' ? 'none' : 'required', kind: 'string', multiple: Boolean(f.multiple)}
}

export interface ParsedOptions {
  /** Values by option name: true for flags, string for single values, string[] for multi-valued. */
  values: Map<string, string | string[] | true>
  /** Non-option arguments, ignored by the tools. */
  rest: string[]
  has(name: string): boolean
  str(name: string): string | undefined
  list(name: string): string[]
  int(name: string): number | undefined
}

const INT_RE = /^[+-]?\d+$/

function checkNumber(name: string, kind: ArgKind, value: string): void {
  if (kind === 'string') return
  const ok = INT_RE.test(value) && (kind === 'long'
    ? BigInt(value) >= -(2n ** 63n) && BigInt(value) < 2n ** 63n
    : Number(value) >= -(2 ** 31) && Number(value) < 2 ** 31)
  if (!ok) throw new KafkaUsageError(`Cannot parse argument '${value}' of option ${name}`)
}

export function parsedOptions(values: Map<string, string | string[] | true>, rest: string[] = []): ParsedOptions {
  return {
    values,
    rest,
    has: (name) => values.has(name),
    str(name) {
      const v = values.get(name)
      if (v === undefined || v === true) return undefined
      return Array.isArray(v) ? v[v.length - 1] : v
    },
    list(name) {
      const v = values.get(name)
      if (v === undefined || v === true) return []
      return Array.isArray(v) ? v : [v]
    },
    int(name) {
      const v = this.str(name)
      return v === undefined ? undefined : Number(v)
    },
  }
}

/** Parses argv against the declared flags with jopt-simple's rules. */
export function parseKafkaArgs(argv: readonly string[], flags: Record<string, object>): ParsedOptions {
  const values = new Map<string, string | string[] | true>()
  const rest: string[] = []
  const store = (name: string, meta: OptionMeta, value: string | true): void => {
    if (meta.multiple && value !== true) {
      const prev = values.get(name)
      values.set(name, [...(Array.isArray(prev) ? prev : []), value])
      return
    }
    if (values.has(name) && meta.arg !== 'none') {
      throw new KafkaUsageError(`Found multiple arguments for option ${name}, but you asked for only one`)
    }
    values.set(name, value)
  }
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!
    if (token === '--') {
      rest.push(...argv.slice(i + 1))
      break
    }
    if (!token.startsWith('-') || token === '-') {
      rest.push(token)
      continue
    }
    if (!token.startsWith('--')) {
      // A cluster of one-letter options: the Kafka tools declare none, so the first letter is unknown.
      throw new KafkaUsageError(`${token.charAt(1)} is not a recognized option`)
    }
    const eq = token.indexOf('=')
    const name = eq < 0 ? token.slice(2) : token.slice(2, eq)
    const flag = Object.hasOwn(flags, name) ? flags[name] : undefined
    if (!flag) throw new KafkaUsageError(`${name} is not a recognized option`)
    const meta = optionMeta(flag)
    if (meta.arg === 'none') {
      if (eq >= 0) throw new KafkaUsageError(`Option ${name} does not take an argument`)
      store(name, meta, true)
      continue
    }
    let value: string | undefined
    if (eq >= 0) value = token.slice(eq + 1)
    else if (meta.arg === 'required') {
      if (i + 1 >= argv.length) throw new KafkaUsageError(`Option ${name} requires an argument`)
      value = argv[++i]!
    } else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) {
      value = argv[++i]!
    }
    if (value === undefined) {
      if (!values.has(name)) values.set(name, true)
      continue
    }
    checkNumber(name, meta.kind, value)
    store(name, meta, value)
  }
  return parsedOptions(values, rest)
}

/**
 * Parses `k=v` pairs as Kafka's CommandLineUtils.parseKeyValueArgs does: split at the first '=';
 * a key without a value maps to ''.
 */
export function parseKeyValues(pairs: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const p of pairs) {
    const eq = p.indexOf('=')
    if (eq < 0) out.set(p, '')
    else out.set(p.slice(0, eq), p.slice(eq + 1))
  }
  return out
}

/** jopt's built-in help formatter, approximately (scripts rely on the message line, not on this). */
export function usageTable(flags: Record<string, object>): string {
  const rows: [string, string][] = []
  for (const name of Object.keys(flags).sort()) {
    const flag = flags[name] as {description?: string; hidden?: boolean}
    const meta = optionMeta(flag)
    if (meta.hidden || flag.hidden) continue
    const left = meta.descriptor ? `--${name} ${meta.descriptor}` : `--${name}`
    rows.push([left, flag.description ?? ''])
  }
  const width = 80
  const leftWidth = 40
  const wrap = (text: string, w: number): string[] => {
    const out: string[] = []
    let line = ''
    for (const word of text.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > w) {
        out.push(line)
        line = word
      } else line = line ? `${line} ${word}` : word
    }
    if (line) out.push(line)
    return out.length ? out : ['']
  }
  const lines = [`${'Option'.padEnd(leftWidth)} Description`, `${'------'.padEnd(leftWidth)} -----------`]
  for (const [left, desc] of rows) {
    const l = wrap(left, leftWidth)
    const r = wrap(desc, width - leftWidth - 1)
    for (let i = 0; i < Math.max(l.length, r.length); i++) {
      lines.push(`${(l[i] ?? '').padEnd(leftWidth)} ${r[i] ?? ''}`.trimEnd())
    }
  }
  return lines.join('\n') + '\n'
}
