package org.robustmri.eval;

import org.robustmri.io.AtomicFiles;
import org.robustmri.io.DataException;
import org.robustmri.io.FastMriFile;
import org.robustmri.mask.MaskFunction;
import org.robustmri.metric.MetricSpec;
import org.robustmri.metric.Metrics;
import org.robustmri.metric.VolumeScore;
import org.robustmri.model.ReconstructionModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Scores models on test distributions and streams long-form rows
 * ({@code run,train_set,checkpoint,epoch,test_set,volume,slice,metric,value,metric_spec}) to a CSV: per slice
 * SSIM, per volume PSNR and NMSE (slice = -1). One forward pass per slice serves every metric.
 */
public final class Evaluator implements AutoCloseable {
    public static final String HEADER = "run,train_set,checkpoint,epoch,test_set,volume,slice,metric,value,metric_spec";

    private final AtomicFiles.Pending file;
    private final java.io.Writer out;
    private final boolean normalizeOutput;
    private final Map<String, CellStats> cells = new LinkedHashMap<>();

    /** Identifies which model a row belongs to. */
    public record ModelKey(String run, String trainSet, String checkpoint, int epoch) {
    }

    /** Per (model, test set): per-volume sums for the summary. */
    static final class CellStats {
        final ModelKey key;
        final String testSet;
        final List<VolumeScore> volumes = new ArrayList<>();

        CellStats(ModelKey key, String testSet) {
            this.key = key;
            this.testSet = testSet;
        }
    }

    /**
     * @param normalizeOutput rescale every output slice to its target's mean and std before scoring
     *                        (the paper's Section 7 option); recorded in every metric spec
     */
    public Evaluator(Path resultsCsv, boolean normalizeOutput) {
        this.normalizeOutput = normalizeOutput;
        this.file = AtomicFiles.open(resultsCsv);
        this.out = file.writer();
        line(HEADER);
    }

    public String spec(MetricSpec m) {
        return normalizeOutput ? m.spec().replace("]", ",output=normalized-to-target]") : m.spec();
    }

    /** A test volume: a file and the slice range [start, end) to score (end = -1 for all). */
    public record TestVolume(Path file, int start, int end) {
        public static TestVolume whole(Path file) {
            return new TestVolume(file, 0, -1);
        }
    }

    /** Reconstructs and scores every volume of one test set with one model. */
    public void evaluate(ModelKey key, ReconstructionModel model, String testSet, List<TestVolume> volumes, MaskFunction mask,
                         IntConsumer onSlice) {
        if (volumes.isEmpty()) throw new DataException("test distribution '" + testSet + "' selects no volumes");
        CellStats cell = cells.computeIfAbsent(key + "|" + testSet, k -> new CellStats(key, testSet));
        for (TestVolume tv : volumes) {
            Path file = tv.file();
            float[] targetVol;
            double maxAll;
            Reconstructor.Reconstruction recon;
            try (FastMriFile f = FastMriFile.open(file)) {
                int end = tv.end() < 0 ? f.kspace().slices() : tv.end();
                recon = Reconstructor.reconstruct(model, f, mask, tv.start(), end, onSlice);
                String tk = f.requireTargetKey();
                int[] shape = f.shapeOf(tk);
                if (shape[1] != recon.height() || shape[2] != recon.width()) {
                    throw new DataException(file, "target " + tk + " is " + shape[1] + "x" + shape[2]
                            + " but the reconstruction is " + recon.height() + "x" + recon.width());
                }
                float[] all = f.readFloatVolume(tk);
                maxAll = f.targetMax();
                int plane = shape[1] * shape[2];
                targetVol = java.util.Arrays.copyOfRange(all, tv.start() * plane, end * plane);
            }
            float[] r = normalizeOutput ? normalizeToTarget(recon.data(), targetVol, recon.height() * recon.width()) : recon.data();
            // data range of the whole target volume, also when only a slice range is scored
            VolumeScore v = Metrics.score(file.getFileName().toString(), targetVol, r, recon.slices(), recon.height(),
                    recon.width(), maxAll);
            cell.volumes.add(v);
            for (int s = 0; s < v.slices(); s++) row(key, testSet, v.name(), s, "ssim", v.ssimPerSlice()[s], spec(MetricSpec.SSIM_SLICE));
            if (boxes != null) scoreBoxes(key, testSet, v.name(), file, tv.start(), targetVol, r, recon.height(), recon.width(), recon.slices(), maxAll);
            row(key, testSet, v.name(), -1, "psnr", v.psnr(), spec(MetricSpec.PSNR));
            row(key, testSet, v.name(), -1, "nmse", v.nmse(), spec(MetricSpec.NMSE));
        }
    }

    private java.util.Map<String, List<org.robustmri.data.PathologyBoxes.Box>> boxes;

    /** Also scores these pathology boxes (metric {@code ssim_box}) on the volumes and slices they are on. */
    public Evaluator withBoxes(org.robustmri.data.PathologyBoxes b) {
        this.boxes = b == null ? null : b.byFile();
        return this;
    }

    /** Spec of a box row: the box SSIM recipe, then the box, its size class and label ({@code ;}-separated). */
    public static String boxSpec(org.robustmri.data.PathologyBoxes.Box b, org.robustmri.metric.BoxSsim.SizeClass size) {
        return org.robustmri.metric.BoxSsim.SPEC + ";box=" + b.x() + ":" + b.y() + ":" + b.width() + ":" + b.height() + ";size=" + size.label() + ";label=" + b.label();
    }


