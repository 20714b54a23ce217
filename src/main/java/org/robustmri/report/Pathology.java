package org.robustmri.report;

import org.robustmri.eval.Bootstrap;
import org.robustmri.io.DataException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The paper's Section 5: SSIM inside pathology boxes, per architecture, training set and box size class (small:
 * at most 1 % of the image), at the headline checkpoint of each run, with 95 % bootstrap intervals over test volumes;
 * and each training set against the architecture's first (e.g. healthy-only against healthy plus pathology), paired
 * on the same boxes.
 */
public final class Pathology {
    /** One {@code ssim_box} row of results.csv. */
    public record BoxRow(String run, String trainSet, int epoch, String testSet, String volume, int slice, String box, String size,
                         String label, double ssim) {
    }

    /** Box SSIM of one arm on a test set in one size class, with its volume-bootstrap interval. */
    public record BoxScore(String model, String testSet, String trainSet, String size, int boxes, double mean, double low, double high) {
    }

    /** One training set's box SSIM minus the first's on the boxes both scored, paired by volume. */
    public record Difference(String model, String testSet, String trainSet, String versus, String size, int boxes, double mean, double low,
                             double high) {
    }

    static final int RESAMPLES = 2000;
    private final List<BoxRow> rows;

    private Pathology(List<BoxRow> rows) {
        this.rows = rows;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public static Pathology read(Path resultsCsv) {
        List<BoxRow> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(resultsCsv, StandardCharsets.UTF_8)) {
            r.readLine();
            String line;
            int n = 1;
            while ((line = r.readLine()) != null) {
                n++;
                if (!line.contains(",ssim_box,")) continue;
                List<String> f = ResultTable.split(line);
                if (f.size() < 10 || !f.get(7).equals("ssim_box")) continue;
                Map<String, String> spec = new LinkedHashMap<>();
                for (String part : f.get(9).split(";")) {
                    int eq = part.indexOf('=');
                    if (eq > 0 && !part.startsWith("ssim_box(")) spec.put(part.substring(0, eq), part.substring(eq + 1));
                }
                if (!spec.containsKey("box") || !spec.containsKey("size")) throw new DataException(resultsCsv, "line " + n + ": ssim_box row without box and size");
                out.add(new BoxRow(f.get(0), f.get(1), Integer.parseInt(f.get(3)), f.get(4), f.get(5), Integer.parseInt(f.get(6)), spec.get("box"),
                        spec.get("size"), spec.getOrDefault("label", ""), Double.parseDouble(f.get(8))));
            }
        } catch (IOException e) {
            throw new DataException(resultsCsv, "cannot read: " + e.getMessage(), e);
        } catch (NumberFormatException e) {
            throw new DataException(resultsCsv, "bad number in an ssim_box row: " + e.getMessage(), e);
        }
        return new Pathology(out);
    }

    /** Box SSIM per volume (sum and count) of one arm, size class ("all" for both) and test set at the headline rule. */
    private Map<String, Map<String, double[]>> perBox(Analyses a, Analyses.Arm arm, String test, String size) {
        // box key -> per-run values averaged over the arm's runs (seeds), grouped by volume afterwards
        Map<String, double[]> byBox = new LinkedHashMap<>();
        Map<String, String> volumeOf = new LinkedHashMap<>();
        for (BoxRow b : rows) {
            if (!b.trainSet().equals(arm.trainSet()) || !b.testSet().equals(test) || !(size.equals("all") || b.size().equals(size))) continue;
            if (!a.runsOf(arm).contains(b.run())) continue;
            if (b.epoch() != a.epoch(b.run(), test, a.headlineRule())) continue;
            String key = b.volume() + "#" + b.slice() + "#" + b.box();
            double[] acc = byBox.computeIfAbsent(key, k -> new double[2]);
            acc[0] += b.ssim();
            acc[1]++;
            volumeOf.put(key, b.volume());
        }
        Map<String, Map<String, double[]>> out = new LinkedHashMap<>();
        byBox.forEach((k, v) -> out.computeIfAbsent(volumeOf.get(k), x -> new LinkedHashMap<>()).put(k, new double[]{v[0] / v[1]}));
        return out;
    }

