// The interactive screen, drawn with blessed: one full-screen box whose content is the layout of
// layout.ts, redrawn on every change and on resize. The terminal is given back on quit, on an
// error and on SIGTERM/SIGHUP. Colours only when asked for (a TTY without NO_COLOR; see color.ts);
// reverse video, bold and underline are attributes, kept without colour as zktop.py keeps them.
import blessed from 'blessed'
import type {Readable, Writable} from 'node:stream'
import {renderScreen, type Line, type Style} from './layout.js'
import type {Monitor} from './monitor.js'

export interface ScreenOptions {
  input?: Readable
  output?: Writable
  color: boolean
  /** blessed's terminal name; tests use xterm. */
  terminal?: string
  /** Signals that end the screen (default SIGTERM and SIGHUP: 128 + n; SIGINT: 0, as zktop.py's Ctrl-C). */
  signals?: NodeJS.Signals[]
  /** Hands the blessed screen to tests (they read screen.lines). */
  onScreen?: (screen: blessed.Widgets.Screen) => void
}

const COLOR_TAGS: Record<Style, [string, string]> = {
  header: ['{inverse}', '{/inverse}'],
  selected: ['{black-fg}{cyan-bg}', '{/cyan-bg}{/black-fg}'],
  leader: ['{bold}{green-fg}', '{/green-fg}{/bold}'],
  down: ['{red-fg}', '{/red-fg}'],
  warn: ['{yellow-fg}', '{/yellow-fg}'],
  flash: ['{bold}', '{/bold}'],
  dim: ['{cyan-fg}', '{/cyan-fg}'],
  help: ['', ''],
}
const MONO_TAGS: Record<Style, [string, string]> = {
  header: ['{inverse}', '{/inverse}'],
  selected: ['{underline}', '{/underline}'],
  leader: ['{bold}', '{/bold}'],
  down: ['', ''],
  warn: ['', ''],
  flash: ['{bold}', '{/bold}'],
  dim: ['', ''],
  help: ['', ''],
}

export function toTags(lines: Line[], color: boolean): string {
  const tags = color ? COLOR_TAGS : MONO_TAGS
  return lines.map((l) => l.map((seg) => {
    const text = blessed.escape(seg.text)
    if (!seg.style) return text
    const [open, close] = tags[seg.style]
    return open + text + close
  }).join('')).join('\n')
}

const SIGNAL_CODES: Partial<Record<NodeJS.Signals, number>> = {SIGHUP: 1, SIGINT: 2, SIGTERM: 15}

/** Runs the screen until q (resolves 0), Ctrl-C (0, like zktop.py) or SIGTERM/SIGHUP (128 + n). */
export function runScreen(monitor: Monitor, opts: ScreenOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const screen = blessed.screen({
      // @types/blessed has input and output the wrong way round
      input: opts.input as never,
      output: opts.output as never,
      terminal: opts.terminal,
      smartCSR: true,
      fullUnicode: true,
      autoPadding: false,
      warnings: false,
      title: 'ktool zktop',
    })
    opts.onScreen?.(screen)
    const box = blessed.box({parent: screen, top: 0, left: 0, width: '100%', height: '100%', tags: true, wrap: false})
    let finished = false

    const draw = (): void => {
      if (finished) return
      try {
        const width = Number(screen.width) || 80
        const height = Number(screen.height) || 24
        box.setContent(toTags(renderScreen(monitor.view, width, height), opts.color))
        screen.render()
      } catch (error) {
        finish(1, error as Error)
      }
    }

    const signals = opts.signals ?? ['SIGTERM', 'SIGHUP', 'SIGINT']
    const onSignal = (sig: NodeJS.Signals): void => finish(sig === 'SIGINT' ? 0 : 128 + (SIGNAL_CODES[sig] ?? 0))
    // Whatever goes wrong elsewhere, the terminal is given back before the error is reported.
    const onError = (error: unknown): void => finish(1, error instanceof Error ? error : new Error(String(error)))
    function finish(code: number, error?: Error): void {
      if (finished) return
      finished = true
      monitor.stop()
      monitor.off('change', draw)
      for (const s of signals) process.off(s, onSignal)
      process.off('uncaughtException', onError)
      process.off('unhandledRejection', onError)
      try {
        screen.destroy() // leaves the alternate screen, shows the cursor, restores the tty mode
      } catch { /* the terminal is gone; nothing left to restore */ }
      if (error) reject(error)
      else resolve(code)
    }

    for (const s of signals) process.on(s, onSignal)
    process.on('uncaughtException', onError)
    process.on('unhandledRejection', onError)
    monitor.on('change', draw)
    screen.on('resize', draw)
    screen.on('keypress', (ch: string | undefined, key: {full?: string; name?: string} | undefined) => {
      const name = key?.full ?? key?.name ?? ch ?? ''
      if (name === '' ) return
      if (monitor.key(name === ' ' ? 'space' : name) === 'quit') finish(0)
    })
    draw()
    monitor.start()
  })
}
