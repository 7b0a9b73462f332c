// Java .properties files (server.properties, zookeeper.properties, worker and connector configs).
// dot-properties implements the full syntax (`=`, `:` or space separators, `\` continuations,
// \uXXXX escapes, `#` and `!` comments); here we add what a server needs: line numbers for errors,
// and the list of keys in file order.
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'

// Loaded on the first parse: a server started with no properties file never needs it.
let dotProperties: typeof import('dot-properties') | undefined
const parser = () => (dotProperties ??= createRequire(import.meta.url)('dot-properties') as typeof import('dot-properties'))

export class PropertiesError extends Error {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}:${line}: ${message}`)
    this.name = 'PropertiesError'
  }
}

export type Properties = Map<string, string>

/** Parses .properties text. A line that cannot be a key/value pair is an error naming the line. */
export function parseProperties(text: string, file = '<properties>'): Properties {
  const lines = text.split(/\r\n|\r|\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue
    // A key must not be empty: "=value" or ":value" is a malformed line, not a key named "".
    if (/^[=:]/.test(line)) throw new PropertiesError(file, i + 1, `malformed line (no key): ${lines[i]}`)
    if (/[\u0000-\u0008\u000e-\u001f]/.test(line)) {
      throw new PropertiesError(file, i + 1, `malformed line (control characters): ${JSON.stringify(lines[i])}`)
    }
  }
  const parsed = parser().parse(text) as Record<string, string>
  return new Map(Object.entries(parsed))
}

export function readPropertiesFile(path: string): Properties {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new PropertiesError(path, 0, code === 'ENOENT' ? 'file not found' : `cannot read: ${(error as Error).message}`)
  }
  return parseProperties(text, path)
}

/** Applies `--override key=value` arguments on top of a file's properties. */
export function applyOverrides(props: Properties, overrides: readonly string[]): Properties {
  const out = new Map(props)
  for (const o of overrides) {
    const eq = o.indexOf('=')
    if (eq <= 0) throw new PropertiesError('--override', 0, `expected key=value, got "${o}"`)
    out.set(o.slice(0, eq).trim(), o.slice(eq + 1))
  }
  return out
}