    private void scoreBoxes(ModelKey key, String testSet, String volume, Path file, int start, float[] target, float[] recon, int h, int w, int slices,
                            double range) {
        List<org.robustmri.data.PathologyBoxes.Box> mine = boxes.get(org.robustmri.data.PathologyBoxes.volumeName(volume));
        if (mine == null) return;
        int plane = h * w;
        for (org.robustmri.data.PathologyBoxes.Box b : mine) {
            int s = b.slice() - start;
            if (s < 0 || s >= slices) continue; // the box is on a slice this test set does not score
            float[] ts = java.util.Arrays.copyOfRange(target, s * plane, (s + 1) * plane);
            float[] rs = java.util.Arrays.copyOfRange(recon, s * plane, (s + 1) * plane);
            double v;
            try {
                v = org.robustmri.metric.BoxSsim.ssim(ts, rs, h, w, b.x(), b.y(), b.width(), b.height(), range);
            } catch (IllegalArgumentException e) {
                throw new DataException(file, "pathology box on slice " + b.slice() + ": " + e.getMessage());
            }
            row(key, testSet, volume, b.slice(), "ssim_box", v, boxSpec(b, org.robustmri.metric.BoxSsim.sizeClass(b.relativeArea(h, w))));
        }
    }

    private void line(String text) {
        try {
            out.write(text);
            out.write('\n');
        } catch (IOException e) {
            throw new DataException("results: write failed: " + e.getMessage(), e);
        }
    }

    /** Per slice: {@code (x - mean(x)) / std(x) * std(t) + mean(t)}, population std as numpy's default. */
    static float[] normalizeToTarget(float[] recon, float[] target, int plane) {
        float[] out = new float[recon.length];
        for (int off = 0; off < recon.length; off += plane) {
            double mx = 0, mt = 0;
            for (int i = 0; i < plane; i++) {
                mx += recon[off + i];
                mt += target[off + i];
            }
            mx /= plane;
            mt /= plane;
            double vx = 0, vt = 0;
            for (int i = 0; i < plane; i++) {
                vx += (recon[off + i] - mx) * (recon[off + i] - mx);
                vt += (target[off + i] - mt) * (target[off + i] - mt);
            }
            double sx = Math.sqrt(vx / plane), st = Math.sqrt(vt / plane);
            for (int i = 0; i < plane; i++) {
                out[off + i] = (float) (sx > 0 ? (recon[off + i] - mx) / sx * st + mt : mt);
            }
        }
        return out;
    }

    private void row(ModelKey key, String testSet, String volume, int slice, String metric, double value, String spec) {
        try {
            out.write(String.join(",", csv(key.run()), csv(key.trainSet()), csv(key.checkpoint()), Integer.toString(key.epoch()),
                    csv(testSet), csv(volume), Integer.toString(slice), metric, String.format(Locale.ROOT, "%.10g", value), csv(spec)));
            out.write('\n');
        } catch (IOException e) {
            throw new DataException("results: write failed: " + e.getMessage(), e);
        }
    }

    static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** One summary cell: a model on a test set under one metric spec, with a 95 % volume-bootstrap interval. */
    public record SummaryRow(ModelKey key, String testSet, String metric, String spec, Bootstrap.Interval value, int slices) {
    }

    public List<SummaryRow> summary() {
        List<SummaryRow> rows = new ArrayList<>();
        for (CellStats c : cells.values()) {
            int k = c.volumes.size();
            double[] ssimSums = new double[k], ssimVol = new double[k], psnr = new double[k], nmse = new double[k];
            int[] counts = new int[k], ones = new int[k];
            int slices = 0;
            for (int i = 0; i < k; i++) {
                VolumeScore v = c.volumes.get(i);
                for (double s : v.ssimPerSlice()) ssimSums[i] += s;
                counts[i] = v.slices();
                ssimVol[i] = v.ssim();
                psnr[i] = v.psnr();
                nmse[i] = v.nmse();
                ones[i] = 1;
                slices += v.slices();
            }
            long seed = (c.key.toString() + c.testSet).hashCode();
            rows.add(new SummaryRow(c.key, c.testSet, "ssim", spec(MetricSpec.SSIM_SLICE), Bootstrap.clusterMean(ssimSums, counts, 2000, seed), slices));
            rows.add(new SummaryRow(c.key, c.testSet, "ssim", spec(MetricSpec.SSIM_VOLUME), Bootstrap.clusterMean(ssimVol, ones, 2000, seed), slices));
            rows.add(new SummaryRow(c.key, c.testSet, "psnr", spec(MetricSpec.PSNR), Bootstrap.clusterMean(psnr, ones, 2000, seed), slices));
            rows.add(new SummaryRow(c.key, c.testSet, "nmse", spec(MetricSpec.NMSE), Bootstrap.clusterMean(nmse, ones, 2000, seed), slices));
        }
        return rows;
    }

    public static void writeSummary(Path file, List<SummaryRow> rows) {
        StringBuilder sb = new StringBuilder("run,train_set,checkpoint,epoch,test_set,metric,mean,ci_low,ci_high,volumes,slices,metric_spec\n");
        for (SummaryRow r : rows) {
            sb.append(String.join(",", csv(r.key().run()), csv(r.key().trainSet()), csv(r.key().checkpoint()),
                    Integer.toString(r.key().epoch()), csv(r.testSet()), r.metric(),
                    String.format(Locale.ROOT, "%.8g", r.value().mean()), String.format(Locale.ROOT, "%.8g", r.value().low()),
                    String.format(Locale.ROOT, "%.8g", r.value().high()), Integer.toString(r.value().clusters()),
                    Integer.toString(r.slices()), csv(r.spec()))).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    /** Completes the results file: it becomes visible under its name in one step. */
    public void finish() {
        file.commit();
    }

    /** Closes without finishing when {@link #finish()} was not reached: nothing is left behind. */
    @Override
    public void close() {
        file.close();
    }
}
