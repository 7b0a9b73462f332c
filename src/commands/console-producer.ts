import {KafkaCommand, ToolError, helpFlag, versionFlag} from '../cli/kafka-command.js'
import {kflag} from '../cli/kafka-options.js'

export default class ConsoleProducer extends KafkaCommand {
  static override summary = 'Read lines from standard input and publish them to Kafka.'
  static override usageLine = 'This tool helps to read data from standard input and publish it to Kafka.'
  static override hiddenAliases = ['kafka-console-producer', 'kafka-console-producer.sh']
  static override strict = false
  static override description = `Works like Kafka's kafka-console-producer.sh (3.7): each line of standard input becomes one record; --property parse.key, parse.headers, key.separator, headers.delimiter, headers.separator, headers.key.separator, null.marker and ignore.error shape the record as Kafka's line reader does. A '>' prompt is printed only when standard input and output are terminals. At the end of input the tool exits once every record has been acknowledged.

Differences from Kafka: input is read in large chunks and sent in large batches (one request covers many lines; --batch-size and --timeout do not slow a fast pipe down). A record that cannot be delivered is reported on stderr as Kafka does ("Error when sending message to topic ..."), and the exit code is then 1 (Kafka exits 0 unless --sync). --line-reader and --socket-buffer-size are accepted and ignored. --help exits 0 (Kafka: 1); --version prints ktool's version. Headers with repeated keys are grouped by key.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --topic orders < orders.txt',
    "<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --topic orders --property parse.key=true --property key.separator=:",
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --topic orders --compression-codec zstd --request-required-acks 1',
  ]

  static override flags = {
    'batch-size': kflag.value({description: 'Bytes per partition batch (batch.size).', descriptor: 'size', kind: 'int', defaultText: '16384'}),
    'bootstrap-server': kflag.value({description: 'REQUIRED unless --broker-list is given: the Kafka server(s) to connect to, host:port[,host:port...].', descriptor: 'server to connect to'}),
    'broker-list': kflag.value({description: 'Older name for --bootstrap-server; ignored when --bootstrap-server is present.', descriptor: 'broker-list'}),
    'compression-codec': kflag.value({description: "Compression of record batches: 'none', 'gzip', 'snappy', 'lz4' or 'zstd'. Given without a value it means gzip.", descriptor: 'compression-codec', optional: true}),
    'help': helpFlag(),
    'line-reader': kflag.value({description: "Class of the line reader. Only Kafka's default reader exists in ktool; the value is accepted and ignored.", descriptor: 'reader_class', defaultText: 'kafka.tools.ConsoleProducer$LineMessageReader'}),
    'max-block-ms': kflag.value({description: 'How long a send may wait for metadata or buffer space (max.block.ms).', descriptor: 'max block on send', kind: 'long', defaultText: '60000'}),
    'max-memory-bytes': kflag.value({description: 'Bytes of records that may wait for acknowledgement (buffer.memory).', descriptor: 'total memory in bytes', kind: 'long', defaultText: '33554432'}),
    'max-partition-memory-bytes': kflag.value({description: 'Same setting as --batch-size (batch.size); wins when both are given.', descriptor: 'memory in bytes per partition', kind: 'int', defaultText: '16384'}),
    'message-send-max-retries': kflag.value({description: 'How often a failed send is retried (retries).', descriptor: 'Integer', kind: 'int', defaultText: '3'}),
    'metadata-expiry-ms': kflag.value({description: 'Age after which cluster metadata is refreshed (metadata.max.age.ms).', descriptor: 'metadata expiration interval', kind: 'long', defaultText: '300000'}),
    'producer-property': kflag.value({description: 'A producer setting as name=value; repeat for several. Wins over --producer.config.', descriptor: 'producer_prop', multiple: true}),
    'producer.config': kflag.value({description: 'A properties file with producer settings.', descriptor: 'config file'}),
    'property': kflag.value({description: 'A line-reader setting as name=value (parse.key, key.separator, parse.headers, headers.delimiter, headers.separator, headers.key.separator, null.marker, ignore.error); repeat for several.', descriptor: 'prop', multiple: true}),
    'reader-config': kflag.value({description: 'A properties file with line-reader settings; --property wins over it.', descriptor: 'config file'}),
    'request-required-acks': kflag.value({description: "Acknowledgements required of the broker: -1 (or all), 0 or 1 (acks).", descriptor: 'request required acks', defaultText: '-1'}),
    'request-timeout-ms': kflag.value({description: 'How long to wait for a broker to answer a request (request.timeout.ms).', descriptor: 'request timeout ms', kind: 'int', defaultText: '1500'}),
    'retry-backoff-ms': kflag.value({description: 'Pause before a failed send is retried (retry.backoff.ms).', descriptor: 'Long', kind: 'long', defaultText: '100'}),
    'socket-buffer-size': kflag.value({description: 'TCP send buffer size (send.buffer.bytes); accepted and ignored.', descriptor: 'size', kind: 'int', defaultText: '102400'}),
    'sync': kflag.flag({description: 'Send each record on its own and wait for its acknowledgement before the next.'}),
    'timeout': kflag.value({description: 'How long a batch may wait for more records (linger.ms).', descriptor: 'timeout_ms', kind: 'long', defaultText: '1000'}),
    'topic': kflag.value({description: 'REQUIRED: the topic to write to.', descriptor: 'topic'}),
    'version': versionFlag(),
    // Kafka 1.0 flags that later versions dropped: accepted and ignored so that old scripts run.
    'old-producer': kflag.flag({description: 'Ignored (Kafka 1.0).', hidden: true}),
    'queue-size': kflag.value({description: 'Ignored (Kafka 1.0).', descriptor: 'queue_size', hidden: true}),
    'queue-enqueuetimeout-ms': kflag.value({description: 'Ignored (Kafka 1.0).', descriptor: 'queue enqueuetimeout ms', hidden: true}),
    'key-serializer': kflag.value({description: 'Ignored (Kafka 1.0).', descriptor: 'encoder_class', hidden: true}),
    'value-serializer': kflag.value({description: 'Ignored (Kafka 1.0).', descriptor: 'encoder_class', hidden: true}),
  }

  async run(): Promise<void> {
    const parsed = this.parseKafka({emptyIsUsage: false})
    if (!parsed) return
    // jopt's "required unless --broker-list" check happens while parsing, before anything else.
    if (!parsed.has('bootstrap-server') && !parsed.has('broker-list')) {
      await this.askOrUsage(parsed, 'bootstrap-server', 'Missing required option(s) [bootstrap-server]', 'Bootstrap server (host:port):')
    }
    const topic = await this.askOrUsage(parsed, 'topic', 'Missing required argument "[topic]"', 'Topic to write to:')
    void topic
    const brokerList = parsed.str('bootstrap-server') ?? parsed.str('broker-list')!
    const {parseBrokerList} = await import('../cli/kafka-client.js')
    try {
      parseBrokerList(brokerList)
    } catch (error) {
      return this.usageExit((error as Error).message)
    }
    const {producerSettings} = await import('../tools/console-producer/producer-config.js')
    let settings
    try {
      settings = producerSettings(parsed, brokerList)
    } catch (error) {
      if (error instanceof ToolError) {
        this.err(`Exception in thread "main" org.apache.kafka.common.config.ConfigException: ${error.message}\n`)
        return this.exit(1)
      }
      throw error
    }
    const {runConsoleProducer} = await import('../tools/console-producer/console-producer.js')
    const {createReadStream} = await import('node:fs')
    const {isatty} = await import('node:tty')
    // Large reads from a pipe or file: 64 KiB chunks cost more in per-chunk work than batching
    // saves. process.stdin is not touched then (it would switch fd 0 to non-blocking mode).
    const stdinTty = isatty(0)
    const input = stdinTty ? process.stdin : createReadStream('', {fd: 0, highWaterMark: 1 << 20})
    const abort = new AbortController()
    let interrupted = false
    const onSignal = () => {
      interrupted = true
      abort.abort()
      input.destroy()
    }
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    const result = await runConsoleProducer(settings, {
      input,
      prompt: stdinTty && isatty(1),
      out: (t) => this.out(t),
      err: (t) => this.err(t),
      signal: abort.signal,
    })
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    if (interrupted) this.exit(130)
    if (result.exitCode !== 0) this.exit(result.exitCode)
  }
}
