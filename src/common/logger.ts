// Log lines in the layout of Kafka's and ZooKeeper's log4j pattern, which scripts grep for:
//   [2026-11-21 22:09:48,123] INFO [KafkaServer id=0] started (kafka.server.KafkaServer)
// Diagnostics go to stderr unless a sink is given (tests collect lines in memory).
export type Level = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'
const ORDER: Record<Level, number> = {TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4}

export type LogSink = (line: string) => void

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

export function formatTimestamp(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`
}

export class Logger {
  constructor(
    readonly name: string,
    private readonly sink: LogSink = (line) => process.stderr.write(line + '\n'),
    private readonly minLevel: Level = (process.env.KTOOL_LOG_LEVEL as Level | undefined) ?? 'INFO',
  ) {}

  child(name: string): Logger {
    return new Logger(name, this.sink, this.minLevel)
  }

  log(level: Level, message: string): void {
    if (ORDER[level] < ORDER[this.minLevel]) return
    this.sink(`[${formatTimestamp(Date.now())}] ${level} ${message} (${this.name})`)
  }

  trace(message: string): void { this.log('TRACE', message) }
  debug(message: string): void { this.log('DEBUG', message) }
  info(message: string): void { this.log('INFO', message) }
  warn(message: string): void { this.log('WARN', message) }
  error(message: string): void { this.log('ERROR', message) }
}

/** A logger that keeps its lines, for tests. */
export function memoryLogger(name = 'test'): {logger: Logger; lines: string[]} {
  const lines: string[] = []
  return {logger: new Logger(name, (l) => lines.push(l), 'TRACE'), lines}
}
