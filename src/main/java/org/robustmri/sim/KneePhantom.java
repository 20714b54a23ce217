package org.robustmri.sim;

import java.util.SplittableRandom;

import static org.robustmri.sim.Shapes.clamp01;
import static org.robustmri.sim.Shapes.ellipsoidSdf;
import static org.robustmri.sim.Shapes.lerp;
import static org.robustmri.sim.Shapes.segmentDistance;
import static org.robustmri.sim.Shapes.smin;
import static org.robustmri.sim.Shapes.smoothstep;
import static org.robustmri.sim.Shapes.uniform;

/**
 * A knee for coronal slices. Anatomy coordinates: x medial (negative) to lateral, y superior (negative, top of
 * the image) to inferior with the joint line at 0, z posterior (negative) to anterior.
 *
 * <p>The leg is a noise-perturbed elliptic cylinder (skin, subcutaneous fat, muscle with fatty septa); the
 * femur is a smooth union of shaft, metaphysis and two condyles, the tibia a superelliptic plateau with
 * intercondylar spines tapering into the shaft, plus fibular head and patella. Bones have a cortical shell
 * (thicker in the shafts), fatty marrow with trabecular texture and a physeal scar. Articular cartilage
 * covers the joint surfaces; wedge-shaped menisci sit in the joint periphery; cruciate and collateral
 * ligaments, patellar tendon, Hoffa's fat pad, joint fluid (with optional effusion) and popliteal vessels
 * complete it. Subjects differ in bone size, fat and muscle thickness, cartilage thickness, effusion and pose.
 */
final class KneePhantom extends Phantom {
    private final Noise3 noise;
    private final double s, fatT, bulk, cartT, effusion, cz;

    /** {@code lesionProbability} is accepted for symmetry with the brain; no knee lesions are modelled. */
    KneePhantom(SplittableRandom rng, double lesionProbability) {
        this(rng, lesionProbability, 0.0);
    }

    KneePhantom(SplittableRandom rng, double lesionProbability, double rotation90) {
        super(rng, 3.0, 3.0, 6.0, 4.0, rotation90);
        noise = new Noise3(rng);
        s = uniform(rng, 0.88, 1.08);
        fatT = uniform(rng, 3.5, 11.0);
        bulk = uniform(rng, 6, 16);
        cartT = uniform(rng, 1.8, 2.8);
        effusion = rng.nextDouble() < 0.5 ? uniform(rng, 0.2, 1.0) : 0.0;
        cz = uniform(rng, -6, -2);
    }

    @Override
    double sliceRangeLow() {
        return -42;
    }

    @Override
    double sliceRangeHigh() {
        return 32;
    }

