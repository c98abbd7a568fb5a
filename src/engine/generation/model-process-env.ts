/**
 * The environment of the model process (worker-generator.ts forks it).
 *
 * Loading the model spends most of its time in page faults: ONNX Runtime fills ~240 MB of freshly
 * mapped memory for the two sessions (about 58,000 faults of 4 KiB, ~19 µs each on a virtual
 * machine). With glibc's malloc asked to back its large blocks with transparent huge pages
 * (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`, glibc ≥ 2.35, honoured where THP is "madvise" or
 * "always") the same work takes a few hundred faults (the seed article from the CLI: 4.01 → 3.23 s,
 * peak RSS unchanged). glibc reads tunables only when a process starts, and every ONNX Runtime
 * session lives in the model process, so that process is started with it: the CLI, `da2en serve`
 * and library callers all get it, and the caller's own process is left as it is.
 *
 * NODE_EXTRA_CA_CERTS is not passed on. Node reads and parses that certificate file as it starts,
 * before any code runs (a system bundle of ~140 certificates: `node -e 0` 0.08–0.10 s without it,
 * 0.13–0.17 s with it, here), and the model process only reads local files: it opens no TLS
 * connection for the certificates to serve. Its start is on the critical path of every command.
 */

/** The glibc tunable that backs malloc's large blocks with transparent huge pages. */
export const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb=1';

/** Variables the model process has no use for and pays for as it starts (see above). */
export const NOT_PASSED_TO_MODEL_PROCESS = ['NODE_EXTRA_CA_CERTS'] as const;

/**
 * `env` without NOT_PASSED_TO_MODEL_PROCESS, with the huge-pages tunable added to GLIBC_TUNABLES on
 * Linux (glibc tunables exist only there). Other tunables are kept; a hugetlb setting already chosen
 * (even `=0`, to turn it off) is left alone, so the tunable is never given twice. `env` itself is
 * not changed.
 */
export function modelProcessEnv(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const name of NOT_PASSED_TO_MODEL_PROCESS) delete out[name];
  const tunables = out['GLIBC_TUNABLES'] ?? '';
  if (platform !== 'linux' || tunables.includes('glibc.malloc.hugetlb')) return out;
  return { ...out, GLIBC_TUNABLES: tunables ? `${tunables}:${HUGE_PAGES_TUNABLE}` : HUGE_PAGES_TUNABLE };
}
