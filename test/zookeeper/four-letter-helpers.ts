// Sending a four-letter word and normalising replies for comparison (unit and interop tests).
import net from 'node:net'

export function fourLetter(port: number, word: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.end(word))
    let out = ''
    s.setEncoding('utf8').on('data', (d) => (out += d))
    s.on('close', () => resolve(out))
    s.on('error', reject)
  })
}

/** Replaces what differs between two servers by nature (numbers, ids, addresses, dates, version). */
export function shape(text: string): string {
  return text
    .replace(/\d+\.\d+\.\d+-[^,\n]*, built on \d{4}-\d\d-\d\d \d\d:\d\d UTC/g, 'VERSION')
    .replace(/\/\d+\.\d+\.\d+\.\d+:\d+/g, 'ADDR')
    .replace(/\w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}/g, 'DATE')
    .replace(/0x[0-9a-f]+/g, 'HEX')
    .replace(/-?\d+(\.\d+)?/g, 'N')
}

/** "Key: value" lines (srvr, stat) or "key<TAB>value" (mntr) or "key=value" (conf, envi). */
export function fields(text: string, sep: RegExp = /: |\t|=/): Map<string, string> {
  const m = new Map<string, string>()
  for (const line of text.split('\n')) {
    const match = sep.exec(line)
    if (!match || match.index === 0) continue
    m.set(line.slice(0, match.index), line.slice(match.index + match[0].length))
  }
  return m
}