    @Override
    long sample(double x, double y, double z) {
        double ay = Math.abs(y);
        double grow = bulk * smoothstep(10, 110, ay);
        double rx = 45 * s + fatT + 3 + grow;
        double rz = 43 * s + fatT + 3 + 0.8 * grow;
        double zc = z - cz;
        double ex = x / rx, ez = zc / rz;
        double e2 = ex * ex + ez * ez;
        if (e2 > 1.12) return EMPTY;
        double rho = Math.sqrt(x * x + zc * zc);
        double e = Math.sqrt(e2);
        double base = e < 1e-9 ? rx : rho / e;
        if (base - rho < 0.031 * base + 1.7 + 1.36 * fatT) { // near the skin: perturbed surface, skin, fat layer
            double d = base * (1 + 0.03 * noise.at(x / 40, y / 60, z / 40)) - rho;
            if (d < 0) return EMPTY;
            if (d < 1.6) return pack(Tissue.SKIN, 1);
            double fatLayer = fatT * (1 + 0.35 * noise.at(x / 30 + 5, y / 50, z / 30));
            if (d < 1.6 + fatLayer) return pack(Tissue.FAT, 1 + 0.04 * noise.at(x / 4, y / 4, z / 4));
        }

        // bones
        double fem = femur(x, y, z);
        if (fem < 0) return bone(fem, lerp(1.3, 3.0, smoothstep(-50 * s, -110 * s, y)), x, y, z, -24 * s);
        double tib = tibia(x, y, z);
        if (tib < 0) return bone(tib, lerp(1.2, 3.0, smoothstep(40 * s, 110 * s, y)), x, y, z, 18 * s);
        double fib = fibula(x, y, z);
        if (fib < 0) return bone(fib, lerp(1.0, 2.5, smoothstep(30 * s, 60 * s, y)), x, y, z, 1e9);
        double pat = z < 20 * s ? 1e9 : ellipsoidSdf(x, y, z, 0, -27 * s, 33 * s, 22 * s, 20 * s, 9 * s);
        if (pat < 0) return bone(pat, 1.2, x, y, z, 1e9);

        // articular cartilage
        if (fem < cartT && y > -22 * s && Math.abs(x) < 40 * s) return pack(Tissue.CARTILAGE, 1 + 0.05 * noise.at(x / 2, y / 2, z / 2));
        if (tib < cartT && y < 4 * s && Math.abs(x) > 6 * s) return pack(Tissue.CARTILAGE, 1 + 0.05 * noise.at(x / 2, y / 2, z / 2));
        if (pat < cartT + 0.6 && z < 33 * s) return pack(Tissue.CARTILAGE, 1 + 0.05 * noise.at(x / 2, y / 2, z / 2));

        // menisci: wedges in the periphery of the medial and lateral compartments
        if (ay < 7 * s) {
            for (int k = -1; k <= 1; k += 2) {
                double mx = x - k * 21 * s, mz = (z + 4 * s) * 0.9;
                double r = Math.sqrt(mx * mx + mz * mz);
                double rIn = 10 * s, rOut = 19.5 * s;
                if (r > rIn && r < rOut + 1.5) {
                    double h = 0.4 + 4.4 * s * clamp01((r - rIn) / (rOut - rIn));
                    if (ay < h) return pack(Tissue.MENISCUS, 1);
                }
            }
        }

        // ligaments: cruciates in the notch, collaterals, patellar and quadriceps tendons
        if (Math.abs(x) < 14 * s && ay < 20 * s) {
            if (segmentDistance(x, y, z, 7 * s, -11 * s, -14 * s, -3 * s, 3 * s, 10 * s) < 3.4 * s) return pack(Tissue.LIGAMENT, 1 + 0.15 * noise.at(x, y, z));
            if (segmentDistance(x, y, z, -7 * s, -10 * s, 3 * s, -1 * s, 7 * s, -22 * s) < 3.9 * s) return pack(Tissue.LIGAMENT, 1 + 0.1 * noise.at(x, y, z));
        }
        if (Math.abs(z + 2 * s) < 11 * s && y > -30 * s && y < 45 * s
                && Math.abs(x + 41.5 * s + 0.02 * y) < 1.1 * s) return pack(Tissue.LIGAMENT, 1);
        if (x > 30 * s && x < 46 * s && segmentDistance(x, y, z, 41 * s, -22 * s, -10 * s, 35 * s, 17 * s, -15 * s) < 2.4 * s) {
            return pack(Tissue.LIGAMENT, 1);
        }
        if (y > -8 * s && y < 30 * s && Math.abs(x) < 13 * s) {
            double zt = lerp(36 * s, 24 * s, (y + 8 * s) / (38 * s));
            if (Math.abs(z - zt) < 2.6 * s) return pack(Tissue.LIGAMENT, 1);
            if (z > 12 * s && z < zt - 2.6 * s && y < 12 * s) return pack(Tissue.FAT, 1 + 0.05 * noise.at(x / 3, y / 3, z / 3));
        }
        if (y > -80 * s && y < -44 * s && Math.abs(x) < 14 * s && Math.abs(z - 39 * s) < 3 * s) return pack(Tissue.LIGAMENT, 1);

        // joint fluid: film in the joint space and along the condyles, suprapatellar effusion
        if (ay < 4 * s && Math.abs(x) < 30 * s && (fem < cartT + 0.8 || tib < cartT + 0.8)) return pack(Tissue.FLUID, 1);
        if (fem < 0.8 + 3.5 * effusion && y > -38 * s && y < -4 * s && Math.abs(x) > 24 * s) return pack(Tissue.FLUID, 1);
        if (effusion > 0 && Shapes.ellipsoid(x, y, z, 0, -48 * s, 25 * s, 27 * s, 20 * s, 2 + 6 * effusion) < 1) return pack(Tissue.FLUID, 1);

        // popliteal artery and vein
        if (z < -27 * s) {
            double ax4 = x - 4 * s, az33 = z + 33 * s, ax2 = x + 2 * s, az37 = z + 37 * s;
            if (ax4 * ax4 + az33 * az33 < sq(3.2 * s) || ax2 * ax2 + az37 * az37 < sq(4.2 * s)) return pack(Tissue.VESSEL, 1);
        }

        // muscle with fatty septa away from the joint line, fat around the joint
        if (ay < 9.2 * s && ay < 7 * s * (1 + 0.3 * noise.at(x / 20, 3.3, z / 20))) {
            return pack(Tissue.FAT, 1 + 0.05 * noise.at(x / 4, y / 4, z / 4));
        }
        if (Math.abs(noise.at(x / 16 + 20, y / 50, z / 16)) < 0.03) return pack(Tissue.FAT, 1);
        return pack(Tissue.MUSCLE, 1 + 0.07 * noise.at(x / 1.4, y / 10, z / 1.4));
    }

