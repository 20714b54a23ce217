package org.robustmri.mask;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Mersenne Twister (MT19937) that reproduces numpy's legacy {@code numpy.random.RandomState}
 * bit for bit, so that masks drawn here equal the masks the Python fastMRI code draws for the
 * same seed.
 *
 * <p>Only the operations the mask functions need are provided: seeding with a 32-bit integer or
 * with an array of 32-bit words, {@code randint} with the default int64 dtype (legacy masked
 * rejection sampling), and {@code random_sample}/{@code uniform}. Not thread-safe; use one
 * instance per thread.
 */
public final class NumpyRandomState {

    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;
    private static final long MAX_UINT32 = 0xFFFF_FFFFL;

    private final int[] key = new int[N];
    private int pos;

    /** Same as {@code RandomState(seed)} for an integer seed in [0, 2^32). */
    public NumpyRandomState(long seed) {
        seed(seed);
    }

    /**
     * Same as {@code RandomState(tuple(key))}. Each element is read as an unsigned 32-bit word
     * (numpy only accepts values in [0, 2^32)).
     */
    public NumpyRandomState(int[] key) {
        seed(key);
    }

    /**
     * The fastMRI test-time seed: {@code RandomState(tuple(map(ord, fileName)))}. A fresh state
     * per call, so every slice of a volume gets the same mask.
     */
    public static NumpyRandomState seedFromName(String fileName) {
        Objects.requireNonNull(fileName, "fileName");
        if (fileName.isEmpty()) {
            throw new IllegalArgumentException("file name must not be empty (numpy rejects an empty seed)");
        }
        return new NumpyRandomState(fileName.codePoints().toArray());
    }

    /**
     * A fresh state for one training sample, seeded with four 32-bit words taken from a
     * caller-owned generator, so a whole training run is reproducible from the run seed of
     * {@code source}.
     */
    public static NumpyRandomState seededFrom(RandomGenerator source) {
        Objects.requireNonNull(source, "source");
        return new NumpyRandomState(new int[] {source.nextInt(), source.nextInt(), source.nextInt(), source.nextInt()});
    }

    /**
     * A fresh state from a 64-bit seed, equal to numpy's
     * {@code RandomState((seed & 0xFFFFFFFF, seed >>> 32))} (unsigned shift).
     */
    public static NumpyRandomState fromLongSeed(long seed) {
        return new NumpyRandomState(new int[] {(int) seed, (int) (seed >>> 32)});
    }

    /** Reseed as numpy's {@code RandomState.seed(int)}: the reference {@code init_genrand}. */
    public void seed(long seed) {
        if (seed < 0 || seed > MAX_UINT32) {
            throw new IllegalArgumentException("seed must be between 0 and 2^32 - 1, got " + seed);
        }
        initGenrand((int) seed);
    }

    /** Reseed as numpy's {@code RandomState.seed(array)}: the reference {@code init_by_array}. */
    public void seed(int[] initKey) {
        Objects.requireNonNull(initKey, "initKey");
        if (initKey.length == 0) {
            throw new IllegalArgumentException("seed array must not be empty");
        }
        initGenrand(19650218);
        int i = 1;
        int j = 0;
        for (int k = Math.max(N, initKey.length); k > 0; k--) {
            int prev = key[i - 1];
            key[i] = (key[i] ^ ((prev ^ (prev >>> 30)) * 1664525)) + initKey[j] + j;
            i++;
            j++;
            if (i >= N) {
                key[0] = key[N - 1];
                i = 1;
            }
            if (j >= initKey.length) {
                j = 0;
            }
        }
        for (int k = N - 1; k > 0; k--) {
            int prev = key[i - 1];
            key[i] = (key[i] ^ ((prev ^ (prev >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                key[0] = key[N - 1];
                i = 1;
            }
        }
        key[0] = UPPER_MASK; // most significant bit set: the state cannot be all zero
        pos = N;
    }

    private void initGenrand(int s) {
        key[0] = s;
        for (int i = 1; i < N; i++) {
            int prev = key[i - 1];
            key[i] = 1812433253 * (prev ^ (prev >>> 30)) + i;
        }
        pos = N;
    }

    /**
     * Uniform integer in [low, high), as numpy's legacy {@code RandomState.randint(low, high)}
     * with dtype int64. A range holding one value returns {@code low} without consuming a draw.
     */
    public long randint(long low, long high) {
        if (high <= low) {
            throw new IllegalArgumentException("randint: high <= low (low=" + low + ", high=" + high + ")");
        }
        long rng = high - low - 1; // inclusive span, read as unsigned 64-bit
        if (rng == 0) {
            return low;
        }
        if (Long.compareUnsigned(rng, MAX_UINT32) <= 0) {
            if (rng == MAX_UINT32) {
                return low + nextUint32();
            }
            long mask = smallestMaskCovering(rng);
            long value;
            do {
                value = nextUint32() & mask;
            } while (value > rng);
            return low + value;
        }
        if (rng == -1L) { // full 64-bit span: not reachable with long arguments, kept for fidelity
            return low + nextUint64();
        }
        long mask = smallestMaskCovering(rng);
        long value;
        do {
            value = nextUint64() & mask;
        } while (Long.compareUnsigned(value, rng) > 0);
        return low + value;
    }

    /** {@code randint(0, high)}. */
    public long randint(long high) {
        return randint(0, high);
    }

    /** Double in [0, 1) with 53 random bits, as numpy's {@code random_sample()}. */
    public double randomSample() {
        long a = nextUint32() >>> 5;
        long b = nextUint32() >>> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /** {@code uniform(size=n)} with the default bounds [0, 1): n successive {@link #randomSample()}. */
    public double[] uniform(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("size must be non-negative, got " + n);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = randomSample();
        }
        return out;
    }

    /** Next raw tempered 32-bit output, as an unsigned value. */
    long nextUint32() {
        if (pos >= N) {
            twist();
        }
        int y = key[pos++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & MAX_UINT32;
    }

    /** Two 32-bit outputs, the first one in the high word (numpy's {@code mt19937_next64}). */
    private long nextUint64() {
        long hi = nextUint32();
        long lo = nextUint32();
        return hi << 32 | lo;
    }

    /** Copy of the 624-word state, for tests against {@code RandomState.get_state()}. */
    int[] stateKey() {
        return key.clone();
    }

    private void twist() {
        int i;
        for (i = 0; i < N - M; i++) {
            int y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
            key[i] = key[i + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        }
        for (; i < N - 1; i++) {
            int y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
            key[i] = key[i + (M - N)] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        }
        int y = (key[N - 1] & UPPER_MASK) | (key[0] & LOWER_MASK);
        key[N - 1] = key[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        pos = 0;
    }

    /** Smallest all-ones bit pattern that is >= value (unsigned). */
    private static long smallestMaskCovering(long value) {
        return -1L >>> Long.numberOfLeadingZeros(value);
    }
}
