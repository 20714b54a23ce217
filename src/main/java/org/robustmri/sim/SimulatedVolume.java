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
public record SimulatedVolume(DistributionRecipe distribution, long seed, int index, int slices, int matrix,
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

    /**
     * The ISMRMRD header: the recon field of view is the distribution's {@code fov_mm} in both directions (the encoded
     * readout covers twice it), and along z the distance between neighbouring slices (unknown for a single slice, when
     * no field of view is written).
     */
    public IsmrmrdHeader header() {
        double spacing = slices > 1 ? (slicePositionsMm[slices - 1] - slicePositionsMm[0]) / (slices - 1) : Double.NaN;
        return new IsmrmrdHeader(distribution.vendor(), distribution.model(), distribution.fieldStrengthT(), coils(),
                INSTITUTION, distribution.protocol(), height(), width(), 1, matrix, matrix, 1, matrix / 2, matrix - 1,
                distribution.fovMm(), distribution.fovMm(), spacing);
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
        m.put(LESION_BOXES, lesionBoxesAttribute());
        return m;
    }

    /** Root attribute listing the lesion boxes, {@code slice:x:y:width:height} separated by {@code ;} (empty: none). */
    public static final String LESION_BOXES = "lesion_boxes";

    /** One lesion's bounding box on one slice, in fastMRI+'s convention (pixels of the up/down-flipped target). */
    public record LesionBox(int slice, int x, int y, int width, int height) {
    }

    /**
     * The boxes of the lesions visible in each slice: 8-connected regions of lesion pixels on the target grid, grown
     * by one pixel (the partial-volume rim an annotator's box includes) and clipped to the image, then flipped.
     */
    public java.util.List<LesionBox> lesionBoxes() {
        java.util.List<LesionBox> out = new java.util.ArrayList<>();
        byte lesion = Tissue.LESION.label();
        int m = matrix;
        for (int s = 0; s < slices; s++) {
            byte[] l = labelSlice(s);
            boolean[] seen = new boolean[m * m];
            int[] stack = new int[m * m];
            for (int start = 0; start < m * m; start++) {
                if (l[start] != lesion || seen[start]) continue;
                int r0 = m, r1 = -1, c0 = m, c1 = -1, top = 0;
                stack[top++] = start;
                seen[start] = true;
                while (top > 0) {
                    int p = stack[--top], r = p / m, c = p % m;
                    r0 = Math.min(r0, r);
                    r1 = Math.max(r1, r);
                    c0 = Math.min(c0, c);
                    c1 = Math.max(c1, c);
                    for (int dr = -1; dr <= 1; dr++) {
                        for (int dc = -1; dc <= 1; dc++) {
                            int rr = r + dr, cc = c + dc;
                            if (rr < 0 || rr >= m || cc < 0 || cc >= m) continue;
                            int q = rr * m + cc;
                            if (!seen[q] && l[q] == lesion) {
                                seen[q] = true;
                                stack[top++] = q;
                            }
                        }
                    }
                }
                r0 = Math.max(0, r0 - 1);
                r1 = Math.min(m - 1, r1 + 1);
                c0 = Math.max(0, c0 - 1);
                c1 = Math.min(m - 1, c1 + 1);
                out.add(new LesionBox(s, c0, m - 1 - r1, c1 - c0 + 1, r1 - r0 + 1));
            }
        }
        return out;
    }

    String lesionBoxesAttribute() {
        StringBuilder sb = new StringBuilder();
        for (LesionBox b : lesionBoxes()) {
            if (sb.length() > 0) sb.append(';');
            sb.append(b.slice()).append(':').append(b.x()).append(':').append(b.y()).append(':').append(b.width()).append(':').append(b.height());
        }
        return sb.toString();
    }

    public FastMriWriter.Contents toWriterVolume() {
        return new FastMriWriter.Contents(slices, coils(), height(), width(), kspace, matrix, matrix, target, header(),
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
