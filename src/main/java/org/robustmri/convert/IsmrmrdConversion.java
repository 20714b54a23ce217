package org.robustmri.convert;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.io.DataException;
import org.robustmri.io.IsmrmrdHeader;
import org.robustmri.io.IsmrmrdRawFile;
import org.robustmri.io.IsmrmrdRawFile.Acquisition;
import org.robustmri.kspace.Fft;
import org.robustmri.tensor.Tensors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Cartesian ISMRMRD raw data to fully sampled k-space volumes in fastMRI's layout. Each readout is placed at its
 * encoding counters: the phase-encode line at {@code step1 - center + W/2} (fastMRI's padding: the header keeps the
 * encoding limits, so {@code padding_left = W//2 - center}), the readout with its oversampling kept (an asymmetric echo
 * is placed so that {@code center_sample} lands on {@code H/2}; readouts flagged as reversed are taken as stored, as
 * ISMRMRD's own Cartesian reconstruction does); averages are combined or one chosen; repetitions and
 * contrasts become separate volumes unless combined or chosen; noise scans give the coil prewhitening. 3-D data are
 * inverse-FFT'd along one axis and cut into 2-D slices along it.
 */
public final class IsmrmrdConversion {
    private static final int[] SKIPPED = {IsmrmrdRawFile.FLAG_NOISE, IsmrmrdRawFile.FLAG_PARALLEL_CALIBRATION, IsmrmrdRawFile.FLAG_PHASECORR,
            IsmrmrdRawFile.FLAG_NAVIGATION, IsmrmrdRawFile.FLAG_RTFEEDBACK, IsmrmrdRawFile.FLAG_HPFEEDBACK, IsmrmrdRawFile.FLAG_DUMMYSCAN,
            IsmrmrdRawFile.FLAG_SURFACECOILCORRECTION, IsmrmrdRawFile.FLAG_PHASE_STABILIZATION_REFERENCE, IsmrmrdRawFile.FLAG_PHASE_STABILIZATION};

    /**
     * @param average    {@code mean} (default) or the index of the average to keep
     * @param repetition {@code all} (a volume each, the default), {@code mean}, or the index to keep
     * @param contrast   {@code all} (a volume each, the default) or the index to keep
     * @param sliceAxis  for 3-D data: {@code z} (partition encode, the default), {@code x} (readout) or {@code y}
     * @param prewhiten  whiten the coils with the noise scans' covariance
     */
    public record Options(String average, String repetition, String contrast, String sliceAxis, boolean prewhiten, String group) {
        public static Options defaults() {
            return new Options("mean", "all", "all", "z", false, "dataset");
        }
    }

    /**
     * A converted volume, the prefix and suffix its file name gets around the source's stem ({@code _rep1}, {@code _con0},
     * the paper's {@code E1_}), and root attributes of its own.
     */
    public record Part(String prefix, String suffix, KspaceVolume volume, Map<String, Object> attributes) {
        public Part(String suffix, KspaceVolume volume) {
            this("", suffix, volume, Map.of());
        }

        public String fileName(String stem) {
            return prefix + stem + suffix + ".h5";
        }
    }

    private IsmrmrdConversion() {
    }

    public static List<Part> convert(Path file, Options o) {
        IsmrmrdRawFile raw = IsmrmrdRawFile.read(file, o.group());
        IsmrmrdEncoding enc;
        IsmrmrdHeader header;
        try {
            enc = IsmrmrdEncoding.parse(raw.xml());
            header = IsmrmrdHeader.parse(raw.xml());
        } catch (DataException e) {
            throw new DataException(file, e.getMessage(), e);
        }
        if (enc.trajectory() != null && !enc.trajectory().equalsIgnoreCase("cartesian")) {
            throw new DataException(file, "trajectory is " + enc.trajectory() + "; only Cartesian data are converted");
        }
        List<Acquisition> noise = new ArrayList<>(), imaging = new ArrayList<>();
        for (Acquisition a : raw.acquisitions()) {
            if (a.has(IsmrmrdRawFile.FLAG_NOISE)) noise.add(a);
            else if (!skipped(a)) imaging.add(a);
        }
        if (imaging.isEmpty()) throw new DataException(file, "holds no imaging acquisitions");
        int coils = imaging.get(0).channels();
        for (Acquisition a : imaging) {
            if (a.channels() != coils) throw new DataException(file, "acquisitions have " + coils + " and " + a.channels() + " channels");
        }
        float[] whitening = null;
        if (o.prewhiten()) {
            if (noise.isEmpty()) throw new DataException(file, "--prewhiten needs noise scans, and the file has none");
            whitening = Prewhitening.matrix(noise, coils);
        }
        VolumeFields fields = VolumeFields.of(header);
        if (!fields.values().containsKey("field_strength") && !Double.isNaN(enc.fieldStrengthFromFrequency())) {
            fields = fields.with(new VolumeFields(Map.of("field_strength", Double.toString(enc.fieldStrengthFromFrequency()))));
        }
        if (enc.reconFov() != null && !fields.values().containsKey("fov_mm")) {
            fields = fields.with(new VolumeFields(Map.of("fov_mm", enc.reconFov()[0] + "," + enc.reconFov()[1] + "," + enc.reconFov()[2])));
        }
        Map<String, List<Acquisition>> groups = group(imaging, o, file);
        List<Part> parts = new ArrayList<>();
        for (Map.Entry<String, List<Acquisition>> g : groups.entrySet()) {
            for (KspaceVolume v : volumes(g.getValue(), enc, coils, whitening, o, file)) parts.add(new Part(g.getKey(), v.withFields(fields)));
        }
        return parts;
    }

    private static boolean skipped(Acquisition a) {
        for (int f : SKIPPED) if (a.has(f)) return true;
        return false;
    }

    /** The acquisitions of each output volume, keyed by its suffix. */
    private static Map<String, List<Acquisition>> group(List<Acquisition> imaging, Options o, Path file) {
        TreeSet<Integer> reps = new TreeSet<>(), cons = new TreeSet<>(), avgs = new TreeSet<>();
        for (Acquisition a : imaging) {
            reps.add(a.repetition());
            cons.add(a.contrast());
            avgs.add(a.average());
        }
        Integer avg = choice(o.average(), "mean", avgs, "average", file);
        Integer rep = choice(o.repetition(), "all", reps, "repetition", file);
        Integer con = choice(o.contrast(), "all", cons, "contrast", file);
        boolean repMean = o.repetition().equals("mean");
        Map<String, List<Acquisition>> out = new TreeMap<>();
        for (Acquisition a : imaging) {
            if (avg != null && a.average() != avg) continue;
            if (rep != null && a.repetition() != rep) continue;
            if (con != null && a.contrast() != con) continue;
            String key = (con == null && cons.size() > 1 ? "_con" + a.contrast() : "")
                    + (rep == null && !repMean && reps.size() > 1 ? "_rep" + a.repetition() : "");
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(a);
        }
        return out;
    }

    private static Integer choice(String value, String all, TreeSet<Integer> present, String what, Path file) {
        if (value.equals(all) || value.equals("mean")) return null;
        int i;
        try {
            i = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + what + " takes " + all + (all.equals("mean") ? "" : ", mean") + " or an index, got '" + value + "'");
        }
        if (!present.contains(i)) throw new DataException(file, "has no " + what + " " + i + "; it has " + present);
        return i;
    }

    /** The k-space of one group: placed, averaged, whitened, and for 3-D data cut into slices. */
    private static List<KspaceVolume> volumes(List<Acquisition> acqs, IsmrmrdEncoding enc, int coils, float[] whitening, Options o, Path file) {
        int nx = enc.encoded()[0], ny = enc.encoded()[1], nz = enc.encoded()[2];
        int slices = 1;
        for (Acquisition a : acqs) slices = Math.max(slices, a.slice() + 1);
        int shiftY = enc.step1() == null ? 0 : ny / 2 - enc.step1().center();
        int shiftZ = enc.step2() == null || nz == 1 ? 0 : nz / 2 - enc.step2().center();
        // (slice, z, coil, x, y)
        long total = 2L * slices * nz * coils * nx * ny;
        if (total > Integer.MAX_VALUE - 8) throw new DataException(file, "too large to convert at once (" + total / 2 + " samples)");
        float[] k = new float[(int) total];
        int[] count = new int[slices * nz * ny];
        float[] w = new float[2 * coils];
        for (Acquisition a : acqs) {
            int y = a.step1() + shiftY, z = a.step2() + shiftZ;
            if (y < 0 || y >= ny || z < 0 || z >= nz) {
                throw new DataException(file, "an acquisition's encoding step (" + a.step1() + ", " + a.step2() + ") falls outside the encoded matrix "
                        + ny + " x " + nz);
            }
            int offset = a.samples() < nx ? nx / 2 - a.centerSample() : 0;
            if (a.samples() > nx || offset < 0 || offset + a.samples() > nx) {
                throw new DataException(file, "a readout of " + a.samples() + " samples (centre " + a.centerSample() + ") does not fit the encoded "
                        + nx + " samples");
            }
            count[(a.slice() * nz + z) * ny + y]++;
            for (int s = 0; s < a.samples(); s++) {
                for (int c = 0; c < coils; c++) {
                    w[2 * c] = a.re(c, s);
                    w[2 * c + 1] = a.im(c, s);
                }
                if (whitening != null) Prewhitening.apply(whitening, w, coils);
                for (int c = 0; c < coils; c++) {
                    int at = 2 * (((((a.slice() * nz + z) * coils + c) * nx + s + offset) * ny) + y);
                    k[at] += w[2 * c];
                    k[at + 1] += w[2 * c + 1];
                }
            }
        }
        for (int sz = 0; sz < slices * nz; sz++) {
            for (int y = 0; y < ny; y++) {
                int n = count[sz * ny + y];
                if (n <= 1) continue;
                for (int c = 0; c < coils; c++) {
                    for (int x = 0; x < nx; x++) {
                        int at = 2 * (((sz * coils + c) * nx + x) * ny + y);
                        k[at] /= n;
                        k[at + 1] /= n;
                    }
                }
            }
        }
        int rx = Math.min(nx, enc.recon()[0]), ry = Math.min(ny, enc.recon()[1]), rz = Math.min(nz, enc.recon()[2]);
        int c1 = enc.step1() == null ? ny / 2 : enc.step1().center(), m1 = enc.step1() == null ? ny - 1 : enc.step1().maximum();
        if (nz == 1) {
            return List.of(new KspaceVolume(slices, coils, nx, ny, k, rx, ry, c1, m1, VolumeFields.none()));
        }
        int c2 = enc.step2() == null ? nz / 2 : enc.step2().center(), m2 = enc.step2() == null ? nz - 1 : enc.step2().maximum();
        List<KspaceVolume> out = new ArrayList<>();
        for (int sl = 0; sl < slices; sl++) {
            float[] one = java.util.Arrays.copyOfRange(k, 2 * sl * nz * coils * nx * ny, 2 * (sl + 1) * nz * coils * nx * ny);
            out.add(switch (o.sliceAxis()) {
                case "z" -> new KspaceVolume(nz, coils, nx, ny, partitions(one, nz, coils, nx, ny, 'z', nz), rx, ry, c1, m1, VolumeFields.none());
                case "x" -> new KspaceVolume(rx, coils, ny, nz, partitions(one, nz, coils, nx, ny, 'x', rx), ry, rz, c2, m2, VolumeFields.none());
                case "y" -> new KspaceVolume(ry, coils, nx, nz, partitions(one, nz, coils, nx, ny, 'y', ry), rx, rz, c2, m2, VolumeFields.none());
                default -> throw new IllegalArgumentException("--slice-axis must be z, x or y, got '" + o.sliceAxis() + "'");
            });
        }
        return out;
    }

    /**
     * A 3-D k-space (z, coil, x, y) inverse-FFT'd along the slice axis and rearranged to (slices, coil, H, W): along z
     * the slices are the partitions and the planes (x, y); along x (readout, cropped to the recon size) the planes are
     * (y, z); along y, (x, z). The {@code keep} central slices are kept (the recon size along a readout axis).
     */
    private static float[] partitions(float[] k, int nz, int coils, int nx, int ny, char axis, int keep) {
        try (PointerScope scope = new PointerScope()) {
            Tensor t = Tensors.complexFromInterleaved(k, nz, coils, nx, ny);
            Tensor out = switch (axis) {
                case 'z' -> Fft.ifft1c(t, 0);
                case 'x' -> Fft.ifft1c(t, 2).permute(2, 1, 3, 0);
                default -> Fft.ifft1c(t, 3).permute(3, 1, 2, 0);
            };
            long n = out.size(0);
            return Tensors.toFloats(out.narrow(0, (n - keep) / 2, keep).contiguous());
        }
    }
}