    private long bone(double sdf, double cortex, double x, double y, double z, double physis) {
        if (sdf > -cortex) return pack(Tissue.CORTICAL_BONE, 1);
        double trabecular = 1 + 0.12 * noise.fbm2(x / 1.3, y / 1.3, z / 1.3);
        double scar = physis + 2.5 * Math.sin(x / 9) + 1.2 * noise.at(x / 10, 0.5, z / 10);
        double dy = Math.abs(y - scar);
        if (dy < 1.2) { // physeal scar: a faint, interrupted band of sclerotic (darker) marrow
            double strength = Shapes.clamp01(0.6 + noise.at(x / 6 + 7, 1.5, z / 6)) * (1 - dy / 1.2);
            return pack(Tissue.MARROW, trabecular * (1 - 0.55 * strength));
        }
        return pack(Tissue.MARROW, trabecular);
    }

    /** Approximate signed distance to the distal femur: a flaring shaft capped above the notch, and two condyles. */
    private double femur(double x, double y, double z) {
        if (y > 2 || Math.abs(x) > 50 * s || Math.abs(z) > 45 * s) return 1e9;
        double flare = Math.exp(Math.min(0, y + 22 * s) / (15 * s));
        double wx = 13 * s + 25 * s * flare, wz = 13 * s + 14 * s * flare;
        double ex = x / wx, ez = (z + 2 * s) / wz;
        double body = Math.max((Math.sqrt(ex * ex + ez * ez) - 1) * Math.min(wx, wz), y + 12 * s);
        double med = ellipsoidSdf(x, y, z, -20 * s, -19.4 * s, -8 * s, 17 * s, 17 * s, 27 * s);
        double lat = ellipsoidSdf(x, y, z, 20 * s, -19.4 * s, -8 * s, 16 * s, 17 * s, 26 * s);
        return smin(body, smin(med, lat, 3 * s), 5 * s);
    }

    /** Approximate signed distance to the proximal tibia. */
    private double tibia(double x, double y, double z) {
        if (y < -6 || Math.abs(x) > 45 * s || Math.abs(z) > 40 * s) return 1e9;
        double flare = Math.exp(-Math.max(0, y - 8 * s) / (16 * s));
        double wx = 15 * s + 24 * s * flare, wz = 14 * s + 13 * s * flare;
        double zt = z + 3 * s;
        double px = Math.abs(x) / wx, pz = Math.abs(zt) / wz;
        double px2 = px * px, pz2 = pz * pz; // between an ellipse and a rounded box
        double rn = 0.5 * (Math.sqrt(px2 + pz2) + Math.sqrt(Math.sqrt(px2 * px2 + pz2 * pz2)));
        double radial = (rn - 1) * Math.min(wx, wz);
        double spines = Math.abs(zt) < 14 * s
                ? 5 * s * (Math.exp(-sq((x - 4 * s) / (3.5 * s))) + Math.exp(-sq((x + 4 * s) / (3.5 * s))))
                * clamp01(1 - Math.abs(zt) / (14 * s)) : 0;
        double top = 2.6 * s - spines - 0.6 * clamp01(1 - sq((Math.abs(x) - 20 * s) / (12 * s)));
        return Math.max(radial, top - y);
    }

    private double fibula(double x, double y, double z) {
        if (y < 10 * s || x < 15 * s || z > 0) return 1e9;
        double head = ellipsoidSdf(x, y, z, 33 * s, 22 * s, -16 * s, 10 * s, 11 * s, 10 * s);
        double fx = x - 31 * s, fz = z + 17 * s;
        double shaft = Math.max(Math.sqrt(fx * fx + fz * fz) - 6.5 * s, 25 * s - y);
        return smin(head, shaft, 4 * s);
    }

    private static double sq(double v) {
        return v * v;
    }
}
