// The interactive zktop's state and keys, with no terminal: polls every server every `delay`,
// keeps the histories, and turns key names into changes of the view. The blessed screen
// (screen.ts) only draws `view` and forwards keys.
//
// States of the polling loop, and where each may go:
//   idle      → polling (timer due, space, start)            → stopped (quit)
//   polling   → idle (every server answered or gave up)      → stopped
//   paused    → idle (p); a poll in flight still lands, and space or a reset polls once
//               without leaving the paused state             → stopped
//   stopped   (final)
// A poll asked for while one is in flight runs right after it (never two at once).
import {EventEmitter} from 'node:events'
import {lookupService} from 'node:dns/promises'
import {ServerHistory} from './history.js'
import {SORT_KEYS, type ViewState} from './layout.js'
import {pollServer, resetServerStats, type PollOptions} from './poll-server.js'
import type {ServerSnapshot, ServerTarget} from './types.js'

type LoopState = 'idle' | 'polling' | 'paused' | 'stopped'
const TRANSITIONS: Record<LoopState, LoopState[]> = {
  idle: ['polling', 'paused', 'stopped'],
  polling: ['idle', 'paused', 'stopped'],
  paused: ['idle', 'stopped'],
  stopped: [],
}

export interface MonitorOptions {
  delayMs: number
  wide?: boolean
  names?: boolean
  unicode?: boolean
  poll?: PollOptions
  /** Seams for tests. */
  pollServer?: (t: ServerTarget) => Promise<ServerSnapshot>
  resetServer?: (t: ServerTarget) => Promise<string | null>
  resolveName?: (ip: string) => Promise<string>
  flashMs?: number
}

export class Monitor extends EventEmitter {
  readonly view: ViewState
  private state: LoopState = 'idle'
  private timer?: NodeJS.Timeout
  private flashTimer?: NodeJS.Timeout
  private again = false
  private pollInFlight?: Promise<void>
  private resolving = new Set<string>()

  constructor(readonly targets: ServerTarget[], private readonly opts: MonitorOptions) {
    super()
    this.view = {
      targets,
      snapshots: targets.map(() => undefined),
      histories: targets.map(() => new ServerHistory()),
      selected: 0,
      sort: 'queued',
      paused: false,
      help: false,
      wide: opts.wide ?? false,
      names: opts.names ? new Map() : undefined,
      unicode: opts.unicode ?? true,
      delaySec: opts.delayMs / 1000,
    }
  }

  get loopState(): LoopState {
    return this.state
  }

  private go(next: LoopState): void {
    if (this.state === next) return
    if (!TRANSITIONS[this.state].includes(next)) throw new Error(`zktop monitor: ${this.state} -> ${next} is not allowed`)
    this.state = next
  }

  start(): void {
    void this.poll()
  }

  stop(): void {
    this.go('stopped')
    clearTimeout(this.timer)
    clearTimeout(this.flashTimer)
  }

  /** Resolves when the poll in flight (if any) has landed: for tests. */
  async settled(): Promise<void> {
    while (this.pollInFlight) await this.pollInFlight
  }

  private schedule(): void {
    clearTimeout(this.timer)
    if (this.state !== 'idle') return
    this.timer = setTimeout(() => void this.poll(), this.opts.delayMs)
  }

