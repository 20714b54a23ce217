package org.robustmri.report;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The models without weights beside the trained ones: zero-filling against each architecture's in-distribution single
 * model per test set, and the study's other baselines (the compressed-sensing ones) against zero-filling.
 */
public final class Baselines {
    public static final String ZERO_FILLED = "zero-filled";

    /** Zero-filled SSIM on a test set and the SSIM of the architecture's model trained on its distribution (NaN: held out). */
    public record Gain(String model, String testSet, double zeroFilled, String inDistributionModel, double modelSsim) {
        public double gain() {
            return modelSsim - zeroFilled;
        }
    }

    /** A baseline's SSIM on a test set next to zero-filling's. */
    public record Score(String baseline, String testSet, double ssim, double zeroFilled, long slices) {
        public double gain() {
            return ssim - zeroFilled;
        }
    }

    private Baselines() {
    }

    /** Mean SSIM per test set of every run that is a baseline (rows of runs without run info), by baseline. */
    private static Map<String, Map<String, double[]>> sums(ResultTable table, Set<String> trained) {
        Map<String, Map<String, double[]>> sums = new LinkedHashMap<>(); // baseline -> test set -> {sum, slices}
        for (ResultTable.VolumeSsim v : table.rows()) {
            if (trained.contains(v.run())) continue;
            double[] s = sums.computeIfAbsent(v.run(), k -> new LinkedHashMap<>()).computeIfAbsent(v.testSet(), k -> new double[2]);
            s[0] += v.sum();
            s[1] += v.slices();
        }
        return sums;
    }

    /** Zero-filled SSIM per test set next to each architecture's in-distribution single model (headline rule). */
    public static List<Gain> gains(ResultTable table, Analyses a) {
        Analyses.Checkpoint rule = a.headlineRule();
        Map<String, double[]> zf = new LinkedHashMap<>();
        for (ResultTable.VolumeSsim v : table.rows()) {
            if (!v.trainSet().equals(ZERO_FILLED)) continue;
            double[] s = zf.computeIfAbsent(v.testSet(), k -> new double[2]);
            s[0] += v.sum();
            s[1] += v.slices();
        }
        List<Gain> out = new java.util.ArrayList<>();
        for (String model : a.models()) {
            for (String test : a.testSets()) {
                double[] s = zf.get(test);
                double z = s == null ? Double.NaN : s[0] / s[1];
                String single = null;
                for (String ts : a.trainSets(model)) {
                    if (a.isSingle(ts) && a.relations().kind(ts, test) == Relations.Kind.IN) single = ts;
                }
                double m = single == null ? Double.NaN : a.cell(new Analyses.Arm(model, single), test, rule).mean();
                out.add(new Gain(model, test, z, single, m));
            }
        }
        return out;
    }

    /** The baselines other than zero-filling (empty when the study has none). */
    public static List<Score> others(ResultTable table, List<RunInfo> runs) {
        Set<String> trained = new HashSet<>();
        for (RunInfo r : runs) trained.add(r.run());
        Map<String, Map<String, double[]>> sums = sums(table, trained);
        Map<String, double[]> zf = sums.getOrDefault(ZERO_FILLED, Map.of());
        List<Score> out = new java.util.ArrayList<>();
        for (Map.Entry<String, Map<String, double[]>> b : sums.entrySet()) {
            if (b.getKey().equals(ZERO_FILLED)) continue;
            for (Map.Entry<String, double[]> e : b.getValue().entrySet()) {
                double[] z = zf.get(e.getKey());
                out.add(new Score(b.getKey(), e.getKey(), e.getValue()[0] / e.getValue()[1], z == null ? Double.NaN : z[0] / z[1], (long) e.getValue()[1]));
            }
        }
        return out;
    }

    public static Table gainTable(Analyses.Checkpoint rule, List<Gain> rows) {
        Table t = new Table("baseline", "Zero-filled input vs in-distribution models (" + rule.label() + ")",
                List.of("model", "test_set", "zero_filled_ssim", "in_distribution_model", "in_distribution_ssim", "gain"));
        for (Gain g : rows) {
            t.add(g.model(), g.testSet(), g.zeroFilled(), g.inDistributionModel() == null ? "(held out)" : g.inDistributionModel(), g.modelSsim(), g.gain());
        }
        return t;
    }

    public static Table scoreTable(List<Score> rows) {
        Table t = new Table("baselines", "Baselines without weights vs zero-filled input",
                List.of("baseline", "test_set", "ssim", "zero_filled_ssim", "gain", "slices"));
        for (Score s : rows) t.add(s.baseline(), s.testSet(), s.ssim(), s.zeroFilled(), s.gain(), s.slices());
        return t;
    }
}
