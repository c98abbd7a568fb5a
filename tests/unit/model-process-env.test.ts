import { describe, expect, it } from 'vitest';
import { HUGE_PAGES_TUNABLE, modelProcessEnv } from '../../src/engine/generation/model-process-env.js';

describe("the model process's environment", () => {
  it('on Linux asks glibc for huge pages, keeping the other tunables and variables', () => {
    expect(modelProcessEnv({ PATH: '/bin' }, 'linux')).toEqual({ PATH: '/bin', GLIBC_TUNABLES: HUGE_PAGES_TUNABLE });
    expect(modelProcessEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux')['GLIBC_TUNABLES']).toBe(`glibc.malloc.arena_max=2:${HUGE_PAGES_TUNABLE}`);
  });

  it('never gives the tunable twice, leaves a hugetlb setting the user chose, and adds nothing elsewhere', () => {
    expect(modelProcessEnv({ GLIBC_TUNABLES: HUGE_PAGES_TUNABLE }, 'linux')['GLIBC_TUNABLES']).toBe(HUGE_PAGES_TUNABLE);
    expect(modelProcessEnv({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }, 'linux')['GLIBC_TUNABLES']).toBe('glibc.malloc.hugetlb=0');
    expect(modelProcessEnv({ PATH: '/bin' }, 'darwin')).toEqual({ PATH: '/bin' });
    expect(modelProcessEnv({}, 'win32')).toEqual({});
  });

  it('does not pass on the extra TLS certificates Node would parse as it starts, on any platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const env = modelProcessEnv({ PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt', NODE_OPTIONS: '--max-old-space-size=4096' }, platform);
      expect(env).not.toHaveProperty('NODE_EXTRA_CA_CERTS');
      expect(env).toMatchObject({ PATH: '/bin', NODE_OPTIONS: '--max-old-space-size=4096' });
    }
  });

  it("does not change the caller's environment", () => {
    const env = { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2', NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' };
    modelProcessEnv(env, 'linux');
    expect(env).toEqual({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2', NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' });
  });
});
