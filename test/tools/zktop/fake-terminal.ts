// A terminal for blessed with no TTY (deps.md §5): a PassThrough for keys, a Writable that records
// what is drawn, and screen.lines read back as text.
import {PassThrough, Writable} from 'node:stream'
import type blessed from 'blessed'

export class FakeTerminal {
  input = Object.assign(new PassThrough(), {isTTY: true, isRaw: false, setRawMode(this: {isRaw: boolean}, raw: boolean) { this.isRaw = raw }})
  written = ''
  output = Object.assign(new Writable({
    write: (chunk: Buffer, _enc, cb) => {
      this.written += chunk.toString('utf8')
      cb()
    },
  }), {isTTY: true, columns: 120, rows: 30})
  screen?: blessed.Widgets.Screen

  lines(): string[] {
    const rows = (this.screen as unknown as {lines: [unknown, string][][]}).lines
    return rows.map((row) => row.map((cell) => cell[1]).join('').trimEnd())
  }
  text(): string {
    return this.lines().join('\n')
  }
  key(k: string): void {
    this.input.write(k)
  }
  resize(columns: number, rows: number): void {
    this.output.columns = columns
    this.output.rows = rows
    this.output.emit('resize')
  }
}

export async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

