/**
 * Seeded random numbers for weights. Only integer arithmetic and a final scale are used (no
 * Math.log/Math.cos), so the same seed gives bit-identical weights on every platform.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    // Mix the seed once so that nearby seeds (1, 2, 3…) do not start from nearby states.
    this.state = Rng.mix((seed >>> 0) ^ 0x9e3779b9);
  }

  private static mix(x: number): number {
    let z = x >>> 0;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** mulberry32 step: a uint32. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A derived generator, so that each weight tensor's values do not depend on how many came before. */
  fork(label: string): Rng {
    let h = this.state ^ 0x811c9dc5;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
    return new Rng(h);
  }

  /**
   * Weights with mean 0 and standard deviation `std`: a sum of 4 uniforms (Irwin–Hall) is close
   * enough to normal for random init and needs no transcendental functions.
   */
  fillNormalish(out: Float32Array, std: number): Float32Array {
    // Var of a sum of 4 U(0,1) is 4/12, so scale by std / sqrt(1/3).
    const k = std * Math.sqrt(3);
    for (let i = 0; i < out.length; i++) {
      const s = this.next() + this.next() + this.next() + this.next();
      out[i] = (s - 2) * k;
    }
    return out;
  }
}