  /**
   * Polls every server at once; each poll ends in a snapshot (up, down or blind), never a throw.
   * `force` polls while paused (space, and after a reset) without leaving the paused state.
   */
  poll(force = false): Promise<void> {
    if (this.state === 'stopped' || (this.state === 'paused' && !force)) return Promise.resolve()
    if (this.pollInFlight) {
      this.again = true
      return this.pollInFlight
    }
    if (this.state === 'idle') this.go('polling')
    clearTimeout(this.timer)
    const poll = this.opts.pollServer ?? ((t: ServerTarget) => pollServer(t, {...this.opts.poll, details: true}))
    this.pollInFlight = Promise.all(this.targets.map(async (t) => {
      let s: ServerSnapshot
      try {
        s = await poll(t)
      } catch (error) {
        s = {target: t, at: Date.now(), status: 'down', reason: (error as Error).message, notes: []}
      }
      if (this.state === 'stopped') return
      this.view.snapshots[t.id] = s
      this.view.histories[t.id]!.add(s)
      this.resolveNames(s)
      this.emit('change')
    })).then(() => {
      this.pollInFlight = undefined
      if (this.state === 'polling') this.go('idle')
      if (this.again && this.state === 'idle') {
        this.again = false
        return this.poll()
      }
      this.again = false
      this.schedule()
    })
    return this.pollInFlight
  }

  private resolveNames(s: ServerSnapshot): void {
    const names = this.view.names
    if (!names || !s.clients) return
    // getnameinfo, as zktop.py's socket.getnameinfo: /etc/hosts first, then DNS.
    const resolve = this.opts.resolveName ?? (async (ip: string) => (await lookupService(ip, 0)).hostname)
    for (const c of s.clients) {
      if (names.has(c.host) || this.resolving.has(c.host)) continue
      this.resolving.add(c.host)
      resolve(c.host).then((name) => names.set(c.host, name), () => names.set(c.host, c.host)).finally(() => {
        this.resolving.delete(c.host)
        this.emit('change')
      })
    }
  }

  flash(text: string): void {
    this.view.flash = text
    clearTimeout(this.flashTimer)
    this.flashTimer = setTimeout(() => {
      this.view.flash = undefined
      this.emit('change')
    }, this.opts.flashMs ?? 5000)
    this.emit('change')
  }

  /** Handles one key (blessed's names: 'q', 'C-c', 'up', 'space', ...). Returns 'quit' to leave. */
  key(name: string): 'quit' | undefined {
    if (name === 'q' || name === 'C-c') return 'quit'
    const v = this.view
    if (v.prompt) {
      v.prompt = undefined
      if (name === 'y' || name === 'S-y') void this.resetAll()
      else this.flash('Reset cancelled')
      this.emit('change')
      return
    }
    if (v.help) {
      v.help = false
      this.emit('change')
      return
    }
    switch (name) {
      case 'h': case '?':
        v.help = true
        break
      case 'up': case 'k':
        v.selected = Math.max(0, v.selected - 1)
        break
      case 'down': case 'j':
        v.selected = Math.min(this.targets.length - 1, v.selected + 1)
        break
      case 's':
        v.sort = SORT_KEYS[(SORT_KEYS.indexOf(v.sort) + 1) % SORT_KEYS.length]!
        this.flash(`Clients sorted by ${v.sort}`)
        break
      case 'p':
        if (v.paused) {
          v.paused = false
          this.go('idle')
          this.flash('Resumed')
          void this.poll()
        } else {
          v.paused = true
          clearTimeout(this.timer)
          this.go('paused')
          this.flash('Paused: p resumes')
        }
        break
      case 'space':
        void this.poll(true)
        break
      case 'r':
        v.prompt = `Reset the statistics of ${this.targets.length === 1 ? 'the server' : `all ${this.targets.length} servers`} (srst)? y/n`
        break
      default:
        return
    }
    this.emit('change')
  }

  private async resetAll(): Promise<void> {
    const reset = this.opts.resetServer ?? ((t: ServerTarget) => resetServerStats(t, this.opts.poll))
    const errors = (await Promise.all(this.targets.map((t) => reset(t).catch((e: Error) => e.message)))).filter(Boolean)
    if (this.state === 'stopped') return
    const done = this.targets.length - errors.length
    if (errors.length === 0) this.flash('Server stats reset')
    else this.flash(`Server stats reset on ${done} of ${this.targets.length} servers; ${errors.join('; ')}`)
    void this.poll(true)
  }
}
