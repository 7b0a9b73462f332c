// Topic routers: org.apache.kafka.connect.transforms.TimestampRouter and RegexRouter.
import {newRecord, type ConnectRecord} from '../data.js'
import {requireConfig, type Transformation} from './transformation.js'

/** Formats epoch milliseconds (UTC) with the common java.text.SimpleDateFormat letters. */
export function formatJavaDate(ms: number, pattern: string): string {
  const d = new Date(ms)
  const fields: Record<string, (n: number) => string> = {
    y: (n) => (n === 2 ? String(d.getUTCFullYear() % 100).padStart(2, '0') : String(d.getUTCFullYear()).padStart(n, '0')),
    M: (n) => String(d.getUTCMonth() + 1).padStart(n, '0'),
    d: (n) => String(d.getUTCDate()).padStart(n, '0'),
    H: (n) => String(d.getUTCHours()).padStart(n, '0'),
    m: (n) => String(d.getUTCMinutes()).padStart(n, '0'),
    s: (n) => String(d.getUTCSeconds()).padStart(n, '0'),
    S: (n) => String(d.getUTCMilliseconds()).padStart(3, '0').slice(0, Math.max(n, 3)),
  }
  let out = ''
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1)
      out += end === i + 1 ? "'" : pattern.slice(i + 1, end < 0 ? undefined : end)
      i = end < 0 ? pattern.length : end + 1
      continue
    }
    let n = 1
    while (pattern[i + n] === c) n++
    out += fields[c] ? fields[c](n) : c.repeat(n)
    i += n
  }
  return out
}

export class TimestampRouter implements Transformation {
  private topicFormat = '${topic}-${timestamp}'
  private timestampFormat = 'yyyyMMdd'

  configure(props: Record<string, string>): void {
    this.topicFormat = props['topic.format'] ?? this.topicFormat
    this.timestampFormat = props['timestamp.format'] ?? this.timestampFormat
  }

  apply(r: ConnectRecord): ConnectRecord | null {
    if (r.timestamp === null) throw new Error(`Timestamp missing on record: ${r.topic}`)
    const topic = this.topicFormat.replaceAll('${topic}', r.topic).replaceAll('${timestamp}', formatJavaDate(r.timestamp, this.timestampFormat))
    return newRecord(r, {topic})
  }
}

/** Java's Matcher.replaceFirst replacement syntax: $1 or ${name} groups, \ escapes. */
function javaReplacement(replacement: string): string {
  return replacement.replace(/\\(.)|\$\{(\w+)\}|\$(\d)/g, (_m, esc: string, name: string, num: string) => (esc !== undefined ? (esc === '$' ? '$$' : esc) : name !== undefined ? `$<${name}>` : `$${num}`))
}

export class RegexRouter implements Transformation {
  private regex = /$^/
  private replacement = ''

  configure(props: Record<string, string>): void {
    // Kafka matches the whole topic name (Matcher.matches), so anchor the pattern.
    this.regex = new RegExp(`^(?:${requireConfig(props, 'regex')})$`)
    this.replacement = javaReplacement(requireConfig(props, 'replacement'))
  }

  apply(r: ConnectRecord): ConnectRecord | null {
    if (!this.regex.test(r.topic)) return r
    return newRecord(r, {topic: r.topic.replace(this.regex, this.replacement)})
  }
}
