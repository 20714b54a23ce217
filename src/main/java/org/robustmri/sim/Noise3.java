package org.robustmri.sim;

import java.util.SplittableRandom;

/**
 * Smooth 3-D gradient noise (lattice gradients with quintic interpolation) with a permutation drawn from a
 * seeded generator, so every simulated subject has its own fields. Values lie roughly in [-1, 1] with
 * features about one lattice unit across; callers scale coordinates to choose the feature size.
 */
final class Noise3 {
    private final int[] perm = new int[512];

    Noise3(SplittableRandom rng) {
        int[] p = new int[256];
        for (int i = 0; i < 256; i++) p[i] = i;
        for (int i = 255; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        for (int i = 0; i < 512; i++) perm[i] = p[i & 255];
    }

    private static int floor(double v) {
        int i = (int) v;
        return v < i ? i - 1 : i;
    }

    private static double fade(double t) {
        return t * t * t * (t * (t * 6 - 15) + 10);
    }

    private static double grad(int hash, double x, double y, double z) {
        int h = hash & 15;
        double u = h < 8 ? x : y;
        double v = h < 4 ? y : (h == 12 || h == 14 ? x : z);
        return ((h & 1) == 0 ? u : -u) + ((h & 2) == 0 ? v : -v);
    }

    /** Noise at (x, y, z) in lattice units. */
    double at(double x, double y, double z) {
        int xi = floor(x), yi = floor(y), zi = floor(z);
        double xf = x - xi, yf = y - yi, zf = z - zi;
        int X = xi & 255, Y = yi & 255, Z = zi & 255;
        double u = fade(xf), v = fade(yf), w = fade(zf);
        int a = perm[X] + Y, aa = perm[a] + Z, ab = perm[a + 1] + Z;
        int b = perm[X + 1] + Y, ba = perm[b] + Z, bb = perm[b + 1] + Z;
        double x1 = lerp(u, grad(perm[aa], xf, yf, zf), grad(perm[ba], xf - 1, yf, zf));
        double x2 = lerp(u, grad(perm[ab], xf, yf - 1, zf), grad(perm[bb], xf - 1, yf - 1, zf));
        double y1 = lerp(v, x1, x2);
        double x3 = lerp(u, grad(perm[aa + 1], xf, yf, zf - 1), grad(perm[ba + 1], xf - 1, yf, zf - 1));
        double x4 = lerp(u, grad(perm[ab + 1], xf, yf - 1, zf - 1), grad(perm[bb + 1], xf - 1, yf - 1, zf - 1));
        double y2 = lerp(v, x3, x4);
        return lerp(w, y1, y2);
    }

    /** Two octaves: a smooth field with some finer detail. */
    double fbm2(double x, double y, double z) {
        return 0.75 * at(x, y, z) + 0.35 * at(2.03 * x + 17.1, 2.03 * y + 5.3, 2.03 * z + 11.7);
    }

    private static double lerp(double t, double a, double b) {
        return a + t * (b - a);
    }
}
