package org.robustmri.sim;

import org.bytedeco.javacpp.PointerScope;
import org.robustmri.tensor.Torch;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Simulates fully sampled multi-coil k-space volumes of a {@link DistributionRecipe}, deterministically for a seed.
 *
 * <p>Per volume a subject (anatomy, pose), a coil array and the noise covariance are drawn from a generator
 * seeded by (seed, distribution name, volume index); every slice then draws its thermal noise from its own
 * generator, so the result does not depend on the order or the threads in which slices are computed.
 *
 * <p>Per slice: the anatomy is sampled on a grid twice as fine as the output in both directions (readout
 * field of view twice the phase-encode one, as fastMRI's oversampled readout), turned into signal by the
 * {@link SignalModel}, multiplied by the coil sensitivities, Fourier transformed on the fine grid and only
 * the central (2M, M) block of k-space is kept (no inverse crime); then correlated complex Gaussian noise is
 * added and the target is the root-sum-of-squares of the centre-cropped inverse FFT of that noisy k-space.
 */
public final class Simulator {
    static {
        Torch.init();
    }

    private Simulator() {
    }

    /** Simulates one whole volume in the calling thread. */
    public static SimulatedVolume simulate(DistributionRecipe d, long seed, int index, int slices, int matrix) {
        VolumeJob job = new VolumeJob(d, seed, index, slices, matrix);
        for (int s = 0; s < slices; s++) {
            try (PointerScope scope = new PointerScope()) {
                job.computeSlice(s);
            }
        }
        return job.result();
    }

    /** Checks the sizes of a simulation request; throws {@link IllegalArgumentException} with a clear message. */
    public static void checkSizes(int slices, int matrix) {
        if (slices < 1) throw new IllegalArgumentException("slices must be positive, got " + slices);
        if (slices > 4096) throw new IllegalArgumentException("slices must be at most 4096, got " + slices);
        if (matrix < 16 || matrix > 1024 || matrix % 2 != 0) {
            throw new IllegalArgumentException("matrix must be an even number in [16, 1024], got " + matrix);
        }
    }

    /** The generator seed of volume {@code index} of {@code distribution} for global seed {@code seed}. */
    public static long volumeSeed(long seed, String distribution, int index) {
        long h = mix64(seed + 0x9E3779B97F4A7C15L);
        h = mix64(h ^ fnv1a(distribution));
        return mix64(h ^ ((index + 1L) * 0xBF58476D1CE4E5B9L));
    }

    static long sliceSeed(long volumeSeed, int slice) {
        return mix64(volumeSeed ^ ((slice + 1L) * 0x94D049BB133111EBL));
    }

    static SplittableRandom rng(long seed) {
        return new SplittableRandom(seed);
    }

    /** SplitMix64 finaliser. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long fnv1a(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
