package org.robustmri.cli;

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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!crop.equals("none") && !crop.equals("square")) throw new Main.UsageException("--crop takes none or square, got '" + crop + "'");
        boolean square = crop.equals("square");
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
}
