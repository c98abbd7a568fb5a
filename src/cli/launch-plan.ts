/** The glibc tunable that backs malloc's large blocks with transparent huge pages (see bin.ts). */
export const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb=1';

export interface LaunchPlan {
  /** Run the CLI in a child process with `env`, rather than in this one. */
  reexec: boolean;
  env: NodeJS.ProcessEnv;
}

/** Arguments after which the CLI loads no model, so a second process would only cost its start-up (~0.13 s). */
function loadsNoModel(args: readonly string[]): boolean {
  return args.some((a) => a === '--help' || a === '-h' || a === '--version') || args[0] === 'cache';
}

/**
 * Whether the `da2en` command should start the CLI in a child process with the huge-pages tunable:
 * only on Linux (glibc tunables), only when the tunable is not already chosen (so never twice), not
 * for commands that load no model, and not with DA2EN_NO_REEXEC set. Other tunables are kept.
 */
export function launchPlan(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, args: readonly string[] = []): LaunchPlan {
  const tunables = env['GLIBC_TUNABLES'] ?? '';
  if (platform !== 'linux' || tunables.includes('glibc.malloc.hugetlb') || env['DA2EN_NO_REEXEC'] || loadsNoModel(args)) return { reexec: false, env };
  return { reexec: true, env: { ...env, GLIBC_TUNABLES: tunables ? `${tunables}:${HUGE_PAGES_TUNABLE}` : HUGE_PAGES_TUNABLE } };
}
