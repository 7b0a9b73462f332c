import {KafkaCommand, helpFlag, versionFlag} from '../cli/kafka-command.js'
import {kflag} from '../cli/kafka-options.js'

export default class DumpLog extends KafkaCommand {
  static override summary = 'Print the contents of Kafka log segments and indexes.'
  static override usageLine = 'This tool helps to parse a log file and dump its contents to the console, useful for debugging a seemingly corrupt log segment.'
  static override hiddenAliases = ['kafka-dump-log', 'kafka-dump-log.sh']
  static override description = `Works like Kafka's kafka-dump-log.sh (DumpLogSegments, 3.9): reads segment files directly, without a broker, and prints Kafka's lines. For a .log file: "Log starting offset", then one line per batch (baseOffset, lastOffset, count, sequences, producer, partitionLeaderEpoch, isTransactional, isControl, deleteHorizonMs, position, timestamp, size, magic, compresscodec, crc, isvalid) and, with --deep-iteration or --print-data-log, one "| offset: ..." line per record. For .index and .timeindex files, one line per entry, each checked against the .log beside it; mismatches and non-consecutive offsets are listed on stderr at the end.

Works on ktool's own log dirs and on Kafka's.

Differences from Kafka: .snapshot, .txnindex and other files are reported as unknown; --key-decoder-class and --value-decoder-class are accepted, and keys and values always print as UTF-8 text (StringDecoder, the default); a corrupt or missing file ends with a one-line "Error: ..." on stderr and exit status 1 instead of a Java stack trace.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --files /tmp/kafka-logs/orders-0/00000000000000000000.log',
    '<%= config.bin %> <%= command.id %> --print-data-log --files /tmp/kafka-logs/orders-0/00000000000000000000.log',
    '<%= config.bin %> <%= command.id %> --verify-index-only --files /tmp/kafka-logs/orders-0/00000000000000000000.index,/tmp/kafka-logs/orders-0/00000000000000000000.timeindex',
  ]

  static override flags = {
    'deep-iteration': kflag.flag({description: 'Print every record of every batch, not only the batch lines (implied by --print-data-log).'}),
    'files': kflag.value({description: 'REQUIRED: the comma-separated list of data and index log files to be dumped.', descriptor: 'file1, file2, ...'}),
    'help': helpFlag(),
    'index-sanity-check': kflag.flag({description: 'For index files: only run the check a broker makes when it opens an index (whether it would be rebuilt), and say whether it passed.'}),
    'key-decoder-class': kflag.value({description: 'Accepted for compatibility; keys print as UTF-8 text.', descriptor: 'class', defaultText: 'kafka.serializer.StringDecoder'}),
    'max-bytes': kflag.value({description: 'Read at most this many bytes of each .log file.', descriptor: 'size', kind: 'int', defaultText: '2147483647'}),
    'max-message-size': kflag.value({description: 'The largest batch to read when checking an index entry against the log.', descriptor: 'size', kind: 'int', defaultText: '5242880'}),
    'print-data-log': kflag.flag({description: 'Print each record\'s key and payload (implies --deep-iteration).'}),
    'skip-record-metadata': kflag.flag({description: 'With --print-data-log, print only keys and payloads, without the record metadata.'}),
    'value-decoder-class': kflag.value({description: 'Accepted for compatibility; payloads print as UTF-8 text.', descriptor: 'class', defaultText: 'kafka.serializer.StringDecoder'}),
    'verify-index-only': kflag.flag({description: 'For index files: check the entries against the log without printing them.'}),
    'version': versionFlag(),
  }

  async run(): Promise<void> {
    const parsed = this.parseKafka()
    if (!parsed) return
    const files = parsed.str('files')
    if (files === undefined) return this.usageExit('Missing required argument "[files]"')
    const {dumpLog} = await import('../tools/dump-log.js')
    // Lines are batched into large writes: a 1 GiB segment prints millions of them.
    let pending: string[] = []
    let pendingBytes = 0
    const flush = (): void => {
      if (pending.length === 0) return
      process.stdout.write(pending.join(''))
      pending = []
      pendingBytes = 0
    }
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0)
    })
    const status = await dumpLog(
      {
        files: files.split(',').map((f) => f.trim()).filter(Boolean),
        printDataLog: parsed.has('print-data-log'),
        deepIteration: parsed.has('deep-iteration'),
        indexSanityCheck: parsed.has('index-sanity-check'),
        verifyIndexOnly: parsed.has('verify-index-only'),
        skipRecordMetadata: parsed.has('skip-record-metadata'),
        maxMessageSize: parsed.int('max-message-size'),
        maxBytes: parsed.int('max-bytes'),
        keyDecoderClass: parsed.str('key-decoder-class'),
        valueDecoderClass: parsed.str('value-decoder-class'),
      },
      {
        out: (line) => {
          pending.push(line + '\n')
          pendingBytes += line.length + 1
          if (pendingBytes > 1 << 16) flush()
        },
        err: (line) => {
          flush()
          this.err(line + '\n')
        },
      },
    )
    flush()
    if (status !== 0) this.exit(status)
  }
}
