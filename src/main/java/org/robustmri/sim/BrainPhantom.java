package org.robustmri.sim;

import java.util.SplittableRandom;

import static org.robustmri.sim.Shapes.clamp01;
import static org.robustmri.sim.Shapes.uniform;

/**
 * A head for axial slices. Anatomy coordinates: x left-right, y anterior (negative, top of the image) to
 * posterior, z inferior to superior, origin near the centre of the lateral ventricles.
 *
 * <p>Layers from outside in, measured along rays from the head centre through a noise-perturbed egg-shaped
 * ellipsoid: skin, subcutaneous fat, skull (outer table, fatty diploe, inner table), subarachnoid CSF, then
 * the brain. The cortex is a grey-matter ribbon folded by sulci placed where a phase that winds around the
 * head a whole number of times (meandering with smooth noise and drifting with height) is half-way between
 * integers, so sulci run inward and are coherent from slice to slice; white matter reaches into each gyrus.
 * Inside: interhemispheric fissure with the falx and the superior sagittal sinus, lateral and third
 * ventricles with choroid plexus, caudate, putamen and thalamus, insula and Sylvian fissure, and optional
 * white-matter lesions. Subjects differ in head size and shape, tissue thicknesses, folding, atrophy
 * (wider sulci, larger ventricles), lesions and pose.
 */
final class BrainPhantom extends Phantom {
    private static final double[] TILT_BODY = {Math.cos(0.12), Math.sin(0.12)};
    private static final double[] TILT_ATRIUM = {Math.cos(-0.45), Math.sin(-0.45)};
    private static final double[] TILT_OCCIPITAL = {Math.cos(-0.35), Math.sin(-0.35)};
    private static final double[] TILT_TEMPORAL = {Math.cos(0.25), Math.sin(0.25)};
    private static final double[] TILT_FRONTAL = {Math.cos(0.33), Math.sin(0.33)};
    private final Noise3 noise;
    private final double a, b, c, egg;
    private final double skin, fat, outerTable, diploe, innerTable, csf;
    private final double atrophy, ribbon, sulcusHalfWidth, fissureHalfWidth; // widths in mm
    private final double sulci, sulcusSlope, meander;
    private final double kx, ky, kz;
    private final double ventLeft, ventRight;
    private final double insulaX;
    private final double[][] lesions;

    private final double lesionContrast;

    BrainPhantom(SplittableRandom rng, double lesionProbability) {
        this(rng, lesionProbability, DistributionRecipe.LESION_SIZE_MIN_MM, DistributionRecipe.LESION_SIZE_MAX_MM, 1.0, 0.0);
    }

    BrainPhantom(SplittableRandom rng, double lesionProbability, double sizeMin, double sizeMax, double lesionContrast, double rotation90) {
        super(rng, 4.0, 3.0, 6.0, 4.0, rotation90);
        noise = new Noise3(rng);
        a = uniform(rng, 70, 80);
        b = uniform(rng, 90, 101);
        c = uniform(rng, 100, 112);
        egg = uniform(rng, 0.03, 0.09);
        skin = uniform(rng, 1.4, 2.2);
        fat = uniform(rng, 2.5, 5.0);
        outerTable = uniform(rng, 1.4, 2.0);
        diploe = uniform(rng, 1.8, 3.8);
        innerTable = uniform(rng, 1.2, 1.8);
        atrophy = Math.pow(rng.nextDouble(), 1.5);
        csf = 1.0 + 2.5 * atrophy + uniform(rng, 0, 0.8);
        ribbon = uniform(rng, 2.4, 3.2);
        sulcusHalfWidth = 0.35 + 1.0 * atrophy;
        sulci = Math.rint(uniform(rng, 24, 32));
        sulcusSlope = uniform(rng, -1, 1) / 60.0;
        meander = uniform(rng, 1.6, 2.4);
        fissureHalfWidth = 0.6 + 1.6 * atrophy;
        kx = (a - 10) / 66.0;
        ky = (b - 10) / 86.0;
        kz = (c - 10) / 96.0;
        double vent = 0.9 + 0.9 * atrophy + uniform(rng, -0.1, 0.1);
        ventLeft = vent * uniform(rng, 0.92, 1.08);
        ventRight = vent * uniform(rng, 0.92, 1.08);
        insulaX = uniform(rng, 33, 37);
        int n = rng.nextDouble() < lesionProbability ? 1 + rng.nextInt(5) : 0;
        lesions = new double[n][];
        for (int i = 0; i < n; i++) {
            double side = rng.nextBoolean() ? 1 : -1;
            lesions[i] = new double[]{
                    side * uniform(rng, 14, 26) * kx, uniform(rng, -24, 26) * ky, uniform(rng, 6, 32) * kz,
                    uniform(rng, 2.0, 5.5), uniform(rng, 2.0, 6.5), uniform(rng, 2.0, 5.0)};
            if (sizeMin != DistributionRecipe.LESION_SIZE_MIN_MM || sizeMax != DistributionRecipe.LESION_SIZE_MAX_MM) {
                // the same draws mapped onto the distribution's range (the default range leaves them untouched)
                double k = (sizeMax - sizeMin) / (DistributionRecipe.LESION_SIZE_MAX_MM - DistributionRecipe.LESION_SIZE_MIN_MM);
                for (int j = 3; j < 6; j++) lesions[i][j] = sizeMin + (lesions[i][j] - DistributionRecipe.LESION_SIZE_MIN_MM) * k;
            }
        }
        this.lesionContrast = lesionContrast;
    }

