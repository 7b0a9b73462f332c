import {Command, Flags} from '@oclif/core'

// zktop.py's flags (phunt/zktop, Debian's zktop 1.0.0) plus --delay, --once, --json and --admin-url.
// The tool and blessed are imported inside run(), so `ktool --help` stays fast.
const LEVELS: Record<string, 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'> = {
  DEBUG: 'DEBUG', INFO: 'INFO', WARN: 'WARN', WARNING: 'WARN', ERROR: 'ERROR', CRITICAL: 'ERROR', FATAL: 'ERROR',
}

export default class Zktop extends Command {
  static override summary = 'A top-like monitor of ZooKeeper servers.'
  static override description = [
    'Polls every server with the four-letter word stat every --delay seconds and shows the ensemble (node count, zxid, sessions), one row per server and the client connections, as zktop.py does, plus per-server sparklines of requests per second and average latency, the leader marked with *, and a detail view of the selected server with its mntr figures.',
    `Where stat is not whitelisted (ZooKeeper 3.5+ allows only srvr by default) it reads srvr plus cons, then the AdminServer's HTTP /commands when --admin-url is given, and says on screen what is missing and which 4lw.commands.whitelist setting enables it. A server that does not answer shows as down (mode U) with the reason and comes back by itself.`,
    'Keys: q quit, h help, up/down or j/k select a server, s sort the clients (queued, received, sent, latency), p pause, space refresh now, r reset server statistics (srst, asks first).',
    `--once prints one snapshot (zktop.py's screen as plain text, or JSON with --json; notes go to stderr) and exits 0 when the figures of every server could be read, 1 when a server is down or tells nothing. Colours are used only on a terminal and never when NO_COLOR is set.`,
    `Differences from zktop.py: every --servers entry gets port 2181 when it has none; --config without server.N lines watches localhost:clientPort; r asks before it resets, and works (zktop.py's failed silently); the live screen also asks cons and mntr on each poll, so a server's Received grows by three per poll instead of one.`,
  ].join('\n\n')

  static override hiddenAliases = ['zktop.py']

  static override examples = [
    '<%= config.bin %> zktop --servers zk1:2181,zk2:2181,zk3:2181',
    '<%= config.bin %> zktop --config config/zookeeper.properties --delay 1',
    '<%= config.bin %> zktop --servers localhost:2181 --once',
    '<%= config.bin %> zktop --servers localhost:2181 --admin-url http://localhost:8080 --once --json',
  ]

  static override flags = {
    help: Flags.help({char: 'h'}),
    servers: Flags.string({description: 'comma separated list of host:port (port 2181 when left out)', default: 'localhost:2181'}),
    config: Flags.string({char: 'c', description: 'ZooKeeper config file (zoo.cfg, zookeeper.properties) to take the servers from: the hosts of its server.N lines on clientPort, or localhost:clientPort without server.N lines'}),
    delay: Flags.string({description: 'seconds between two polls', default: '3'}),
    names: Flags.boolean({char: 'n', description: 'show client host names (reverse DNS) instead of addresses', default: false}),
    verbosity: Flags.string({char: 'v', description: 'log level for --logfile: DEBUG, INFO, WARN(ING), ERROR, CRITICAL/FATAL', default: 'DEBUG'}),
    logfile: Flags.string({char: 'l', description: 'log polls and failures to this file (no logging without it)'}),
    timeout: Flags.string({char: 't', description: 'socket timeout in seconds for each four-letter word (default 5)'}),
    wide: Flags.boolean({char: 'w', description: 'SERVER and CLIENT columns 30 characters wide instead of 15', default: false}),
    fix_330: Flags.boolean({description: 'do not half-close the socket after the four-letter word (ZooKeeper 3.3.0 bug)', default: false}),
    once: Flags.boolean({description: 'print one snapshot as plain text and exit: 0 when every server\'s figures were read, 1 otherwise', default: false}),
    json: Flags.boolean({description: 'with --once (implied): print the snapshot as JSON, with mntr figures and per-client session details', default: false}),
    'admin-url': Flags.string({description: 'AdminServer base URL (http://host:8080), or one per server comma separated, read when the four-letter words are not whitelisted'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Zktop)
    const delay = Number(flags.delay)
    if (!Number.isFinite(delay) || delay < 0.1) this.error(`--delay must be a number of seconds (at least 0.1), got "${flags.delay}"`, {exit: 2})
    let timeoutMs = 5000
    if (flags.timeout !== undefined) {
      const t = Number(flags.timeout)
      if (!Number.isFinite(t) || t <= 0) this.error(`--timeout must be a positive number of seconds, got "${flags.timeout}"`, {exit: 2})
      timeoutMs = t * 1000
    }
    const level = LEVELS[flags.verbosity.toUpperCase()]
    if (!level) this.error(`--verbosity must be one of DEBUG, INFO, WARN, WARNING, ERROR, CRITICAL, FATAL; got "${flags.verbosity}"`, {exit: 2})

    const tool = await import('../tools/zktop/index.js')
    let targets
    try {
      targets = flags.config ? tool.targetsFromConfig(flags.config, flags['admin-url']) : tool.targetsFromServers(flags.servers, flags['admin-url'])
    } catch (error) {
      this.error((error as Error).message, {exit: 2})
    }
    const poll = {timeoutMs, halfClose: !flags.fix_330}

    if (flags.once || flags.json) {
      const r = await tool.runOnce(targets, {poll, json: flags.json, wide: flags.wide, names: flags.names})
      process.stdout.write(r.text)
      if (!flags.json) for (const n of r.notes) process.stderr.write(`note: ${n}\n`)
      if (!r.ok) this.exit(1)
      return
    }

    if (!process.stdout.isTTY) {
      this.error('standard output is not a terminal: use --once (or --once --json) for a snapshot', {exit: 1})
    }
    const {Monitor} = await import('../tools/zktop/monitor.js')
    const {runScreen} = await import('../tools/zktop/screen.js')
    const {Logger} = await import('../common/logger.js')
    const {appendFileSync} = await import('node:fs')
    const logfile = flags.logfile
    const logger = logfile ? new Logger('zktop', (line) => appendFileSync(logfile, line + '\n'), level) : undefined
    const pollOne = async (t: Parameters<typeof tool.pollServer>[0]) => {
      const s = await tool.pollServer(t, {...poll, details: true})
      if (logger) {
        if (s.status === 'up') logger.debug(`${t.host}:${t.port} ${s.stats?.mode} via ${s.source}: received ${s.stats?.received}, ${s.clients?.length ?? '?'} clients`)
        else logger.warn(`${t.host}:${t.port} ${s.status}: ${s.reason}`)
        for (const n of s.notes) logger.info(`${t.host}:${t.port}: ${n}`)
      }
      return s
    }
    const monitor = new Monitor(targets, {
      delayMs: delay * 1000,
      wide: flags.wide,
      names: flags.names,
      unicode: tool.useUnicode(),
      poll,
      pollServer: pollOne,
    })
    let code: number
    try {
      code = await runScreen(monitor, {color: tool.useColor(process.stdout)})
    } catch (error) {
      process.stderr.write(`ktool zktop: ${(error as Error).stack ?? error}\n`)
      code = 1
    }
    // Polls still in flight (a server timing out) must not hold the terminal.
    process.exit(code)
  }
}
