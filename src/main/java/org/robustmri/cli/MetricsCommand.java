package org.robustmri.cli;

import org.robustmri.data.PathologyBoxes;
import org.robustmri.eval.FileEvaluation;
import org.robustmri.metric.MetricSpec;
import org.robustmri.metric.Metrics;
import org.robustmri.metric.VolumeScore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "metrics", description = "Per-volume SSIM/PSNR/NMSE of reconstructions against targets, matched by file name, and both SSIM aggregations.")
final class MetricsCommand implements Callable<Integer> {
    @Option(names = "--target", required = true, paramLabel = "FILE|DIR", description = "Target file or directory (reconstruction_rss or reconstruction_esc).")
    Path target;

    @Option(names = "--recon", required = true, paramLabel = "FILE|DIR", description = "Reconstruction file or directory (dataset 'reconstruction').")
    Path recon;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--crop", defaultValue = "none", description = {"none: the whole target-sized image (the paper's per-slice SSIM);",
            "square: first crop target and reconstruction to (W, W), W = the target's width, as fastMRI's evaluate.py (default: ${DEFAULT-VALUE})."})
    String crop;

    @Option(names = "--boxes", paramLabel = "ANNOTATIONS.csv", description = {"Score pathology boxes instead of whole volumes: fastMRI+ annotations",
            "(file,slice,study_level,x,y,width,height,label) or the paper's pathology_testset.csv; box SSIM as the paper",
            "(flip, crop, nearest upscaling to the 7x7 window, the volume's data range); small boxes <= 1 %% of the image."})
    Path boxes;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!crop.equals("none") && !crop.equals("square")) throw new Main.UsageException("--crop takes none or square, got '" + crop + "'");
        boolean square = crop.equals("square");
        if (boxes != null) return scoreBoxes();
        for (String n : FileEvaluation.computedTargetNotes(target)) spec.commandLine().getErr().println("note: " + n);
        List<VolumeScore> scores = FileEvaluation.score(target, recon, square);
        Metrics.Summary sum = Metrics.summarize(scores);
        var out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            List<Map<String, Object>> vols = new ArrayList<>();
            for (VolumeScore v : scores) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("volume", v.name());
                r.put("slices", v.slices());
                r.put("data_range", v.dataRange());
                r.put("ssim", v.ssim());
                r.put("ssim_per_slice", v.ssimPerSlice());
                r.put("psnr", v.psnr());
                r.put("nmse", v.nmse());
                vols.add(r);
            }
            m.put("volumes", vols);
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("volumes", sum.volumes());
            s.put("slices", sum.slices());
            for (MetricSpec ms : MetricSpec.values()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("value", sum.value(ms));
                e.put("spec", ms.spec(square));
                s.put(ms.name().toLowerCase(Locale.ROOT), e);
            }
            m.put("summary", s);
            out.println(Json.write(m));
        } else {
            out.printf(Locale.ROOT, "%-40s %6s %8s %8s %10s%n", "volume", "slices", "ssim", "psnr", "nmse");
            for (VolumeScore v : scores) {
                out.printf(Locale.ROOT, "%-40s %6d %8.4f %8.3f %10.6f%n", v.name(), v.slices(), v.ssim(), v.psnr(), v.nmse());
            }
            out.println();
            for (MetricSpec ms : MetricSpec.values()) {
                out.printf(Locale.ROOT, "%-6s %.6f  %s%n", ms.metric(), sum.value(ms), ms.spec(square));
            }
        }
        return 0;
    }

    private int scoreBoxes() {
        PathologyBoxes read = PathologyBoxes.read(boxes);
        List<FileEvaluation.BoxScore> scores = FileEvaluation.scoreBoxes(target, recon, read);
        Map<String, double[]> groups = new LinkedHashMap<>(); // key -> {count, sum}
        for (FileEvaluation.BoxScore b : scores) {
            for (String k : List.of("all", "size " + b.sizeClass().label(), "label " + b.box().label())) {
                double[] g = groups.computeIfAbsent(k, x -> new double[2]);
                g[0]++;
                g[1] += b.ssim();
            }
        }
        var out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (FileEvaluation.BoxScore b : scores) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("file", b.box().file());
                r.put("slice", b.box().slice());
                r.put("x", b.box().x());
                r.put("y", b.box().y());
                r.put("width", b.box().width());
                r.put("height", b.box().height());
                r.put("label", b.box().label());
                r.put("size_class", b.sizeClass().label());
                r.put("relative_area", b.relativeArea());
                r.put("data_range", b.dataRange());
                r.put("ssim", b.ssim());
                rows.add(r);
            }
            m.put("boxes", rows);
            m.put("study_level_rows_skipped", read.studyLevelRows());
            Map<String, Object> sum = new LinkedHashMap<>();
            for (var g : groups.entrySet()) sum.put(g.getKey(), Map.of("boxes", (int) g.getValue()[0], "mean_ssim", g.getValue()[1] / g.getValue()[0]));
            m.put("summary", sum);
            m.put("spec", org.robustmri.metric.BoxSsim.SPEC);
            out.println(Json.write(m));
        } else {
            out.printf(Locale.ROOT, "%-36s %5s %4s %4s %4s %4s %-6s %8s  %s%n", "file", "slice", "x", "y", "w", "h", "size", "ssim", "label");
            for (FileEvaluation.BoxScore b : scores) {
                var x = b.box();
                out.printf(Locale.ROOT, "%-36s %5d %4d %4d %4d %4d %-6s %8.4f  %s%n", x.file(), x.slice(), x.x(), x.y(), x.width(), x.height(),
                        b.sizeClass().label(), b.ssim(), x.label());
            }
            out.println();
            for (var g : groups.entrySet()) out.printf(Locale.ROOT, "%-40s %5d boxes  mean ssim %.4f%n", g.getKey(), (int) g.getValue()[0], g.getValue()[1] / g.getValue()[0]);
            out.printf(Locale.ROOT, "%d study-level row(s) without a box skipped; %s%n", read.studyLevelRows(), org.robustmri.metric.BoxSsim.SPEC);
        }
        return 0;
    }

}
