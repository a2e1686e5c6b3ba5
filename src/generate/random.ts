/**
 * A small seeded pseudo-random number generator for the scenario generators.
 *
 * The generators must replay exactly from a seed (tests, golden files, training
 * data), so nothing under src/generate/ may call Math.random. The core is sfc32
 * (Chris Doty-Humphrey's "Small Fast Counting" generator from PractRand: 128 bits
 * of state, passes BigCrush, only 32-bit integer ops), seeded through splitmix32
 * so that neighbouring seeds (1, 2, 3 …) give unrelated streams.
 * See https://pracrand.sourceforge.net/RNG_engines.txt for the algorithm.
 */

/** A seeded source of random values. Every method advances the same stream. */
export interface Random {
  /** The seed this stream was created from, normalised to an unsigned 32-bit integer. */
  readonly seed: number;
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Integer uniform in [min, max) (max exclusive). */
  int(min: number, max: number): number;
  /** Normally distributed (Box-Muller), default standard normal. */
  normal(mean?: number, sd?: number): number;
  /** Log-normal: exp of a normal with the given mean and sd of the logarithm. */
  logNormal(logMean: number, logSd: number): number;
  /** Exponential with the given mean. */
  exponential(mean: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** One index of `weights`, with probability proportional to its weight. */
  weightedIndex(weights: readonly number[]): number;
  /** An independent stream derived from this one (for per-entity streams). */
  fork(): Random;
}

const TWO_POW_32 = 4294967296;

/** splitmix32: spreads a 32-bit seed over the state words. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Normalises any finite number to an unsigned 32-bit seed (floats and negatives included). */
export function normaliseSeed(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const whole = Math.trunc(seed);
  // Int32 and uint32 seeds map as `>>> 0` does (so -1 is 0xffffffff); beyond that the
  // high bits are folded in, so that seeds above 2^32 do not collide with their low word.
  if (whole >= -0x80000000 && whole < TWO_POW_32) return whole >>> 0;
  const high = Math.floor(whole / TWO_POW_32);
  return ((whole >>> 0) ^ Math.imul(high | 0, 0x27d4eb2d)) >>> 0;
}

class Sfc32 implements Random {
  readonly seed: number;
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Box-Muller yields normals in pairs; the second is kept for the next call. */
  private spareNormal = 0;
  private hasSpareNormal = false;

  constructor(seed: number) {
    this.seed = normaliseSeed(seed);
    const mix = { s: this.seed };
    this.a = splitmix32(mix);
    this.b = splitmix32(mix);
    this.c = splitmix32(mix);
    this.d = 1;
    // The first outputs of sfc32 are weakly mixed; discard a few as the reference implementation does.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  private nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  int(min: number, max: number): number {
    return min + Math.floor((max - min) * this.next());
  }

  normal(mean = 0, sd = 1): number {
    if (this.hasSpareNormal) {
      this.hasSpareNormal = false;
      return mean + sd * this.spareNormal;
    }
    // 1 - next() is in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    const angle = 2 * Math.PI * this.next();
    this.spareNormal = radius * Math.sin(angle);
    this.hasSpareNormal = true;
    return mean + sd * radius * Math.cos(angle);
  }

  logNormal(logMean: number, logSd: number): number {
    return Math.exp(this.normal(logMean, logSd));
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() needs a non-empty array');
    return items[Math.floor(items.length * this.next())] as T;
  }

  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let target = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      target -= weights[i] as number;
      if (target < 0) return i;
    }
    return weights.length - 1;
  }

  fork(): Random {
    return new Sfc32(this.nextUint32());
  }
}

/** Creates a seeded stream. The same seed always yields the same sequence. */
export function createRandom(seed: number): Random {
  return new Sfc32(seed);
}
