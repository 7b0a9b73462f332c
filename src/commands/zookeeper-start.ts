import {Args, Command, Flags} from '@oclif/core'

export default class ZookeeperStart extends Command {
  static override summary = 'Start a ZooKeeper-compatible coordination server.'
  static override hiddenAliases = ['zookeeper-server-start', 'zookeeper-server-start.sh']
  static override strict = false
  static override description = `Works like Kafka's zookeeper-server-start.sh: reads zookeeper.properties (ZooKeeper's keys: dataDir, dataLogDir, clientPort, clientPortAddress, tickTime, maxClientCnxns, minSessionTimeout, maxSessionTimeout, snapCount, preAllocSize, autopurge.snapRetainCount, autopurge.purgeInterval, 4lw.commands.whitelist, jute.maxbuffer, admin.enableServer, admin.serverPort, admin.serverAddress, extendedTypesEnabled, znode.container.checkIntervalMs), applies --override key=value on top, and serves ZooKeeper's wire protocol until SIGTERM or SIGINT, which stop it cleanly (a snapshot is written on the way out; sessions survive a restart, as with ZooKeeper). A second SIGINT exits at once. Log lines are ZooKeeper's, on stdout; scripts can wait for "binding to port".

ZooKeeper's positional form also works: <port> <dataDir> [tickTime] [maxClientCnxns].

Data lives in <dataDir>/version-2 in ZooKeeper's formats (log.<zxid> transaction logs, fsynced before each reply with group commit; snapshot.<zxid>). Four-letter words (ruok, stat, srvr, mntr, cons, hash, ...) answer on the client port as ZooKeeper 3.8 does.

Exit codes as ZooKeeper's: 2 invalid config or arguments, 3 data directory not usable, 4 AdminServer failed to start, 1 other errors, 0 after a clean stop.

Differences from ZooKeeper: standalone only (server.N lines are refused with a clear error); without a properties file the server starts with Kafka's shipped zookeeper.properties (dataDir=/tmp/zookeeper, clientPort=2181, maxClientCnxns=0, admin server off) instead of printing usage; 4lw.commands.whitelist defaults to the read-only words (ruok, stat, srvr, mntr, cons, conf, envi, wchs, wchc, wchp, dump, isro, dirs, gtmk, hash) rather than srvr alone; no TLS, SASL or Kerberos; -daemon is not supported.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> config/zookeeper.properties',
    '<%= config.bin %> <%= command.id %> config/zookeeper.properties --override clientPort=2182',
    '<%= config.bin %> <%= command.id %> 2181 /tmp/zookeeper',
  ]

  static override args = {
    config: Args.string({description: 'zookeeper.properties (or zoo.cfg). Optional: Kafka\'s shipped defaults apply without one.', required: false}),
  }

  static override flags = {
    override: Flags.string({description: 'A zookeeper.properties key=value that replaces the file\'s value (repeatable; split at the first "=").', multiple: true, multipleNonGreedy: true, helpValue: 'key=value'}),
    daemon: Flags.boolean({description: 'Not supported: run the server under a supervisor (systemd, nohup ... &) instead.', hidden: true}),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(ZookeeperStart)
    if (flags.daemon) {
      process.stderr.write('-daemon is not supported by ktool: run it under a supervisor or with nohup ... &\n')
      this.exit(1)
    }
    const {runZooKeeperStart} = await import('../zookeeper/run.js')
    const status = await runZooKeeperStart({args: argv as string[], overrides: flags.override ?? []})
    this.exit(status)
  }
}
