package org.robustmri.data;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * SplitMix64: a small generator whose output is fixed by its definition, so sampling plans and mask seeds are
 * the same on every JVM and Java version for a given seed. Seeds for sub-streams are derived with {@link #mix}.
 */
final class Rng {
    private long state;

    Rng(long seed) {
        this.state = seed;
    }

    /** A generator for the sub-stream named by {@code parts} under {@code seed}. */
    static Rng of(long seed, long... parts) {
        return new Rng(mix(seed, parts));
    }

    /** A well-mixed 64-bit value from a seed and any number of parts (order matters). */
    static long mix(long seed, long... parts) {
        long h = finalize(seed ^ 0x6A09E667F3BCC909L);
        for (long p : parts) h = finalize(h ^ finalize(p + 0x9E3779B97F4A7C15L));
        return h;
    }

    /** A stable 64-bit hash of a text (FNV-1a over UTF-8), for deriving sub-streams from names. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return h;
    }

    private static long finalize(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        return finalize(state);
    }

    /** Uniform in [0, bound) by rejection (no modulo bias). */
    /** Uniform in [0, 1) from the top 53 bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
        long rem = (Long.remainderUnsigned(-1L, bound) + 1) % bound; // 2^64 mod bound
        while (true) {
            long r = nextLong();
            if (rem == 0 || Long.compareUnsigned(r, -rem) < 0) return (int) Long.remainderUnsigned(r, bound);
        }
    }

    /** Fisher-Yates shuffle in place. */
    <T> void shuffle(List<T> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
