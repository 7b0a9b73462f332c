// Kafka's scripts parse options with jopt-simple, which accepts a long option after a single dash
// (`-topic t`, `-bootstrap-server h:p`). oclif only knows `--long` and `-s`, so rewrite the
// single-dash long spellings before oclif sees them. Negative numbers (`--shift-by -5`) and
// one-letter short options pass through untouched.
const SINGLE_DASH_LONG = /^-[A-Za-z][A-Za-z0-9._-]+(=.*)?$/

export function normaliseArgv(argv: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      out.push(...argv.slice(i))
      break
    }
    out.push(SINGLE_DASH_LONG.test(arg) ? `-${arg}` : arg)
  }
  return out
}
