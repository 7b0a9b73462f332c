import {Args, Command, Flags} from '@oclif/core'

export default class ConnectStandalone extends Command {
  static override summary = 'Run a Kafka Connect standalone worker.'
  static override description = `Starts a Kafka Connect worker in standalone mode: the worker properties file first, then one file per connector (a Java properties file, a JSON object of configs, or a JSON create request with "name", "config" and "initial_state"). The FileStreamSource and FileStreamSink connectors are built in; connectors written in JavaScript are loaded from plugin.path. The REST API listens on listeners (default http://:8083).

Source offsets are kept in offset.storage.file.filename as JSON (not the Java-serialised map Kafka writes). Exit codes are Kafka's: 1 for bad usage, 2 when the worker cannot start, 3 when a connector from the command line cannot be created. Differences from connect-standalone.sh: --help exits 0; -daemon is accepted and ignored (run it under a process supervisor instead).`

  static override hiddenAliases = ['connect-standalone.sh']
  static override strict = false
  static override args = {
    'worker.properties': Args.string({description: 'The worker configuration (bootstrap.servers, converters, offset.storage.file.filename, listeners, plugin.path, ...).'}),
    'connector.properties': Args.string({description: 'Connector configurations, one file each (.properties or .json); more may follow.'}),
  }

  static override flags = {
    daemon: Flags.boolean({description: 'Accepted for compatibility with connect-standalone.sh and ignored: the worker runs in the foreground.'}),
  }

  static override examples = [
    '<%= config.bin %> <%= command.id %> config/connect-standalone.properties config/connect-file-source.properties config/connect-file-sink.properties',
  ]

  async run(): Promise<void> {
    const {argv} = await this.parse(ConnectStandalone)
    const files = (argv as string[]).filter((a) => a !== '-daemon' && a !== '--daemon')
    const {runConnectStandalone} = await import('../tools/connect-standalone.js')
    process.exitCode = await runConnectStandalone(files)
  }
}
