package io.citytwin.sim;

/**
 * Deterministic noise: the same (seed, thing, time bucket) always gives the same number, so a simulated day can be
 * replayed exactly and a reading does not depend on how often it is asked for. SplitMix64 finalizer (Steele, Lea and
 * Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014) over the mixed inputs.
 */
final class Noise {
    private Noise() {}

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1). */
    static double uniform(long seed, String thing, long bucket) {
        long h = mix(seed ^ mix(thing.hashCode() * 0x9E3779B97F4A7C15L ^ mix(bucket + 0x632BE59BD9B4E019L)));
        return (h >>> 11) * 0x1.0p-53;
    }

    /** Standard normal (Box-Muller on two uniforms of the same bucket). */
    static double gaussian(long seed, String thing, long bucket) {
        double u1 = Math.max(1e-12, uniform(seed, thing, bucket));
        double u2 = uniform(seed ^ 0x5DEECE66DL, thing, bucket);
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
