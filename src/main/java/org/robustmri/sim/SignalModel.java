package org.robustmri.sim;

/**
 * Signal equations: the steady-state transverse magnetisation of each tissue for a distribution's sequence,
 * in units of fully relaxed water (proton density 1, TR infinite, TE zero).
 *
 * <ul>
 *   <li>spin echo and turbo spin echo: {@code PD (1 - exp(-TR/T1)) exp(-TE/T2)};</li>
 *   <li>inversion recovery ({@code ti_ms > 0}): {@code PD (1 - 2 exp(-TI/T1) + exp(-TR/T1)) exp(-TE/T2)}, signed,
 *       so tissue still inverted at readout has opposite phase, as in a real phase-sensitive acquisition;</li>
 *   <li>post contrast: {@code 1/T1 = 1/T1_0 + r1 C} with the tissue's gadolinium uptake C and relaxivity r1;</li>
 *   <li>echo trains lengthen the apparent T2 of fat (J-coupling suppression);</li>
 *   <li>spoiled gradient echo: {@code PD sin(a) (1 - E1) / (1 - cos(a) E1) exp(-TE/T2*)}, with
 *       {@code 1/T2* = 1/T2 + R2'} and {@code R2'} (static dephasing) growing with the field, 12.5/s at 3 T;</li>
 *   <li>flowing blood gives a flow void on spin echo images unless it carries contrast agent (gradient echoes keep
 *       inflowing blood bright, so no void there).</li>
 * </ul>
 * Fat suppression is applied per pixel by the simulator (it varies over the field of view), not here.
 */
public final class SignalModel {
    /** Apparent T2 lengthening of fat in echo-train sequences. */
    static final double FAT_ECHO_TRAIN_T2_FACTOR = 1.6;
    /** Remaining signal of flowing blood on spin echo images without contrast agent. */
    static final double FLOW_VOID = 0.15;
    /** Reversible dephasing rate R2' in 1/ms at 3 T (1/T2* = 1/T2 + R2'), proportional to the field. */
    static final double R2_PRIME_PER_MS_AT_3T = 0.0125;

    private SignalModel() {
    }

    /** Gadolinium T1 relaxivity in 1/(mM s), literature values at 1.5 T and 3 T, linear in between. */
    static double relaxivity(double fieldT) {
        return Math.max(2.5, 4.3 + (3.7 - 4.3) * (fieldT - 1.5) / 1.5);
    }

    /** T1 in ms of {@code t} for distribution {@code d}, including contrast agent for post-contrast images. */
    public static double t1Ms(Tissue t, DistributionRecipe d) {
        double t1 = t.t1Ms(d.fieldStrengthT());
        if (d.contrast().postContrast() && t.contrastAgentMm() > 0) {
            double rate = 1000.0 / t1 + relaxivity(d.fieldStrengthT()) * t.contrastAgentMm();
            t1 = 1000.0 / rate;
        }
        return t1;
    }

    /** Apparent T2 in ms of {@code t} for distribution {@code d}. */
    public static double t2Ms(Tissue t, DistributionRecipe d) {
        double t2 = t.t2Ms(d.fieldStrengthT());
        if (t.isFat() && d.sequenceType().echoTrain()) t2 *= FAT_ECHO_TRAIN_T2_FACTOR;
        return t2;
    }

    /** Signal of {@code t} for distribution {@code d} (before fat suppression and coil sensitivities). */
    public static double signal(Tissue t, DistributionRecipe d) {
        if (t.protonDensity() == 0) return 0;
        double t1 = t1Ms(t, d);
        double t2 = t2Ms(t, d);
        double e1 = Math.exp(-d.trMs() / t1);
        if (d.sequenceType() == SequenceType.GRADIENT_ECHO) {
            double a = Math.toRadians(d.flipDeg());
            double t2star = 1.0 / (1.0 / t2 + R2_PRIME_PER_MS_AT_3T * d.fieldStrengthT() / 3.0);
            return t.protonDensity() * Math.sin(a) * (1 - e1) / (1 - Math.cos(a) * e1) * Math.exp(-d.teMs() / t2star);
        }
        double longitudinal = d.tiMs() > 0
                ? 1 - 2 * Math.exp(-d.tiMs() / t1) + e1
                : 1 - e1;
        double s = t.protonDensity() * longitudinal * Math.exp(-d.teMs() / t2);
        if (t == Tissue.VESSEL && !d.contrast().postContrast()) s *= FLOW_VOID;
        return s;
    }

    /** Signals of all tissues, indexed by label. */
    static double[] table(DistributionRecipe d) {
        Tissue[] all = Tissue.values();
        double[] out = new double[all.length];
        for (Tissue t : all) out[t.ordinal()] = signal(t, d);
        return out;
    }

    /** The inversion time that nulls a tissue for a given TR: {@code T1 ln(2 / (1 + exp(-TR/T1)))}. */
    public static double nullingTiMs(Tissue t, double fieldT, double trMs) {
        double t1 = t.t1Ms(fieldT);
        return t1 * Math.log(2.0 / (1.0 + Math.exp(-trMs / t1)));
    }
}