    @Override
    double sliceRangeLow() {
        return -22;
    }

    @Override
    double sliceRangeHigh() {
        return 48;
    }

    @Override
    long sample(double x, double y, double z) {
        double ax = a * (1 + egg * y / b);
        double ex = x / ax, ey = y / b, ez = z / c;
        double e2 = ex * ex + ey * ey + ez * ez;
        if (e2 > 1.12) return EMPTY;
        double r = Math.sqrt(x * x + y * y + z * z);
        if (r < 1e-6) r = 1e-6;
        double e = Math.sqrt(e2);
        double dx = x / r, dy = y / r, dz = z / r;
        double shape = noise.at(2.2 * dx + 11.3, 2.2 * dy + 3.1, 2.2 * dz + 7.9);
        double surface = r / e * (1 + 0.025 * shape);
        double d = surface - r;
        if (d < 0) return EMPTY;
        double t1 = noise.at(4 * dx + 31.7, 4 * dy + 2.9, 4 * dz + 19.3);
        double d1 = skin;
        if (d < d1) return pack(Tissue.SKIN, 1 + 0.05 * t1);
        double d2 = d1 + fat * (1 + 0.35 * t1);
        if (d < d2) return pack(Tissue.FAT, 1 + 0.04 * noise.at(x / 4, y / 4, z / 4));
        double d3 = d2 + outerTable;
        if (d < d3) return pack(Tissue.CORTICAL_BONE, 1);
        double d4 = d3 + diploe * (1 + 0.45 * noise.at(3 * dx - 8.1, 3 * dy + 14.2, 3 * dz + 1.7));
        if (d < d4) return pack(Tissue.MARROW, 1 + 0.15 * noise.at(x / 1.6, y / 1.6, z / 1.6));
        double d5 = d4 + innerTable;
        if (d < d5) return pack(Tissue.CORTICAL_BONE, 1);

        double xm = x - 1.5 * noise.at(y / 45 + 3.3, z / 45 + 8.8, 7.7);
        double axm = Math.abs(xm);
        if (d < d5 + 5.5 && axm < 3.8 - 0.55 * (d - d5) && z > -10) {
            return pack(Tissue.VESSEL, 1); // superior sagittal sinus along the inner table at the midline
        }
        double d6 = d5 + csf * (1 + 0.4 * noise.at(5 * dx + 41.0, 5 * dy - 6.6, 5 * dz + 27.4));
        if (d < d6) return pack(Tissue.CSF, 1);
        double u = d - d6; // depth into the brain

        // deep structures first: they win over cortex and white matter
        Tissue deep = deep(x / kx, y / ky, z / kz, u);
        if (deep != null) return textured(deep, x, y, z);

        // interhemispheric fissure above the corpus callosum, with the falx in its middle
        double yn = y / (34 * ky);
        boolean callosal = Math.abs(yn) < 1 && z < (22 - 9 * yn * yn) * kz;
        if (!callosal) {
            if (axm < 0.35) return pack(Tissue.LIGAMENT, 1);
            if (axm < fissureHalfWidth) return pack(Tissue.CSF, 1);
            if (axm < fissureHalfWidth + ribbon) return lesionOr(Tissue.GREY_MATTER, x, y, z);
        }

        // folded cortex: sulci are where a meandering phase around the head is half-way between integers
        double qx = 75 * dx / 25, qy = 75 * dy / 25, qz = 75 * dz / 25;
        double rxy = Math.sqrt(x * x + y * y) + 1e-9;
        double psi = sulci * Math.atan2(y / b, x / a) / (2 * Math.PI) + z * sulcusSlope
                + meander * noise.fbm2(qx, qy, qz) + 0.12 * u * noise.at(3 * qx + 31.1, 3 * qy - 5.2, 3 * qz + 17.6);
        double period = 2 * Math.PI * rxy / sulci;
        double lateral = Math.abs(psi - Math.floor(psi) - 0.5) * period; // mm from the sulcus centre line
        double depth = 2.0 + 12.0 * clamp01(0.55 + 0.9 * noise.at(0.8 * qx + 60.2, 0.8 * qy + 13.1, 0.8 * qz - 4.4));
        if (u < depth && lateral < sulcusHalfWidth * (1 - 0.4 * u / depth)) return pack(Tissue.CSF, 1);
        double nearSulcus = 1 - Shapes.smoothstep(sulcusHalfWidth + 0.7 * ribbon, sulcusHalfWidth + 1.25 * ribbon, lateral);
        double wmDepth = ribbon + (depth + 0.3) * nearSulcus;
        // shallower secondary sulci on some gyral crowns
        double depth2 = 9.0 * (noise.at(1.3 * qx - 14.9, 1.3 * qy + 52.7, 1.3 * qz + 3.3) - 0.05);
        if (depth2 > 0.5) {
            double psi2 = 2 * psi + 0.5;
            double lateral2 = Math.abs(psi2 - Math.floor(psi2) - 0.5) * period / 2;
            if (u < depth2 && lateral2 < 0.8 * sulcusHalfWidth * (1 - 0.4 * u / depth2)) return pack(Tissue.CSF, 1);
            double near2 = 1 - Shapes.smoothstep(sulcusHalfWidth + 0.7 * ribbon, sulcusHalfWidth + 1.25 * ribbon, lateral2);
            wmDepth = Math.max(wmDepth, ribbon + (depth2 + 0.3) * near2);
        }
        if (u < wmDepth) return lesionOr(Tissue.GREY_MATTER, x, y, z);
        return lesionOr(Tissue.WHITE_MATTER, x, y, z);
    }

