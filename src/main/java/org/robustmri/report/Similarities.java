package org.robustmri.report;

import org.robustmri.io.DataException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Train-test similarity against out-of-distribution SSIM, the paper's explanation of robustness: per architecture
 * and test set, one point per training set the test set is out of (its mean nearest-neighbour similarity to that
 * training set, and the SSIM of the models trained on it), and their Pearson correlation.
 */
public final class Similarities {
    public static final String HEADER = "train_set,test_set,train_slices,test_slices,mean_similarity,embedding";

    private final Map<String, Map<String, Double>> mean = new LinkedHashMap<>(); // train -> test -> similarity
    private final String embedding;

    private Similarities(String embedding) {
        this.embedding = embedding;
    }

    public String embedding() {
        return embedding;
    }

    public double similarity(String trainSet, String testSet) {
        return mean.getOrDefault(trainSet, Map.of()).getOrDefault(testSet, Double.NaN);
    }

    public static Similarities read(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (IOException e) {
            throw new DataException(csv, "cannot read: " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) throw new DataException(csv, "not a similarity table (header must be " + HEADER + ")");
        String emb = "";
        Similarities s = null;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            int q = line.indexOf(",\"");
            String[] c = (q < 0 ? line : line.substring(0, q)).split(",");
            if (c.length < 5) throw new DataException(csv, "line " + (i + 1) + ": expected " + HEADER);
            if (s == null) s = new Similarities(q < 0 ? "" : line.substring(q + 2, line.length() - 1));
            try {
                s.mean.computeIfAbsent(c[0], k -> new LinkedHashMap<>()).put(c[1], Double.parseDouble(c[4]));
            } catch (NumberFormatException e) {
                throw new DataException(csv, "line " + (i + 1) + ": mean_similarity is not a number: " + c[4]);
            }
        }
        return s == null ? new Similarities(emb) : s;
    }

    /** One training set's similarity to a test set it is out of, and the SSIM its model reaches there. */
    public record Point(String model, String testSet, String trainSet, boolean single, double similarity, double ssim) {
        /** The similarity as the table shows it (six decimals), which the correlation and the figure use. */
        double shownSimilarity() {
            return Double.parseDouble(String.format(Locale.ROOT, "%.6f", similarity));
        }

        double shownSsim() {
            return ReportTables.parity(ssim);
        }
    }

    /** The Pearson r of similarity and SSIM over the training sets a test set is out of. */
    public record Correlation(String model, String testSet, int trainingSets, double pearsonR) {
    }

    /** The points of every architecture and out-of-distribution (test set, training set) pair, at the headline rule. */
    public List<Point> points(Analyses a) {
        Analyses.Checkpoint rule = a.headlineRule();
        List<Point> out = new ArrayList<>();
        for (String model : a.models()) {
            for (String test : a.testSets()) {
                for (String ts : a.trainSets(model)) {
                    if (a.relations().kind(ts, test) != Relations.Kind.OUT) continue;
                    double sim = similarity(ts, test);
                    double ssim = a.cell(new Analyses.Arm(model, ts), test, rule).mean();
                    if (Double.isNaN(sim) || Double.isNaN(ssim)) continue;
                    out.add(new Point(model, test, ts, a.isSingle(ts), sim, ssim));
                }
            }
        }
        return out;
    }

    /** Pearson r between similarity and SSIM per model and test set (three or more training sets). */
    public static List<Correlation> correlations(List<Point> points) {
        Map<List<String>, List<double[]>> groups = new LinkedHashMap<>();
        for (Point p : points) {
            groups.computeIfAbsent(List.of(p.model(), p.testSet()), k -> new ArrayList<>()).add(new double[]{p.shownSimilarity(), p.shownSsim()});
        }
        List<Correlation> out = new ArrayList<>();
        for (var g : groups.entrySet()) {
            if (g.getValue().size() < 3) continue;
            out.add(new Correlation(g.getKey().get(0), g.getKey().get(1), g.getValue().size(), pearson(g.getValue())));
        }
        return out;
    }

    public static Table pointsTable(Analyses.Checkpoint rule, List<Point> points) {
        Table t = new Table("similarity", "Train-test similarity vs SSIM on test sets out of the training set (" + rule.label() + ")",
                List.of("model", "test_set", "train_set", "kind", "mean_similarity", "ssim"));
        for (Point p : points) {
            t.add(p.model(), p.testSet(), p.trainSet(), p.single() ? "single" : "mixture", String.format(Locale.ROOT, "%.6f", p.similarity()), p.ssim());
        }
        return t;
    }

    public static Table correlationTable(List<Correlation> correlations) {
        Table t = new Table("similarity_correlation", "Pearson correlation of train-test similarity and out-of-distribution SSIM",
                List.of("model", "test_set", "training_sets", "pearson_r"));
        for (Correlation c : correlations) t.add(c.model(), c.testSet(), c.trainingSets(), c.pearsonR());
        return t;
    }

    static double pearson(List<double[]> xy) {
        int n = xy.size();
        double mx = 0, my = 0;
        for (double[] p : xy) {
            mx += p[0] / n;
            my += p[1] / n;
        }
        double sxy = 0, sxx = 0, syy = 0;
        for (double[] p : xy) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
            syy += (p[1] - my) * (p[1] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }
}
