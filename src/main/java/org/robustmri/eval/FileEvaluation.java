package org.robustmri.eval;

import org.robustmri.io.KspaceGeometry;
import org.robustmri.data.PathologyBoxes;
import org.robustmri.io.DataException;
import org.robustmri.io.FastMriFile;
import org.robustmri.metric.BoxSsim;
import org.robustmri.metric.Metrics;
import org.robustmri.metric.VolumeScore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Scores reconstruction files against target files, matched by file name, as fastMRI's evaluation does.
 * Every volume must exist on both sides and have the same shape.
 */
public final class FileEvaluation {
    private FileEvaluation() {
    }

    /** {@code target} and {@code recon} are both files or both directories of {@code .h5} files. */
    public static List<VolumeScore> score(Path target, Path recon) {
        return score(target, recon, false);
    }

    /**
     * {@code squareCrop}: first crop target and reconstruction to (W, W), W = the target's width, as fastMRI's
     * {@code evaluate.py} does; the data range is then the cropped target volume's max, as there.
     */
    public static List<VolumeScore> score(Path target, Path recon, boolean squareCrop) {
        Map<String, Path> targets = listVolumes(target);
        Map<String, Path> recons = listVolumes(recon);
        if (Files.isRegularFile(target) && Files.isRegularFile(recon)) {
            return List.of(scoreFile(target, recon, squareCrop));
        }
        List<String> missing = new ArrayList<>();
        for (String name : targets.keySet()) if (!recons.containsKey(name)) missing.add(name + " (no reconstruction in " + recon + ")");
        for (String name : recons.keySet()) if (!targets.containsKey(name)) missing.add(name + " (no target in " + target + ")");
        if (!missing.isEmpty()) {
            throw new DataException("volumes missing on one side: " + String.join(", ", missing));
        }
        if (targets.isEmpty()) throw new DataException(target + ": no .h5 files");
        List<VolumeScore> out = new ArrayList<>();
        for (Map.Entry<String, Path> e : targets.entrySet()) {
            out.add(scoreFile(e.getValue(), recons.get(e.getKey()), squareCrop));
        }
        return out;
    }

    /** Scores one reconstruction file against one target file. */
    public static VolumeScore scoreFile(Path targetFile, Path reconFile) {
        return scoreFile(targetFile, reconFile, false);
    }

    public static VolumeScore scoreFile(Path targetFile, Path reconFile, boolean squareCrop) {
        float[] t;
        float[] r;
        int[] shape;
        try (FastMriFile tf = FastMriFile.open(targetFile); FastMriFile rf = FastMriFile.open(reconFile)) {
            int[] rshape = rf.shapeOf(FastMriFile.RECONSTRUCTION);
            if (tf.targetKey().isEmpty()) {
                shape = rshape;
                t = computedTarget(tf, rshape);
            } else {
                String key = tf.requireTargetKey();
                shape = tf.shapeOf(key);
                if (shape.length != 3) throw new DataException(targetFile, "'" + key + "' has rank " + shape.length + ", expected 3");
                if (!java.util.Arrays.equals(shape, rshape)) {
                    throw new DataException(reconFile, "'reconstruction' has shape " + java.util.Arrays.toString(rshape)
                            + " but the target " + targetFile.getFileName() + " has " + java.util.Arrays.toString(shape));
                }
                t = tf.readFloatVolume(key);
            }
            r = rf.readFloatVolume(FastMriFile.RECONSTRUCTION);
        }
        requireFinite(targetFile, t);
        requireFinite(reconFile, r);
        if (squareCrop) {
            if (shape[1] < shape[2]) {
                throw new DataException(targetFile, "target is " + shape[1] + "x" + shape[2] + ": fastMRI's square crop needs height >= width");
            }
            t = Metrics.squareCrop(t, shape[0], shape[1], shape[2]);
            r = Metrics.squareCrop(r, shape[0], shape[1], shape[2]);
            return Metrics.score(targetFile.getFileName().toString(), t, r, shape[0], shape[2], shape[2]);
        }
        return Metrics.score(targetFile.getFileName().toString(), t, r, shape[0], shape[1], shape[2]);
    }

    /**
     * The target of a file without one: the root-sum-of-squares over coils of the centred inverse FFT of its fully
     * sampled k-space, centre-cropped to the reconstruction's size {@code shape} (slices, h, w).
     */
    static float[] computedTarget(FastMriFile f, int[] shape) {
        if (!f.has(FastMriFile.KSPACE) || f.mask().isPresent()) {
            throw new DataException(f.path(), "has no target and no fully sampled k-space to compute one from");
        }
        KspaceGeometry g = f.kspace();
        if (shape.length != 3 || shape[0] != g.slices() || shape[1] > g.height() || shape[2] > g.width()) {
            throw new DataException(f.path(), "a reconstruction of shape " + java.util.Arrays.toString(shape) + " does not fit its k-space "
                    + g.slices() + " x " + g.height() + " x " + g.width());
        }
        float[] out = new float[shape[0] * shape[1] * shape[2]];
        int plane = shape[1] * shape[2];
        for (int s = 0; s < g.slices(); s++) {
            try (org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope()) {
                java.nio.ByteBuffer b = f.readKspaceSlice(s);
                float[] pairs = new float[b.remaining() / 4];
                b.asFloatBuffer().get(pairs);
                float[] img = org.robustmri.tensor.Tensors.toFloats(org.robustmri.kspace.Transforms.zeroFilledRss(
                        org.robustmri.tensor.Tensors.complexFromInterleaved(pairs, g.coils(), g.height(), g.width()), shape[1], shape[2]));
                System.arraycopy(img, 0, out, s * plane, plane);
            }
        }
        return out;
    }

