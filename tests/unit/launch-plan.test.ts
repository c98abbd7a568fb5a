import { describe, expect, it } from 'vitest';
import { HUGE_PAGES_TUNABLE, launchPlan } from '../../src/cli/launch-plan.js';

describe('the da2en launcher', () => {
  it('re-runs the CLI with the huge-pages tunable on Linux, keeping other tunables', () => {
    expect(launchPlan('linux', { PATH: '/bin' })).toEqual({ reexec: true, env: { PATH: '/bin', GLIBC_TUNABLES: HUGE_PAGES_TUNABLE } });
    expect(launchPlan('linux', { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }).env['GLIBC_TUNABLES']).toBe(`glibc.malloc.arena_max=2:${HUGE_PAGES_TUNABLE}`);
  });

  it('runs in place elsewhere, when the tunable is already chosen (never twice), or when asked to', () => {
    expect(launchPlan('darwin', {}).reexec).toBe(false);
    expect(launchPlan('win32', {}).reexec).toBe(false);
    expect(launchPlan('linux', { GLIBC_TUNABLES: HUGE_PAGES_TUNABLE }).reexec).toBe(false);
    expect(launchPlan('linux', { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }).reexec).toBe(false);
    expect(launchPlan('linux', { DA2EN_NO_REEXEC: '1' }).reexec).toBe(false);
  });

  it('runs in place for commands that load no model', () => {
    expect(launchPlan('linux', {}, ['--version']).reexec).toBe(false);
    expect(launchPlan('linux', {}, ['article.txt', '--help']).reexec).toBe(false);
    expect(launchPlan('linux', {}, ['cache', 'stats']).reexec).toBe(false);
    expect(launchPlan('linux', {}, ['article.txt', '-o', 'cache']).reexec).toBe(true);
    expect(launchPlan('linux', {}, ['eval', '--src', 'a', '--ref', 'b']).reexec).toBe(true);
  });
});