    public List<BoxScore> boxSsim(Analyses a) {
        List<BoxScore> t = new ArrayList<>();
        for (String model : a.models()) {
            for (String test : testSets()) {
                for (String ts : a.trainSets(model)) {
                    for (String size : List.of("small", "large", "all")) {
                        Map<String, Map<String, double[]>> v = perBox(a, new Analyses.Arm(model, ts), test, size);
                        if (v.isEmpty()) continue;
                        double[] sums = new double[v.size()];
                        int[] counts = new int[v.size()];
                        int i = 0;
                        for (Map<String, double[]> boxes : v.values()) {
                            for (double[] b : boxes.values()) sums[i] += b[0];
                            counts[i++] = boxes.size();
                        }
                        Bootstrap.Interval iv = Bootstrap.clusterMean(sums, counts, RESAMPLES, Objects.hash(model, test, ts, size));
                        t.add(new BoxScore(model, test, ts, size, java.util.Arrays.stream(counts).sum(), iv.mean(), iv.low(), iv.high()));
                    }
                }
            }
        }
        return t;
    }

    /** Each training set minus the architecture's first training set, on the boxes both scored (paired by volume). */
    public List<Difference> differences(Analyses a) {
        List<Difference> t = new ArrayList<>();
        for (String model : a.models()) {
            List<String> sets = a.trainSets(model);
            if (sets.size() < 2) continue;
            String ref = sets.get(0);
            for (String test : testSets()) {
                for (String ts : sets.subList(1, sets.size())) {
                    for (String size : List.of("small", "large", "all")) {
                        Map<String, Map<String, double[]>> va = perBox(a, new Analyses.Arm(model, ts), test, size);
                        Map<String, Map<String, double[]>> vb = perBox(a, new Analyses.Arm(model, ref), test, size);
                        List<double[]> sa = new ArrayList<>();
                        int boxes = 0;
                        for (var e : va.entrySet()) {
                            Map<String, double[]> other = vb.get(e.getKey());
                            if (other == null) continue;
                            double x = 0, y = 0;
                            int n = 0;
                            for (var b : e.getValue().entrySet()) {
                                double[] o = other.get(b.getKey());
                                if (o == null) continue;
                                x += b.getValue()[0];
                                y += o[0];
                                n++;
                            }
                            if (n > 0) sa.add(new double[]{x, y, n});
                            boxes += n;
                        }
                        if (sa.isEmpty()) continue;
                        double[] xs = sa.stream().mapToDouble(p -> p[0]).toArray(), ys = sa.stream().mapToDouble(p -> p[1]).toArray();
                        int[] ns = sa.stream().mapToInt(p -> (int) p[2]).toArray();
                        Bootstrap.Interval d = Bootstrap.pairedDifference(xs, ys, ns, RESAMPLES, Objects.hash(model, test, ts, ref, size));
                        t.add(new Difference(model, test, ts, ref, size, boxes, d.mean(), d.low(), d.high()));
                    }
                }
            }
        }
        return t;
    }

    public static Table boxTable(Analyses.Checkpoint rule, List<BoxScore> rows) {
        Table t = new Table("pathology", "SSIM inside pathology boxes (" + rule.label() + "; small: area <= 1 % of the image)",
                List.of("model", "test_set", "train_set", "size_class", "boxes", "mean_ssim_box", "low", "high"));
        for (BoxScore r : rows) t.add(r.model(), r.testSet(), r.trainSet(), r.size(), r.boxes(), r.mean(), r.low(), r.high());
        return t;
    }

    public static Table differenceTable(List<Difference> rows) {
        Table t = new Table("pathology_difference", "Box SSIM difference to the first training set, paired on the same boxes",
                List.of("model", "test_set", "train_set", "versus", "size_class", "boxes", "difference", "low", "high"));
        for (Difference r : rows) t.add(r.model(), r.testSet(), r.trainSet(), r.versus(), r.size(), r.boxes(), r.mean(), r.low(), r.high());
        return t;
    }

    private List<String> testSets() {
        List<String> out = new ArrayList<>();
        for (BoxRow b : rows) if (!out.contains(b.testSet())) out.add(b.testSet());
        return out;
    }
}
