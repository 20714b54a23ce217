package org.robustmri.sim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One named MRI data distribution: what is imaged, how, and on which (simulated) scanner.
 *
 * @param name              identifier used on the command line, in file names and as {@code dataset_name}
 * @param description       free text
 * @param anatomy           brain (axial) or knee (coronal)
 * @param contrast          pd, pdfs, t1, t1post, t2 or flair
 * @param fieldStrengthT    main field in tesla: sets T1/T2 and scales the SNR
 * @param coils             receive channels
 * @param trMs              repetition time
 * @param teMs              (effective) echo time
 * @param tiMs              inversion time; 0 for no inversion pulse
 * @param snr               SNR of fully relaxed water (proton density 1, TR infinite, TE 0) at the centre of the
 *                          coil-combined image at 1.5 T; the simulator scales it by {@code fieldStrengthT / 1.5}.
 *                          A tissue's SNR is this times its relative signal (see {@link SignalModel}).
 * @param vendor            scanner vendor written to the header (made up)
 * @param model             scanner model written to the header (made up)
 * @param protocol          protocol name, written to the header and as {@code acquisition}
 * @param sequenceType      sequence family, written as {@code sequence_type}
 * @param noiseCorrelation  noise correlation between strongly overlapping neighbouring coils, in [0, 0.95]
 * @param scaling           vendor-specific global intensity scale of the k-space data
 * @param fovMm             phase-encode field of view in mm (the readout field of view is twice this)
 * @param lesionProbability probability that a simulated subject has lesions (brain only)
 * @param lesionSizeMinMm  smallest lesion semi-axis (mm)
 * @param lesionSizeMaxMm  largest lesion semi-axis (mm)
 * @param lesionContrast   lesion proton density relative to the lesion tissue's own (1: unchanged)
 * @param flipDeg          excitation flip angle in degrees (gradient echo; spin-echo families excite with 90)
 * @param blurMm           Gaussian blur (standard deviation, mm) of the rendered object before acquisition: the
 *                          partial-volume and point-spread softening that the procedural anatomy's sharp boundaries lack
 * @param rotation90Probability probability that a subject lies rotated by 90 degrees in plane, so that its
 *                          anterior-posterior axis runs along the phase-encode direction (both orientations occur in practice)
 * @param coilLoopScale     radius of the array's loop coils relative to the default for the array's size: larger loops
 *                          have wider, smoother sensitivity profiles that overlap more (1: the default array)
 */
