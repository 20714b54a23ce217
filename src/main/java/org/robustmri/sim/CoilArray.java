package org.robustmri.sim;

import java.util.SplittableRandom;

/**
 * The receive chain of one simulated scan: a phased array of loop coils on a cylinder around the body part,
 * the receive-independent field patterns all coils see, and the thermal noise covariance.
 *
 * <p>Loops sit in rings (at most 8 per ring) on a cylinder whose axis is the slice axis for the head and the
 * leg axis (image rows) for the knee. Each loop's sensitivity magnitude falls off like the on-axis field of a
 * current loop, {@code a^3 / (a^2 + depth^2 + 0.6 lateral^2)^(3/2)}, with the loop radius {@code a} set by the ring's
 * circumference and scaled by the distribution's {@code coil_loop_scale}; its phase combines a per-coil offset, a
 * wave term growing with distance at the RF wavelength in tissue (shorter at higher field) and a tangential
 * term. Common to all coils: a smooth background phase (B0 offsets at TE) and, growing with field strength,
 * central brightening from RF standing waves. Sensitivities are normalised so that their root-sum-of-squares
 * is 1 at the centre of the field of view.
 *
 * <p>Noise: per-coil levels vary by a few percent and neighbouring coils are correlated by
 * {@code noiseCorrelation * exp(-|c_i - c_j|^2 / (2 (1.2 a)^2))}; {@link #noiseCholesky()} is the lower Cholesky
 * factor of that covariance (unit average variance).
 */
final class CoilArray {
    final int coils;
    private final double[][] centre, normal, tangent;
    private final double[] phase0;
    private final double loop, waveNumber, tangentialPhase;
    private final double bgPhase0, bgGu, bgGv, bgGw, bgQuad;
    private final double dielectric, dielectricSigma2;
    private final double norm;
    private final double[][] cholesky;

    CoilArray(DistributionRecipe d, SplittableRandom rng) {
        coils = d.coils();
        boolean head = d.anatomy() == Anatomy.BRAIN;
        double radius = head ? Shapes.uniform(rng, 118, 128) : Shapes.uniform(rng, 84, 92);
        int rings = (coils + 7) / 8;
        double spacing = head ? 45 : 60;
        double ringCentre = head ? 12 : 0;
        double rotation = Shapes.uniform(rng, -Math.PI / 18, Math.PI / 18);
        centre = new double[coils][];
        normal = new double[coils][];
        tangent = new double[coils][];
        phase0 = new double[coils];
        int maxPerRing = 0;
        int k = 0;
        for (int ring = 0; ring < rings; ring++) {
            int perRing = coils / rings + (ring < coils % rings ? 1 : 0);
            maxPerRing = Math.max(maxPerRing, perRing);
            double along = ringCentre + (ring - (rings - 1) / 2.0) * spacing + Shapes.uniform(rng, -4, 4);
            for (int i = 0; i < perRing; i++, k++) {
                double phi = rotation + 2 * Math.PI * (i + 0.5 * (ring % 2)) / perRing;
                double cs = Math.cos(phi), sn = Math.sin(phi);
                if (head) {
                    centre[k] = new double[]{radius * cs, radius * sn, along};
                    normal[k] = new double[]{-cs, -sn, 0};
                    tangent[k] = new double[]{-sn, cs, 0};
                } else {
                    centre[k] = new double[]{radius * cs, along, radius * sn};
                    normal[k] = new double[]{-cs, 0, -sn};
                    tangent[k] = new double[]{-sn, 0, cs};
                }
                phase0[k] = Shapes.uniform(rng, -Math.PI, Math.PI);
            }
        }
        loop = Math.min(0.6 * 2 * Math.PI * radius / Math.max(maxPerRing, 2), 0.9 * radius) * d.coilLoopScale();
        double field = d.fieldStrengthT();
        double wavelength = 900.0 / field; // RF wavelength in tissue, mm
        waveNumber = 2 * Math.PI / wavelength * 0.5;
        tangentialPhase = Shapes.uniform(rng, 0.3, 0.8);
        bgPhase0 = Shapes.uniform(rng, -Math.PI, Math.PI);
        double g = 0.6 * field / 1.5 / 100.0;
        bgGu = Shapes.uniform(rng, -g, g);
        bgGv = Shapes.uniform(rng, -g, g);
        bgGw = Shapes.uniform(rng, -g, g);
        bgQuad = Shapes.uniform(rng, -0.4, 0.4) / 1e4;
        dielectric = 0.04 * field * field / 2.25 * Shapes.uniform(rng, 0.7, 1.3);
        double sigma = head ? 50 : 35;
        dielectricSigma2 = 2 * sigma * sigma;
        norm = 1.0 / centreRss();
        cholesky = choleskyOf(covariance(d.noiseCorrelation(), rng));
    }

