package org.robustmri.sim;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/** Body parts the simulator models, with their slice orientation and default field of view. */
public enum Anatomy {
    /** Axial slices through the cerebrum. */
    BRAIN(230.0, 0.5),
    /** Coronal slices through the knee joint. */
    KNEE(150.0, 0.0);

    private final double defaultFovMm;
    private final double defaultLesionProbability;

    Anatomy(double defaultFovMm, double defaultLesionProbability) {
        this.defaultFovMm = defaultFovMm;
        this.defaultLesionProbability = defaultLesionProbability;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Phase-encode (and target) field of view used when a distribution does not give {@code fov_mm}. */
    public double defaultFovMm() {
        return defaultFovMm;
    }

    public double defaultLesionProbability() {
        return defaultLesionProbability;
    }

    /** A new simulated subject of this anatomy; everything about it is drawn from {@code rng}. */
    Phantom newSubject(SplittableRandom rng, DistributionRecipe d) {
        double lesionProbability = d.lesionProbability();
        return switch (this) {
            case BRAIN -> new BrainPhantom(rng, lesionProbability, d.lesionSizeMinMm(), d.lesionSizeMaxMm(), d.lesionContrast(),
                    d.rotation90Probability());
            case KNEE -> new KneePhantom(rng, lesionProbability, d.rotation90Probability());
        };
    }

    public static Anatomy parse(String s) {
        for (Anatomy a : values()) {
            if (a.id().equals(s)) return a;
        }
        throw new IllegalArgumentException("unknown anatomy '" + s + "'; expected one of: "
                + Arrays.stream(values()).map(Anatomy::id).collect(Collectors.joining(", ")));
    }
}