public record DistributionRecipe(
        String name,
        String description,
        Anatomy anatomy,
        Contrast contrast,
        double fieldStrengthT,
        int coils,
        double trMs,
        double teMs,
        double tiMs,
        double snr,
        String vendor,
        String model,
        String protocol,
        SequenceType sequenceType,
        double noiseCorrelation,
        double scaling,
        double fovMm,
        double lesionProbability,
        double lesionSizeMinMm,
        double lesionSizeMaxMm,
        double lesionContrast,
        double flipDeg,
        double blurMm,
        double rotation90Probability,
        double coilLoopScale) {

    /** The lesion semi-axis range the brain phantom draws from unless a distribution says otherwise. */
    public static final double LESION_SIZE_MIN_MM = 2.0, LESION_SIZE_MAX_MM = 6.5;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    public static final int MAX_COILS = 64;

    public DistributionRecipe {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(anatomy, "anatomy");
        Objects.requireNonNull(contrast, "contrast");
        Objects.requireNonNull(sequenceType, "sequenceType");
        description = description == null ? "" : description;
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("distribution name '" + name
                    + "' must start with a letter or digit and use only letters, digits, '.', '_' and '-'");
        }
        String where = "distribution '" + name + "': ";
        requireRange(where, "field_strength_t", fieldStrengthT, 0.1, 12.0);
        if (coils < 1 || coils > MAX_COILS) {
            throw new IllegalArgumentException(where + "coils must be in [1, " + MAX_COILS + "], got " + coils);
        }
        requireRange(where, "tr_ms", trMs, 1.0, 100_000.0);
        requireRange(where, "te_ms", teMs, 0.1, 1_000.0);
        if (teMs >= trMs) throw new IllegalArgumentException(where + "te_ms (" + teMs + ") must be below tr_ms (" + trMs + ")");
        requireRange(where, "ti_ms", tiMs, 0.0, 100_000.0);
        if (tiMs >= trMs) throw new IllegalArgumentException(where + "ti_ms (" + tiMs + ") must be below tr_ms (" + trMs + ")");
        if (contrast == Contrast.FLAIR && tiMs <= 0) {
            throw new IllegalArgumentException(where + "contrast flair needs an inversion time ti_ms > 0");
        }
        requireRange(where, "snr", snr, 1e-3, 1e6);
        requireRange(where, "noise_correlation", noiseCorrelation, 0.0, 0.95);
        requireRange(where, "scaling", scaling, 1e-30, 1e30);
        requireRange(where, "fov_mm", fovMm, 50.0, 500.0);
        requireRange(where, "lesion_probability", lesionProbability, 0.0, 1.0);
        requireRange(where, "lesion_size_mm minimum", lesionSizeMinMm, 0.5, 40.0);
        requireRange(where, "lesion_size_mm maximum", lesionSizeMaxMm, lesionSizeMinMm, 40.0);
        requireRange(where, "lesion_contrast", lesionContrast, 0.0, 10.0);
        requireRange(where, "flip_deg", flipDeg, 0.1, 180.0);
        requireRange(where, "blur_mm", blurMm, 0.0, 20.0);
        requireRange(where, "rotation_90_probability", rotation90Probability, 0.0, 1.0);
        requireRange(where, "coil_loop_scale", coilLoopScale, 0.25, 4.0);
        if ((sequenceType == SequenceType.GRADIENT_ECHO) != (contrast == Contrast.GRE)) {
            throw new IllegalArgumentException(where + "contrast gre and sequence_type GradientEcho go together");
        }
        vendor = requireText(where, "vendor", vendor);
        model = requireText(where, "model", model);
        protocol = requireText(where, "protocol", protocol);
    }

    /** SNR of fully relaxed water after the field-strength scaling (see {@code snr}). */
    public double effectiveSnr() {
        return snr * fieldStrengthT / 1.5;
    }

    /** All parameters by their YAML key, for provenance and listings. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        if (!description.isEmpty()) m.put("description", description);
        m.put("anatomy", anatomy.id());
        m.put("contrast", contrast.id());
        m.put("field_strength_t", fieldStrengthT);
        m.put("coils", coils);
        m.put("tr_ms", trMs);
        m.put("te_ms", teMs);
        m.put("ti_ms", tiMs);
        m.put("snr", snr);
        m.put("vendor", vendor);
        m.put("model", model);
        m.put("protocol", protocol);
        m.put("sequence_type", sequenceType.id());
        m.put("noise_correlation", noiseCorrelation);
        m.put("scaling", scaling);
        m.put("fov_mm", fovMm);
        m.put("lesion_probability", lesionProbability);
        m.put("lesion_size_mm", java.util.List.of(lesionSizeMinMm, lesionSizeMaxMm));
        m.put("lesion_contrast", lesionContrast);
        if (sequenceType == SequenceType.GRADIENT_ECHO) m.put("flip_deg", flipDeg);
        if (blurMm > 0) m.put("blur_mm", blurMm);
        if (rotation90Probability > 0) m.put("rotation_90_probability", rotation90Probability);
        if (coilLoopScale != 1) m.put("coil_loop_scale", coilLoopScale);
        return m;
    }

    private static void requireRange(String where, String key, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException(where + key + " must be in [" + lo + ", " + hi + "], got " + v);
        }
    }

    private static String requireText(String where, String key, String v) {
        if (v == null || v.isBlank()) throw new IllegalArgumentException(where + key + " must not be empty");
        return v.strip();
    }
}
