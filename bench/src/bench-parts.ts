/**
 * Which parts of `pnpm bench` a command line asks for: every part without a part's flag;
 * with some, those parts only (`--codecs` includes the schema evolution case).
 */
export interface BenchParts {
  readonly codecs: boolean;
  readonly evolution: boolean;
  readonly transports: boolean;
  readonly memory: boolean;
}

/** The flags that pick a part. */
const PART_FLAGS = ['--codecs', '--evolution', '--transport', '--memory'] as const;

/** The parts `args` (the command line after the script) asks for. */
export function benchParts(args: readonly string[]): BenchParts {
  if (!PART_FLAGS.some((flag) => args.includes(flag))) return { codecs: true, evolution: true, transports: true, memory: true };
  const codecs = args.includes('--codecs');
  return { codecs, evolution: codecs || args.includes('--evolution'), transports: args.includes('--transport'), memory: args.includes('--memory') };
}
