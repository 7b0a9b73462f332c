// kafkajs ships only gzip; the records engineer's registerKafkajsCodecs() plugs in snappy, lz4 and
// zstd. Loaded by path at run time so a tool still works (without those codecs) if that module
// cannot load; a batch in a missing codec then fails with kafkajs's own "codec not implemented".
let done: Promise<void> | undefined

export function registerCodecs(): Promise<void> {
  done ??= (async () => {
    const path = '../protocol/kafka/records/kafkajs-codecs.js'
    try {
      const mod = (await import(path)) as {registerKafkajsCodecs?: () => void | Promise<void>}
      await mod.registerKafkajsCodecs?.()
    } catch {
      // Not available: gzip and uncompressed still work.
    }
  })()
  return done
}
