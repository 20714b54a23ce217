package org.robustmri.sim;

import org.robustmri.io.FastMriWriter;
import org.robustmri.io.IsmrmrdHeader;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One simulated multi-coil volume in memory, in fastMRI layout.
 *
 * @param distribution what was simulated
 * @param seed         the global seed
 * @param index        the volume index within its distribution
 * @param slices       number of slices
 * @param matrix       target size M: k-space is (slices, coils, 2M, M), the target (slices, M, M)
 * @param kspace       interleaved (re, im) k-space, fully sampled, with noise
 * @param target       root-sum-of-squares of the centre-cropped {@code ifft2c} of {@code kspace}
 * @param labels       tissue labels (slices, M, M) on the target grid: {@link Tissue#label()} where the pixel's
 *                     neighbourhood on the rendering grid holds one tissue, {@link Tissue#MIXED} otherwise
 * @param slicePositionsMm slice positions along the slice axis
 */
public record SimulatedVolume(Distribution distribution, long seed, int index, int slices, int matrix,
                              float[] kspace, float[] target, byte[] labels, double[] slicePositionsMm) {

    /** Institution written to every simulated header. */
    public static final String INSTITUTION = "robustmri simulator";
    /** Version of the simulation model, written as {@code simulator_version}; bumped when output changes. */
    public static final int MODEL_VERSION = 1;

    public int coils() {
        return distribution.coils();
    }

    /** k-space height (readout, oversampled twice). */
    public int height() {
        return 2 * matrix;
    }

    /** k-space width (phase encode). */
    public int width() {
        return matrix;
    }

    public String fileName() {
        return fileName(distribution.name(), index);
    }

    /** {@code sim_<distribution>_<index, 4 digits>.h5}. */
    public static String fileName(String distribution, int index) {
        return String.format(Locale.ROOT, "sim_%s_%04d.h5", distribution, index);
    }

    /** Unique per simulated subject: {@code sim-<distribution>-<seed>-<index>}. */
    public String patientId() {
        return "sim-" + distribution.name() + "-" + seed + "-" + index;
    }

    public IsmrmrdHeader header() {
        return new IsmrmrdHeader(distribution.vendor(), distribution.model(), distribution.fieldStrengthT(), coils(),
                INSTITUTION, distribution.protocol(), height(), width(), 1, matrix, matrix, 1, matrix / 2, matrix - 1);
    }

    /** The root attributes beyond fastMRI's own ({@code acquisition}, {@code max}, {@code norm}, {@code patient_id}). */
    public Map<String, Object> extraAttributes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset_name", distribution.name());
        m.put("anatomy", distribution.anatomy().id());
        m.put("contrast", distribution.contrast().id());
        m.put("sequence_type", distribution.sequenceType().id());
        m.put("simulator_seed", seed);
        m.put("simulator_volume_index", index);
        m.put("simulator_version", MODEL_VERSION);
        m.put("tr_ms", distribution.trMs());
        m.put("te_ms", distribution.teMs());
        m.put("ti_ms", distribution.tiMs());
        return m;
    }

    public FastMriWriter.Volume toWriterVolume() {
        return new FastMriWriter.Volume(slices, coils(), height(), width(), kspace, matrix, matrix, target, header(),
                distribution.protocol(), patientId(), extraAttributes());
    }

    /** The target of one slice, row-major (M, M). */
    public float[] targetSlice(int slice) {
        int plane = matrix * matrix;
        return Arrays.copyOfRange(target, slice * plane, (slice + 1) * plane);
    }

    /** The label map of one slice, row-major (M, M). */
    public byte[] labelSlice(int slice) {
        int plane = matrix * matrix;
        return Arrays.copyOfRange(labels, slice * plane, (slice + 1) * plane);
    }
}