    private double centreRss() {
        double[] re = new double[coils], im = new double[coils];
        evaluateRaw(0, 0, 0, re, im);
        double s = 0;
        for (int c = 0; c < coils; c++) s += re[c] * re[c] + im[c] * im[c];
        return Math.sqrt(s);
    }

    /** Complex sensitivities of all coils at scanner point (u, v, w), normalised, including the common fields. */
    void evaluate(double u, double v, double w, double[] re, double[] im) {
        evaluateRaw(u, v, w, re, im);
        for (int c = 0; c < coils; c++) {
            re[c] *= norm;
            im[c] *= norm;
        }
    }

    private void evaluateRaw(double u, double v, double w, double[] re, double[] im) {
        double common = 1 + dielectric * Math.exp(-(u * u + v * v) / dielectricSigma2);
        double bg = bgPhase0 + bgGu * u + bgGv * v + bgGw * w + bgQuad * (u * u + v * v);
        double a2 = loop * loop, a3 = a2 * loop;
        for (int c = 0; c < coils; c++) {
            double[] p = centre[c], n = normal[c], t = tangent[c];
            double dx = u - p[0], dy = v - p[1], dz = w - p[2];
            double dist2 = dx * dx + dy * dy + dz * dz;
            double depth = dx * n[0] + dy * n[1] + dz * n[2];
            double lateral2 = Math.max(0, dist2 - depth * depth);
            double q = a2 + depth * depth + 0.6 * lateral2;
            double mag = a3 / (q * Math.sqrt(q)) * common;
            double along = dx * t[0] + dy * t[1] + dz * t[2];
            double phase = phase0[c] + waveNumber * Math.sqrt(dist2) + tangentialPhase * along / loop + bg;
            re[c] = mag * Math.cos(phase);
            im[c] = mag * Math.sin(phase);
        }
    }

    private double[][] covariance(double rho, SplittableRandom rng) {
        double[] level = new double[coils];
        for (int c = 0; c < coils; c++) level[c] = Math.exp(Shapes.normal(rng, 0, 0.08));
        double width2 = 2 * (1.2 * loop) * (1.2 * loop);
        double[][] cov = new double[coils][coils];
        for (int i = 0; i < coils; i++) {
            for (int j = 0; j < coils; j++) {
                double corr;
                if (i == j) {
                    corr = 1;
                } else {
                    double dx = centre[i][0] - centre[j][0], dy = centre[i][1] - centre[j][1], dz = centre[i][2] - centre[j][2];
                    corr = rho * Math.exp(-(dx * dx + dy * dy + dz * dz) / width2);
                }
                cov[i][j] = level[i] * level[j] * corr;
            }
        }
        return cov;
    }

    /** Lower Cholesky factor of a symmetric positive definite matrix. */
    static double[][] choleskyOf(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i][j];
                for (int k = 0; k < j; k++) sum -= l[i][k] * l[j][k];
                if (i == j) {
                    if (sum <= 0) throw new IllegalStateException("noise covariance is not positive definite");
                    l[i][i] = Math.sqrt(sum);
                } else {
                    l[i][j] = sum / l[j][j];
                }
            }
        }
        return l;
    }

    double[][] noiseCholesky() {
        return cholesky;
    }

    /** True when the noise covariance is not diagonal (some coils correlated). */
    boolean correlated() {
        for (int i = 0; i < coils; i++) for (int j = 0; j < i; j++) if (cholesky[i][j] != 0) return true;
        return false;
    }
}
