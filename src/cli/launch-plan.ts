/** The glibc tunable that backs malloc's large blocks with transparent huge pages (see bin.ts). */
export const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb=1';

export interface LaunchPlan {
  /** Run the CLI in a child process with `env`, rather than in this one. */
  reexec: boolean;
  env: NodeJS.ProcessEnv;
}

/**
 * Whether the `da2en` command should start the CLI in a child process with the huge-pages tunable:
 * only on Linux (glibc tunables), only when the tunable is not already chosen (so never twice), and
 * not with DA2EN_NO_REEXEC set. Other tunables the user set are kept.
 */
export function launchPlan(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): LaunchPlan {
  const tunables = env['GLIBC_TUNABLES'] ?? '';
  if (platform !== 'linux' || tunables.includes('glibc.malloc.hugetlb') || env['DA2EN_NO_REEXEC']) return { reexec: false, env };
  return { reexec: true, env: { ...env, GLIBC_TUNABLES: tunables ? `${tunables}:${HUGE_PAGES_TUNABLE}` : HUGE_PAGES_TUNABLE } };
}
