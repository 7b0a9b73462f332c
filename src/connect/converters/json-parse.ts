// JSON.parse keeps no more than 53 bits of an integer, but Connect's int64 needs all 64: this
// parser returns integers beyond Number.MAX_SAFE_INTEGER as bigint and is otherwise JSON.parse.
export function parseJsonExact(text: string): unknown {
  let i = 0
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${i}`)
  }
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++
  }
  const value = (): unknown => {
    ws()
    const c = text[i]
    if (c === '{') {
      i++
      const out: Record<string, unknown> = {}
      ws()
      if (text[i] === '}') return i++, out
      for (;;) {
        ws()
        if (text[i] !== '"') fail('Expected a property name')
        const key = str()
        ws()
        if (text[i++] !== ':') fail('Expected ":"')
        out[key] = value()
        ws()
        if (text[i] === ',') { i++; continue }
        if (text[i] === '}') return i++, out
        fail('Expected "," or "}"')
      }
    }
    if (c === '[') {
      i++
      const out: unknown[] = []
      ws()
      if (text[i] === ']') return i++, out
      for (;;) {
        out.push(value())
        ws()
        if (text[i] === ',') { i++; continue }
        if (text[i] === ']') return i++, out
        fail('Expected "," or "]"')
      }
    }
    if (c === '"') return str()
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400))
    if (m) {
      i += m[0].length
      const n = Number(m[0])
      return !m[2] && !m[3] && !Number.isSafeInteger(n) ? BigInt(m[0]) : n
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) return (i += word.length), v
    }
    return fail('Unexpected token')
  }
  const str = (): string => {
    const start = i
    i++
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
    if (i >= text.length) fail('Unterminated string')
    i++
    return JSON.parse(text.slice(start, i)) as string
  }
  const out = value()
  ws()
  if (i !== text.length) fail('Unexpected data after JSON')
  return out
}