    /** A note for every target file without a target dataset (its target is computed from its k-space). */
    public static List<String> computedTargetNotes(Path target) {
        List<String> notes = new ArrayList<>();
        for (Path p : listVolumes(target).values()) {
            try (FastMriFile f = FastMriFile.open(p)) {
                if (f.targetKey().isEmpty()) {
                    notes.add(p + ": no reconstruction_rss; its target is the RSS of the centred inverse FFT of its fully sampled k-space,"
                            + " cropped to the reconstruction's size");
                }
            }
        }
        return notes;
    }

    /** The SSIM of one pathology box, with its size class and relative area. */
    public record BoxScore(PathologyBoxes.Box box, BoxSsim.SizeClass sizeClass, double relativeArea, double dataRange, double ssim) {
    }

    /**
     * Scores every box against the target and reconstruction files of its volume ({@code <file>.h5} in each
     * directory, or the two files themselves). A box whose volume is missing on either side is an error.
     */
    public static List<BoxScore> scoreBoxes(Path target, Path recon, PathologyBoxes boxes) {
        boolean files = Files.isRegularFile(target) && Files.isRegularFile(recon);
        Map<String, Path> targets = listVolumes(target);
        Map<String, Path> recons = listVolumes(recon);
        List<String> missing = new ArrayList<>();
        Map<String, List<PathologyBoxes.Box>> byFile = boxes.byFile();
        for (String v : byFile.keySet()) {
            String name = v + ".h5";
            if (files ? !PathologyBoxes.volumeName(target.getFileName().toString()).equals(v) : !targets.containsKey(name)) {
                missing.add(name + " (no target in " + target + ")");
            } else if (!files && !recons.containsKey(name)) {
                missing.add(name + " (no reconstruction in " + recon + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new DataException(boxes.source() + ": boxes of " + missing.size() + " volume(s) have no files: "
                    + String.join(", ", missing.subList(0, Math.min(10, missing.size()))) + (missing.size() > 10 ? ", ..." : ""));
        }
        List<BoxScore> out = new ArrayList<>();
        for (Map.Entry<String, List<PathologyBoxes.Box>> e : byFile.entrySet()) {
            Path tf = files ? target : targets.get(e.getKey() + ".h5");
            Path rf = files ? recon : recons.get(e.getKey() + ".h5");
            try (FastMriFile t = FastMriFile.open(tf); FastMriFile r = FastMriFile.open(rf)) {
                String key = t.requireTargetKey();
                int[] shape = t.shapeOf(key);
                int[] rshape = r.shapeOf(FastMriFile.RECONSTRUCTION);
                if (shape.length != 3 || !java.util.Arrays.equals(shape, rshape)) {
                    throw new DataException(rf, "'reconstruction' has shape " + java.util.Arrays.toString(rshape) + " but the target "
                            + tf.getFileName() + " has " + java.util.Arrays.toString(shape));
                }
                double range = t.targetMax();
                for (PathologyBoxes.Box b : e.getValue()) {
                    if (b.slice() >= shape[0]) {
                        throw new DataException(tf, "a box is on slice " + b.slice() + " but the volume has " + shape[0] + " slices");
                    }
                    float[] ts = t.readFloatSlice(key, b.slice());
                    float[] rs = r.readFloatSlice(FastMriFile.RECONSTRUCTION, b.slice());
                    requireFinite(tf, ts);
                    requireFinite(rf, rs);
                    double a = b.relativeArea(shape[1], shape[2]);
                    double ssim;
                    try {
                        ssim = BoxSsim.ssim(ts, rs, shape[1], shape[2], b.x(), b.y(), b.width(), b.height(), range);
                    } catch (IllegalArgumentException ex) {
                        throw new DataException(boxes.source() + ": " + b.file() + " slice " + b.slice() + ": " + ex.getMessage(), ex);
                    }
                    out.add(new BoxScore(b, BoxSsim.sizeClass(a), a, range, ssim));
                }
            }
        }
        return out;
    }

    private static void requireFinite(Path file, float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) throw new DataException(file, "contains " + v[i] + " at element " + i);
        }
    }

    private static Map<String, Path> listVolumes(Path p) {
        Map<String, Path> out = new TreeMap<>();
        if (Files.isRegularFile(p)) {
            out.put(p.getFileName().toString(), p);
            return out;
        }
        if (!Files.isDirectory(p)) throw new DataException(p, "no such file or directory");
        try (Stream<Path> s = Files.list(p)) {
            s.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".h5")
                            && !f.getFileName().toString().startsWith("."))
                    .forEach(f -> out.put(f.getFileName().toString(), f));
        } catch (IOException e) {
            throw new DataException(p, "cannot list directory: " + e.getMessage(), e);
        }
        return out;
    }
}