    private long lesionOr(Tissue t, double x, double y, double z) {
        for (double[] l : lesions) {
            double e = Shapes.ellipsoid(x, y, z, l[0], l[1], l[2], l[3], l[4], l[5]);
            if (e < 1.3 && e < 1 + 0.25 * noise.at(x / 2.5 + 90, y / 2.5, z / 2.5)) {
                return pack(Tissue.LESION, lesionContrast * (1 + 0.08 * noise.at(x / 2, y / 2 + 40, z / 2)));
            }
        }
        return textured(t, x, y, z);
    }

    private long textured(Tissue t, double x, double y, double z) {
        double tex = switch (t) {
            case WHITE_MATTER -> 1 + 0.03 * noise.at(x / 9 + 100, y / 9, z / 9);
            case GREY_MATTER -> 1 + 0.05 * noise.at(x / 5, y / 5 + 100, z / 5);
            case DEEP_GREY -> 1 + 0.04 * noise.at(x / 6, y / 6, z / 6 + 100);
            default -> 1;
        };
        return pack(t, tex);
    }

    /** Ventricles, choroid plexus, basal ganglia, thalamus and insula in brain-normalised coordinates; null elsewhere. */
    private Tissue deep(double x, double y, double z, double u) {
        if (u < 4 || Math.abs(x) > 44 || y < -42 || y > 50 || z < -28 || z > 36) return null;
        double side = x < 0 ? -1 : 1;
        double ax = Math.abs(x);
        double vs = x < 0 ? ventLeft : ventRight;
        // lateral ventricle: frontal horn, body, atrium, occipital and temporal horns
        double v = rotated(ax, y, z, 6.2, -18, 12, 3.6 * vs, 12.5, 7.2 * vs, TILT_FRONTAL);
        v = Math.min(v, rotated(ax, y, z, 8.5, 4, 17, 4.2 * vs, 17, 6.0 * vs, TILT_BODY));
        v = Math.min(v, rotated(ax, y, z, 16, 25, 11, 5.0 * vs, 10, 6.5 * vs, TILT_ATRIUM));
        v = Math.min(v, rotated(ax, y, z, 19, 37, 8, 2.6 * vs, 9, 3.2 * vs, TILT_OCCIPITAL));
        v = Math.min(v, rotated(ax, y, z, 27, 6, -13, 2.2 * vs, 13, 2.6 * vs, TILT_TEMPORAL));
        if (v < 1) {
            if (ax < 0.7 && z > 0) return Tissue.WHITE_MATTER; // septum pellucidum
            if (Shapes.ellipsoid(ax, y, z, 16, 24, 10, 2.8, 5.5, 3.0) < 1) return Tissue.CHOROID_PLEXUS;
            return Tissue.CSF;
        }
        double vm = (ventLeft + ventRight) / 2;
        if (Shapes.ellipsoid(x, y, z, 0, 0, -6, 1.3 * vm, 11, 9) < 1) return Tissue.CSF; // third ventricle
        // caudate head and body
        if (Shapes.ellipsoid(ax, y, z, 11.0 + 1.5 * (vs - 1), -12, 10, 4.5, 9, 8) < 1) return Tissue.DEEP_GREY;
        if (Shapes.ellipsoid(ax, y, z, 13.0 + 2.0 * (vs - 1), 6, 16, 2.8, 12, 3.4) < 1) return Tissue.DEEP_GREY;
        // putamen and globus pallidus, thalamus
        if (rotated(ax, y, z, 23, -2, 2, 5.5, 14, 8, TILT_BODY) < 1) return Tissue.DEEP_GREY;
        if (Shapes.ellipsoid(ax, y, z, 17, 0, 0, 3.5, 8, 5) < 1) return Tissue.DEEP_GREY;
        if (Shapes.ellipsoid(ax, y, z, 8.5, 8, 2, 7.5, 13, 8) < 1) return Tissue.DEEP_GREY;
        // insula and Sylvian fissure
        if (y > -26 && y < 18 && z > -16 && z < 12) {
            double xi = insulaX + 0.12 * y;
            double edge = Math.max(clamp01((y + 26) / 5) * clamp01((18 - y) / 5), 0) * clamp01((12 - z) / 4) * clamp01((z + 16) / 4);
            double cistern = (0.8 + 1.5 * atrophy) * edge;
            if (ax > xi && ax < xi + cistern) return Tissue.CSF;
            if (ax > xi - 2.8 * edge && ax <= xi) return Tissue.GREY_MATTER;
            double stem = y - (-8 + 0.55 * (ax - xi));
            if (ax > xi && Math.abs(stem) < cistern * 0.9) return Tissue.CSF;
            if (ax > xi && Math.abs(stem) < cistern * 0.9 + ribbon) return Tissue.GREY_MATTER;
        }
        return null;
    }

    /** Normalised radius of an ellipsoid rotated by {@code rotation} = (cos, sin) of an angle in the axial plane. */
    private static double rotated(double x, double y, double z, double cx, double cy, double cz,
                                  double ax, double ay, double az, double[] rotation) {
        double px = x - cx, py = y - cy;
        double cs = rotation[0], sn = rotation[1];
        double rx = cs * px + sn * py, ry = -sn * px + cs * py;
        double dx = rx / ax, dy = ry / ay, dz = (z - cz) / az;
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
}
