package org.robustmri.report;

import org.robustmri.model.ModelRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report's summary in sentences, each a view of typed results: gains over zero-filling, the claims, the baselines, similarity and pathology. */
final class Findings {
    private Findings() {
    }

    /** An architecture as sentences name it: family and size ("U-Net, 120k parameters"), else its label. */
    private static String named(Map<String, String> names, String model) {
        return ModelRegistry.shorten(names.getOrDefault(model, model));
    }

    /** The checkpoint rule, then per architecture its gain over zero-filling. */
    static List<String> main(Analyses a, List<Baselines.Gain> gains, Map<String, String> names) {
        List<String> out = new ArrayList<>();
        Analyses.Checkpoint rule = a.headlineRule();
        out.add("Checkpoints: " + rule.label() + (rule == Analyses.Checkpoint.FINAL ? " (no validation split)" : "")
                + "; in- vs out-of-distribution " + a.relations().rule() + ".");
        for (String model : a.models()) {
            double gainSum = 0, minGain = Double.MAX_VALUE;
            int gainN = 0;
            for (Baselines.Gain g : gains) {
                double v = ReportTables.parity(g.gain());
                if (!g.model().equals(model) || Double.isNaN(v)) continue;
                gainSum += v;
                minGain = Math.min(minGain, v);
                gainN++;
            }
            if (gainN > 0) {
                out.add(String.format(Locale.ROOT, "%s: in-distribution models %s zero-filling on %d trained distributions: mean SSIM gain %+.4f (smallest %+.4f).",
                        named(names, model), minGain > 0 ? "beat" : "do not always beat", gainN, gainSum / gainN, minGain));
            }
        }
        return out;
    }

    /** Each claim in a sentence with what it measures and the numbers behind it (the claims table in words). */
    static List<String> claims(List<Claims.Claim> claims, Map<String, String> names) {
        List<String> out = new ArrayList<>();
        for (Claims.Claim c : claims) {
            String value = c.show().isEmpty() ? "" : " = " + c.show() + (c.detail().isEmpty() ? "" : " (" + c.detail() + ")");
            out.add(String.format(Locale.ROOT, "%s: %s: %s%s; %s.", named(names, c.model()), c.statement(), c.measure(), value, c.verdict().label()));
        }
        return out;
    }

    /** Per baseline without weights: its mean SSIM against zero-filling's and its smallest gain. */
    static List<String> baselines(List<Baselines.Score> scores) {
        Map<String, double[]> per = new LinkedHashMap<>(); // baseline -> {sum ssim, sum zf, n, min gain}
        for (Baselines.Score s : scores) {
            double[] p = per.computeIfAbsent(s.baseline(), k -> new double[]{0, 0, 0, Double.MAX_VALUE});
            double gain = ReportTables.parity(s.gain());
            if (Double.isNaN(gain)) continue;
            p[0] += ReportTables.parity(s.ssim());
            p[1] += ReportTables.parity(s.zeroFilled());
            p[2]++;
            p[3] = Math.min(p[3], gain);
        }
        List<String> out = new ArrayList<>();
        per.forEach((name, p) -> {
            if (p[2] > 0) out.add(String.format(Locale.ROOT, "%s: mean SSIM %.4f over %d test sets against zero-filled %.4f (smallest gain %+.4f).",
                    name, p[0] / p[2], (int) p[2], p[1] / p[2], p[3]));
        });
        return out;
    }

    /** Per architecture and size class: each training set's box SSIM against the first, with the paired interval. */
    static List<String> pathology(List<Pathology.Difference> diff, Map<String, String> names) {
        List<String> out = new ArrayList<>();
        for (Pathology.Difference r : diff) {
            if (r.size().equals("all")) continue;
            double low = ReportTables.parity(r.low()), high = ReportTables.parity(r.high());
            out.add(String.format(Locale.ROOT, "%s: pathology boxes (%s, %s boxes on %s): %s minus %s = %s [%s, %s]%s.", named(names, r.model()), r.size(), r.boxes(),
                    r.testSet(), r.trainSet(), r.versus(), Table.fmt(r.mean()), Table.fmt(r.low()), Table.fmt(r.high()),
                    !Double.isNaN(low) && low > 0 ? ", better" : !Double.isNaN(high) && high < 0 ? ", worse" : ", no clear difference"));
        }
        return out;
    }

    /** Per architecture: the mean Pearson r of similarity and out-of-distribution SSIM over the test sets. */
    static List<String> similarity(Analyses a, List<Similarities.Correlation> corr, Similarities sims, Map<String, String> names) {
        List<String> out = new ArrayList<>();
        for (String model : a.models()) {
            double sum = 0;
            int n = 0, positive = 0;
            for (Similarities.Correlation c : corr) {
                double v = ReportTables.parity(c.pearsonR());
                if (!c.model().equals(model) || Double.isNaN(v)) continue;
                sum += v;
                n++;
                if (v > 0) positive++;
            }
            if (n == 0) {
                out.add(named(names, model) + ": train-test similarity vs out-of-distribution SSIM: n/a (no test set is out of three or more training sets).");
            } else {
                out.add(String.format(Locale.ROOT, "%s: train-test similarity vs out-of-distribution SSIM: mean Pearson r %+.3f over %d test set(s), positive on %d/%d.",
                        named(names, model), sum / n, n, positive, n));
            }
        }
        out.add("Similarity: mean cosine similarity of each test slice to its nearest training slice, embedding " + sims.embedding() + ".");
        return out;
    }
}
