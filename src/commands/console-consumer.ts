import {KafkaCommand, ToolError, helpFlag, versionFlag} from '../cli/kafka-command.js'
import {kflag} from '../cli/kafka-options.js'

export default class ConsoleConsumer extends KafkaCommand {
  static override summary = 'Consume messages from Kafka and print them to standard output.'
  static override usageLine = 'This tool helps to read data from Kafka topics and outputs it to standard output.'
  static override hiddenAliases = ['kafka-console-consumer', 'kafka-console-consumer.sh']
  static override strict = false
  static override description = `Works like Kafka's kafka-console-consumer.sh (3.7): the same flags, validation messages and exit codes, and DefaultMessageFormatter's output (print.timestamp, print.partition, print.offset, print.headers, print.key, print.value, key.separator, line.separator, headers.separator, null.literal and the key/value/headers deserializers). "Processed a total of N messages" goes to stderr at the end, also after Ctrl-C (exit 130) and when stdout is closed (exit 0).

With --group the tool is a member of that consumer group and commits the offsets of the records it printed. Without --group it reads the partitions directly.

Differences from Kafka: without --group, Kafka joins a throw-away group named console-consumer-<n>; ktool reads the partitions without a group (nothing to see in consumer-groups --list, same records printed). ByteArrayDeserializer prints the raw bytes (Kafka prints the Java array's identity). With --group, record timestamps are shown as CreateTime. --help exits 0 (Kafka: 1); --version prints ktool's version.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --topic orders --from-beginning',
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --topic orders --partition 0 --offset 42 --max-messages 10',
    "<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --include 'orders.*' --group audit --property print.key=true --property print.timestamp=true",
  ]

  static override flags = {
    'bootstrap-server': kflag.value({description: 'REQUIRED: the Kafka server(s) to connect to, host:port[,host:port...].', descriptor: 'server to connect to'}),
    'consumer-property': kflag.value({description: 'A consumer setting as name=value; repeat for several. Wins over --consumer.config.', descriptor: 'consumer_prop', multiple: true}),
    'consumer.config': kflag.value({description: 'A properties file with consumer settings.', descriptor: 'config file'}),
    'enable-systest-events': kflag.flag({description: 'Also print lifecycle events (shutdown_complete) on stdout, for system tests.'}),
    'formatter': kflag.value({description: 'The formatter class: kafka.tools.DefaultMessageFormatter, kafka.tools.LoggingMessageFormatter or kafka.tools.NoOpMessageFormatter.', descriptor: 'class', defaultText: 'kafka.tools.DefaultMessageFormatter'}),
    'formatter-config': kflag.value({description: 'A properties file with formatter settings; --property wins over it.', descriptor: 'config file'}),
    'from-beginning': kflag.flag({description: 'Start at the earliest record when there is no committed offset (instead of only new records).'}),
    'group': kflag.value({description: 'The consumer group to join; its committed offsets decide where reading starts.', descriptor: 'consumer group id'}),
    'help': helpFlag(),
    'include': kflag.value({description: 'A regular expression of topics to read (whole names); commas separate alternatives.', descriptor: 'Java regex (String)'}),
    'isolation-level': kflag.value({description: 'read_committed hides records of aborted and open transactions; read_uncommitted shows all.', descriptor: 'isolation level', defaultText: 'read_uncommitted'}),
    'key-deserializer': kflag.value({description: 'Deserializer class for keys (same as --property key.deserializer=...).', descriptor: 'deserializer for key'}),
    'max-messages': kflag.value({description: 'Stop after this many records.', descriptor: 'num_messages', kind: 'int'}),
    'offset': kflag.value({description: "With --partition: where to start, 'earliest', 'latest' or an offset.", descriptor: 'consume offset', defaultText: 'latest'}),
    'partition': kflag.value({description: 'Read only this partition of --topic (from the end unless --offset or --from-beginning).', descriptor: 'partition', kind: 'int'}),
    'property': kflag.value({description: 'A formatter setting as name=value (print.key, print.timestamp, key.separator, ...); repeat for several.', descriptor: 'prop', multiple: true}),
    'skip-message-on-error': kflag.flag({description: 'Log a record that cannot be formatted and go on, instead of stopping.'}),
    'timeout-ms': kflag.value({description: 'Stop when no record arrives for this many milliseconds.', descriptor: 'timeout_ms', kind: 'int'}),
    'topic': kflag.value({description: 'The topic to read.', descriptor: 'topic'}),
    'value-deserializer': kflag.value({description: 'Deserializer class for values (same as --property value.deserializer=...).', descriptor: 'deserializer for values'}),
    'version': versionFlag(),
    'whitelist': kflag.value({description: 'Older name for --include; ignored when --include is given.', descriptor: 'Java regex (String)'}),
  }

  async run(): Promise<void> {
    const parsed = this.parseKafka()
    if (!parsed) return
    if (this.interactive) {
      if (!parsed.has('topic') && !parsed.has('include') && !parsed.has('whitelist')) await this.askOrUsage(parsed, 'topic', '', 'Topic to read:')
      if (!parsed.has('bootstrap-server')) await this.askOrUsage(parsed, 'bootstrap-server', '', 'Bootstrap server (host:port):')
    }
    const {consumerSettings} = await import('../tools/console-consumer/consumer-options.js')
    let settings
    try {
      settings = consumerSettings(parsed)
    } catch (error) {
      return this.fail(error)
    }
    const {createFormatter} = await import('../tools/console-consumer/formatter.js')
    try {
      createFormatter(settings.formatter, settings.formatterProps)
    } catch (error) {
      return this.fail(new ToolError(`Exception in thread "main" java.lang.ClassNotFoundException: ${(error as Error).message}`))
    }
    const {runConsoleConsumer} = await import('../tools/console-consumer/console-consumer.js')
    const abort = new AbortController()
    let signalled: string | undefined
    const onSignal = (sig: string) => {
      signalled = sig
      abort.abort()
    }
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    let closed = false
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') closed = true
    })
    const result = await runConsoleConsumer(settings, {
      write: (data) => new Promise((resolve) => {
        if (closed) return resolve()
        if (process.stdout.write(data)) resolve()
        else {
          const done = () => {
            process.stdout.off('drain', done)
            process.stdout.off('error', done)
            resolve()
          }
          process.stdout.once('drain', done)
          process.stdout.once('error', done)
        }
      }),
      err: (t) => this.err(t),
      signal: abort.signal,
      stdoutClosed: () => closed,
    })
    if (settings.systestEvents && !closed) this.out('shutdown_complete\n')
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    if (signalled) this.exit(signalled === 'SIGTERM' ? 143 : 130)
    if (result.exitCode !== 0) this.exit(result.exitCode)
  }
}
