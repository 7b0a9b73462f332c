// Base class of the Kafka tool commands (topics, console-producer, console-consumer,
// consumer-groups). It owns what every Kafka tool does the same way (reference §1):
//   * jopt-style parsing of the declared flags (src/cli/kafka-options.ts);
//   * usage errors: the message, then the option table, on stderr, exit 1;
//   * no arguments at all: the tool's description and the table, exit 1;
//   * `--version`: the version on stdout, exit 0 (ktool prints its own version, not Kafka's);
//   * `--help` is oclif's and exits 0 (deliberate difference: Kafka exits 1).
// Commands write with out()/err() so that in-process tests capture the bytes exactly.
import {isatty} from 'node:tty'
import {Command, Flags} from '@oclif/core'
import {KafkaUsageError, kflag, parseKafkaArgs, usageTable, type ParsedOptions} from './kafka-options.js'

/** An error a Kafka tool reports in its own words; `stdout` selects the stream Kafka uses. */
export class ToolError extends Error {
  constructor(message: string, readonly exitCode = 1, readonly stdout = false) {
    super(message)
    this.name = 'ToolError'
  }
}

/** The connection flags of the client tools. */
export const bootstrapFlag = (description = 'REQUIRED: the Kafka server(s) to connect to, as host:port[,host:port...].') =>
  kflag.value({description, descriptor: 'server to connect to'})

export const commandConfigFlag = () =>
  kflag.value({
    description: 'A properties file with settings for the admin client (security, timeouts, client.id).',
    descriptor: 'command config property file',
  })

export const versionFlag = () => kflag.flag({description: 'Print the version of the tool and exit.'})
export const helpFlag = () => Flags.help({description: 'Print usage information (exits 0; Kafka exits 1).'})

export abstract class KafkaCommand extends Command {
  /** The one-line description Kafka prints above the option table when run without arguments. */
  static usageLine = ''

  protected out(text: string): void {
    process.stdout.write(text)
  }

  protected err(text: string): void {
    process.stderr.write(text)
  }

  protected get flagDefs(): Record<string, object> {
    return (this.constructor as typeof Command).flags as Record<string, object>
  }

  /** Kafka's printUsageAndExit: message, option table, exit 1. */
  protected usageExit(message: string): never {
    this.err(`${message}\n`)
    this.err(usageTable(this.flagDefs))
    return this.exit(1)
  }

  /**
   * Parses argv Kafka's way. Returns undefined when the command has nothing more to do (version
   * printed). Usage errors end the process here.
   */
  protected parseKafka(opts: {emptyIsUsage?: boolean} = {}): ParsedOptions | undefined {
    const argv = this.argv
    if (argv.length === 0 && opts.emptyIsUsage !== false) {
      return this.usageExit((this.constructor as typeof KafkaCommand).usageLine)
    }
    let parsed: ParsedOptions
    try {
      parsed = parseKafkaArgs(argv, this.flagDefs)
    } catch (error) {
      if (error instanceof KafkaUsageError) return this.usageExit(error.message)
      throw error
    }
    if (parsed.has('version')) {
      this.out(`${this.config.version}\n`)
      return undefined
    }
    return parsed
  }

  /** True when a human is at the terminal: prompts and colours are allowed. */
  protected get interactive(): boolean {
    // isatty, not process.stdin.isTTY: touching process.stdin switches fd 0 to non-blocking mode.
    return isatty(0) && isatty(1)
  }

  /**
   * A required option is missing: at a terminal ask for it; otherwise (scripts) fail with
   * Kafka's usage message.
   */
  protected async askOrUsage(parsed: ParsedOptions, name: string, message: string, question: string): Promise<string> {
    const have = parsed.str(name)
    if (have !== undefined) return have
    if (!this.interactive) return this.usageExit(message)
    const {input} = await import('@inquirer/prompts')
    const answer = (await input({message: question, required: true})).trim()
    parsed.values.set(name, answer)
    return answer
  }

  /** Reports a ToolError the way the tool does and exits with its code. */
  protected fail(error: unknown): never {
    if (error instanceof KafkaUsageError) return this.usageExit(error.message)
    if (error instanceof ToolError) {
      if (error.stdout) this.out(`${error.message}\n`)
      else this.err(`${error.message}\n`)
      return this.exit(error.exitCode)
    }
    throw error
  }
}
