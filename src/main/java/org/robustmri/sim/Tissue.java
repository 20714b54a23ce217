package org.robustmri.sim;

/**
 * Tissue classes of the procedural anatomy with their MR properties (literature values).
 *
 * <p>Relaxation times are given at 1.5 T and 3 T in milliseconds; {@link #t1Ms(double)} and
 * {@link #t2Ms(double)} interpolate (T1 as a power law of the field, T2 linearly) and extrapolate outside.
 * Proton density is relative to pure water. {@code contrastAgentMm} is the gadolinium concentration
 * (mmol/l) the tissue takes up after injection, which shortens T1 in post-contrast images.
 * The ordinal is the label value stored in the simulator's label maps.
 */
public enum Tissue {
    BACKGROUND(0.0, 1, 1, 1, 1, false, 0.0),
    SKIN(0.72, 800, 1100, 45, 40, false, 0.10),
    FAT(0.95, 260, 370, 85, 75, true, 0.0),
    CORTICAL_BONE(0.03, 1000, 1200, 1.5, 1.2, false, 0.0),
    MARROW(0.90, 290, 390, 80, 70, true, 0.02),
    CSF(1.00, 4000, 4300, 2000, 2000, false, 0.0),
    GREY_MATTER(0.80, 1100, 1330, 100, 90, false, 0.0),
    WHITE_MATTER(0.70, 650, 830, 80, 72, false, 0.0),
    DEEP_GREY(0.78, 900, 1100, 90, 80, false, 0.0),
    LESION(0.85, 1200, 1450, 150, 130, false, 0.35),
    VESSEL(0.85, 1440, 1930, 250, 150, false, 1.2),
    CHOROID_PLEXUS(0.80, 1000, 1200, 110, 100, false, 0.8),
    MUSCLE(0.70, 870, 1420, 47, 32, false, 0.05),
    CARTILAGE(0.75, 1060, 1240, 42, 37, false, 0.0),
    MENISCUS(0.35, 1000, 1100, 10, 8, false, 0.0),
    LIGAMENT(0.30, 600, 700, 8, 6, false, 0.0),
    FLUID(0.95, 2900, 3600, 700, 600, false, 0.0);

    /** Label value for a target pixel whose 3x3 fine-grid neighbourhood holds more than one tissue. */
    public static final byte MIXED = -1;

    private static final Tissue[] VALUES = values();

    private final double protonDensity;
    private final double t1At15, t1At3, t2At15, t2At3;
    private final boolean fat;
    private final double contrastAgentMm;

    Tissue(double protonDensity, double t1At15, double t1At3, double t2At15, double t2At3, boolean fat,
           double contrastAgentMm) {
        this.protonDensity = protonDensity;
        this.t1At15 = t1At15;
        this.t1At3 = t1At3;
        this.t2At15 = t2At15;
        this.t2At3 = t2At3;
        this.fat = fat;
        this.contrastAgentMm = contrastAgentMm;
    }

    public double protonDensity() {
        return protonDensity;
    }

    /** Fat-like tissue (subcutaneous fat, fatty marrow): suppressed by fat saturation. */
    public boolean isFat() {
        return fat;
    }

    public double contrastAgentMm() {
        return contrastAgentMm;
    }

    /** T1 in ms at {@code fieldT}: power law through the 1.5 T and 3 T values. */
    public double t1Ms(double fieldT) {
        double gamma = Math.log(t1At3 / t1At15) / Math.log(2.0);
        return t1At15 * Math.pow(fieldT / 1.5, gamma);
    }

    /** T2 in ms at {@code fieldT}: linear through the 1.5 T and 3 T values, never below half the smaller one. */
    public double t2Ms(double fieldT) {
        double t2 = t2At15 + (t2At3 - t2At15) * (fieldT - 1.5) / 1.5;
        return Math.max(t2, 0.5 * Math.min(t2At15, t2At3));
    }

    /** The tissue of a label value; {@link #MIXED} and unknown values throw. */
    public static Tissue ofLabel(byte label) {
        if (label < 0 || label >= VALUES.length) throw new IllegalArgumentException("no tissue has label " + label);
        return VALUES[label];
    }

    public byte label() {
        return (byte) ordinal();
    }

    static int count() {
        return VALUES.length;
    }
}
