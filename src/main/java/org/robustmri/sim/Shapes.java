package org.robustmri.sim;

/** Small geometric helpers for implicit anatomy: approximate distances and smooth blends (all in mm). */
final class Shapes {
    private Shapes() {
    }

    static double clamp01(double t) {
        return t < 0 ? 0 : (t > 1 ? 1 : t);
    }

    static double smoothstep(double lo, double hi, double v) {
        double t = clamp01((v - lo) / (hi - lo));
        return t * t * (3 - 2 * t);
    }

    static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }

    /** Normalised ellipsoid radius: below 1 inside. */
    static double ellipsoid(double x, double y, double z, double cx, double cy, double cz, double ax, double ay, double az) {
        double dx = (x - cx) / ax, dy = (y - cy) / ay, dz = (z - cz) / az;
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    /** Approximate signed distance (mm, negative inside) to an axis-aligned ellipsoid. */
    static double ellipsoidSdf(double x, double y, double z, double cx, double cy, double cz, double ax, double ay, double az) {
        double px = x - cx, py = y - cy, pz = z - cz;
        double k0x = px / ax, k0y = py / ay, k0z = pz / az;
        double k0 = Math.sqrt(k0x * k0x + k0y * k0y + k0z * k0z);
        double k1x = px / (ax * ax), k1y = py / (ay * ay), k1z = pz / (az * az);
        double k1 = Math.sqrt(k1x * k1x + k1y * k1y + k1z * k1z);
        if (k1 < 1e-12) return -Math.min(ax, Math.min(ay, az));
        return k0 * (k0 - 1.0) / k1;
    }

    /** Polynomial smooth minimum of two distances with blend radius {@code k}. */
    static double smin(double a, double b, double k) {
        double h = clamp01(0.5 + 0.5 * (b - a) / k);
        return lerp(b, a, h) - k * h * (1.0 - h);
    }

    /** Distance from a point to the segment (ax, ay, az)-(bx, by, bz). */
    static double segmentDistance(double x, double y, double z, double ax, double ay, double az,
                                  double bx, double by, double bz) {
        double vx = bx - ax, vy = by - ay, vz = bz - az;
        double wx = x - ax, wy = y - ay, wz = z - az;
        double t = clamp01((wx * vx + wy * vy + wz * vz) / (vx * vx + vy * vy + vz * vz));
        double dx = wx - t * vx, dy = wy - t * vy, dz = wz - t * vz;
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    /** Draws uniformly from [lo, hi). */
    static double uniform(java.util.SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    /** A normal draw clipped to +-2.5 standard deviations. */
    static double normal(java.util.SplittableRandom rng, double mean, double sd) {
        double g;
        do {
            g = nextGaussian(rng);
        } while (Math.abs(g) > 2.5);
        return mean + sd * g;
    }

    /** Standard normal from two uniforms (Box-Muller), independent of the JDK's Gaussian algorithm. */
    static double nextGaussian(java.util.SplittableRandom rng) {
        double u1;
        do {
            u1 = rng.nextDouble();
        } while (u1 <= 0);
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * Separable Gaussian blur (standard deviation {@code sigma} pixels, kernel to 3 sigma, normalised) of rows
     * {@code [r0, r1)} of a row-major image {@code nw} wide; rows outside are zero and stay so. Pixels beyond the edges count as zero.
     */
    static void gaussianBlur(float[] image, int nw, int r0, int r1, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp(-0.5 * i * i / (sigma * sigma));
        for (int i = 0; i < k.length; i++) k[i] /= sum;
        int rows = r1 - r0;
        float[] tmp = new float[rows * nw];
        for (int r = 0; r < rows; r++) {
            int row = (r0 + r) * nw;
            for (int c = 0; c < nw; c++) {
                double v = 0;
                for (int i = Math.max(-radius, -c); i <= Math.min(radius, nw - 1 - c); i++) v += k[i + radius] * image[row + c + i];
                tmp[r * nw + c] = (float) v;
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < nw; c++) {
                double v = 0;
                for (int i = Math.max(-radius, -r); i <= Math.min(radius, rows - 1 - r); i++) v += k[i + radius] * tmp[(r + i) * nw + c];
                image[(r0 + r) * nw + c] = (float) v;
            }
        }
    }
}
