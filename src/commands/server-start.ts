import {Args, Command, Flags} from '@oclif/core'

export default class ServerStart extends Command {
  static override summary = 'Start a Kafka-compatible broker.'
  static override hiddenAliases = ['kafka-server-start', 'kafka-server-start.sh']
  static override strict = false
  static override description = `Works like Kafka's kafka-server-start.sh (ZooKeeper mode): reads server.properties (Kafka's keys and defaults), applies --override key=value on top, and runs the broker until SIGTERM or SIGINT, which stop it cleanly (in-flight requests finish, logs are flushed and checkpointed). A second SIGINT exits at once. Log lines are Kafka's, on stdout; scripts can wait for "[KafkaServer id=<id>] started (kafka.server.KafkaServer)".

Without zookeeper.connect the broker is self-contained: a ZooKeeper-compatible server runs in the same process, on port 2181 when it is free (so zktop and topics --zookeeper see it), with Kafka's ZooKeeper layout. With zookeeper.connect it uses that ZooKeeper, as Kafka does.

Differences from Kafka: with no properties file the broker starts with Kafka's defaults (PLAINTEXT on :9092, log.dirs=/tmp/kafka-logs) instead of printing usage; a clean stop after a signal exits 0 (the JVM exits 130/143); offsets.topic.replication.factor larger than the number of brokers is lowered to it; -daemon is not supported; a broker listening on every interface advertises the address each client connected to (Kafka advertises the host name). Only PLAINTEXT listeners are supported. The port opens as soon as the topics are known: Metadata and ApiVersions are answered while the logs and the group coordinator come up, and other requests wait for them (Kafka opens its port after log recovery). Transactions are not supported yet (transactional batches are refused; idempotent producers work). Dynamic broker configs (kafka-configs --entity-type brokers) are stored in ZooKeeper as Kafka stores them; the log configs take effect at once, thread-pool and connection-limit keys are stored but change nothing, and listeners cannot be changed while running. Produce v0-2 and Fetch v0-3 clients are served by converting to and from magic 0/1 message sets; Fetch v0-2 also get a first batch larger than the limit whole.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> config/server.properties',
    '<%= config.bin %> <%= command.id %> config/server.properties --override broker.id=1 --override listeners=PLAINTEXT://:9093',
  ]

  static override args = {
    properties: Args.string({description: 'The server.properties file (Kafka\'s keys). Optional: Kafka\'s defaults apply without one.', required: false}),
  }

  static override flags = {
    override: Flags.string({description: 'A server.properties key=value that replaces the file\'s value (repeatable; split at the first "=").', multiple: true, multipleNonGreedy: true, helpValue: 'key=value'}),
    version: Flags.boolean({description: 'Print the version and exit.'}),
  }

  async run(): Promise<void> {
    // Kafka checks --version before anything else, wherever it appears.
    if (this.argv.includes('--version')) {
      process.stdout.write(`${this.config.version}\n`)
      return
    }
    const {argv, flags} = await this.parse(ServerStart)
    const positional = argv as string[]
    if (positional.length > 1) {
      process.stderr.write(`Found non argument parameters: ${positional.slice(1).join(',')}\n`)
      process.stderr.write('USAGE: ktool server-start [server.properties] [--override property=value]*\n')
      this.exit(1)
    }
    const {runServerStart} = await import('../broker/run-server.js')
    const status = await runServerStart({propertiesFile: positional[0], overrides: flags.override ?? []})
    this.exit(status)
  }
}
