package org.robustmri.report;

import org.robustmri.eval.Bootstrap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The paper's analyses over per-volume SSIM: P vs Q vs P+Q, diversity vs the best single distribution, the
 * robustness plot with effective robustness, distributional overfitting with early stopping, and the
 * train x test matrix. Models are scored at their final epoch unless stated; seeds are pooled.
 */
public final class Analyses {
    private final ResultTable results;
    private final Map<String, RunInfo> runs = new LinkedHashMap<>();
    private final Map<String, Integer> finalEpoch = new LinkedHashMap<>();
    private final Set<String> testSets = new LinkedHashSet<>();
    private final Map<String, Set<String>> components = new LinkedHashMap<>();

    public Analyses(ResultTable results, List<RunInfo> runInfos) {
        this.results = results;
        for (RunInfo r : runInfos) {
            runs.put(r.run(), r);
            components.putIfAbsent(r.trainSet(), r.components());
        }
        for (ResultTable.VolumeSsim v : results.rows()) {
            finalEpoch.merge(v.run(), v.epoch(), Math::max);
            testSets.add(v.testSet());
        }
    }

    /** A pooled mean with a 95 % volume-bootstrap interval. */
    public record Cell(double mean, double low, double high, int volumes) {
        static final Cell EMPTY = new Cell(Double.NaN, Double.NaN, Double.NaN, 0);

        public String show() {
            return Double.isNaN(mean) ? "" : String.format(java.util.Locale.ROOT, "%.4f [%.4f, %.4f]", mean, low, high);
        }
    }

    public List<String> trainSets() {
        return new ArrayList<>(components.keySet());
    }

    public List<String> testSets() {
        return new ArrayList<>(testSets);
    }

    public boolean isSingle(String trainSet) {
        return components.get(trainSet).size() == 1;
    }

    /** SSIM of a training set's runs (each at its final epoch, or at {@code epoch} when >= 1) on a test set. */
    public Cell cell(String trainSet, String testSet, int epoch) {
        List<Double> sums = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (ResultTable.VolumeSsim v : results.rows()) {
            RunInfo r = runs.get(v.run());
            if (r == null || !r.trainSet().equals(trainSet) || !v.testSet().equals(testSet)) continue;
            int want = epoch >= 1 ? epoch : finalEpoch.get(v.run());
            if (v.epoch() != want) continue;
            sums.add(v.sum());
            counts.add(v.slices());
        }
        if (sums.isEmpty()) return Cell.EMPTY;
        double[] s = sums.stream().mapToDouble(Double::doubleValue).toArray();
        int[] c = counts.stream().mapToInt(Integer::intValue).toArray();
        Bootstrap.Interval i = Bootstrap.clusterMean(s, c, 2000, (trainSet + "|" + testSet + "|" + epoch).hashCode());
        return new Cell(i.mean(), i.low(), i.high(), i.clusters());
    }

    public Cell cell(String trainSet, String testSet) {
        return cell(trainSet, testSet, -1);
    }

    /** Mean SSIM over the test sets a training set contains (in-distribution) or does not (out-of-distribution). */
    public double idOod(String trainSet, boolean inDistribution, int epoch) {
        double sum = 0;
        int n = 0;
        for (String t : testSets) {
            if (components.get(trainSet).contains(t) != inDistribution) continue;
            Cell c = cell(trainSet, t, epoch);
            if (!Double.isNaN(c.mean())) {
                sum += c.mean();
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** 1. In-distribution SSIM of the models trained on P, on Q and on P+Q, for every two-component mixture. */
    public Table pVsQ() {
        Table t = new Table("p_vs_q", "P vs Q vs P+Q (in-distribution SSIM, final epoch, 95% volume bootstrap)",
                List.of("mixture", "test_set", "trained_on_P", "trained_on_Q", "trained_on_P+Q", "P+Q_minus_specialist"));
        for (String mix : trainSets()) {
            List<String> comp = new ArrayList<>(components.get(mix));
            if (comp.size() != 2) continue;
            String p = singleFor(comp.get(0)), q = singleFor(comp.get(1));
            if (p == null || q == null) continue;
            for (String test : comp) {
                if (!testSets.contains(test)) continue;
                Cell cp = cell(p, test), cq = cell(q, test), cm = cell(mix, test);
                double specialist = test.equals(comp.get(0)) ? cp.mean() : cq.mean();
                t.add(mix, test, cp.show(), cq.show(), cm.show(), cm.mean() - specialist);
            }
        }
        return t;
    }

    /** 2. Every mixture against its specialists (in-distribution) and against its best single component (held-out). */
    public Table diversity() {
        Table t = new Table("diversity", "Diverse training vs the best single distribution (final epoch)",
                List.of("test_set", "kind", "mixture", "mixture_ssim", "best_single", "best_single_ssim", "difference", "mixture_wins"));
        for (String mix : trainSets()) {
            Set<String> comp = components.get(mix);
            if (comp.size() < 2) continue;
            for (String test : testSets) {
                String best = null;
                double bestVal = Double.NEGATIVE_INFINITY;
                for (String c : comp) {
                    String single = singleFor(c);
                    if (single == null) continue;
                    double v = cell(single, test).mean();
                    if (!Double.isNaN(v) && v > bestVal) {
                        bestVal = v;
                        best = single;
                    }
                }
                if (best == null) continue;
                double m = cell(mix, test).mean();
                t.add(test, comp.contains(test) ? "in-distribution" : "held-out", mix, m, best, bestVal, m - bestVal, m > bestVal ? "yes" : "no");
            }
        }
        return t;
    }

    /** Result of the robustness fit: OOD = slope * ID + intercept over single-distribution models. */
    public record Fit(double slope, double intercept, int points) {
        public double at(double id) {
            return slope * id + intercept;
        }
    }

    public Fit robustnessFit() {
        List<double[]> pts = new ArrayList<>();
        for (String ts : trainSets()) {
            if (!isSingle(ts)) continue;
            double id = idOod(ts, true, -1), ood = idOod(ts, false, -1);
            if (!Double.isNaN(id) && !Double.isNaN(ood)) pts.add(new double[]{id, ood});
        }
        return leastSquares(pts);
    }

    static Fit leastSquares(List<double[]> pts) {
        int n = pts.size();
        if (n < 2) return new Fit(Double.NaN, Double.NaN, n);
        double mx = 0, my = 0;
        for (double[] p : pts) {
            mx += p[0];
            my += p[1];
        }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0;
        for (double[] p : pts) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        double slope = sxx == 0 ? 0 : sxy / sxx;
        return new Fit(slope, my - slope * mx, n);
    }

    /** 3. In- vs out-of-distribution SSIM of every model and its effective robustness (distance above the fit). */
    public Table robustness() {
        Fit fit = robustnessFit();
        Table t = new Table("robustness", String.format(java.util.Locale.ROOT,
                "Robustness: ID vs OOD SSIM; fit over single-distribution models OOD = %.3f * ID + %.3f (%d points)",
                fit.slope(), fit.intercept(), fit.points()),
                List.of("train_set", "kind", "id_ssim", "ood_ssim", "fit_at_id", "effective_robustness"));
        for (String ts : trainSets()) {
            double id = idOod(ts, true, -1), ood = idOod(ts, false, -1);
            double f = fit.at(id);
            t.add(ts, isSingle(ts) ? "single" : "mixture", id, ood, f, ood - f);
        }
        return t;
    }

    /** Per run: ID and OOD SSIM for every epoch. */
    public Map<String, TreeMap<Integer, double[]>> curves() {
        Map<String, TreeMap<Integer, double[]>> out = new LinkedHashMap<>();
        for (RunInfo r : runs.values()) {
            TreeSet<Integer> epochs = new TreeSet<>();
            for (ResultTable.VolumeSsim v : results.rows()) if (v.run().equals(r.run())) epochs.add(v.epoch());
            TreeMap<Integer, double[]> series = new TreeMap<>();
            for (int e : epochs) series.put(e, new double[]{runMean(r, e, true), runMean(r, e, false)});
            out.put(r.run(), series);
        }
        return out;
    }

    private double runMean(RunInfo r, int epoch, boolean id) {
        Map<String, double[]> perTest = new LinkedHashMap<>();
        for (ResultTable.VolumeSsim v : results.rows()) {
            if (!v.run().equals(r.run()) || v.epoch() != epoch || r.components().contains(v.testSet()) != id) continue;
            double[] a = perTest.computeIfAbsent(v.testSet(), k -> new double[2]);
            a[0] += v.sum();
            a[1] += v.slices();
        }
        if (perTest.isEmpty()) return Double.NaN;
        double s = 0;
        for (double[] a : perTest.values()) s += a[0] / a[1];
        return s / perTest.size();
    }

    /** 4. Distributional overfitting: where OOD SSIM peaks, and what early stopping on ID validation picks and costs. */
    public Table overfitting() {
        Table t = new Table("overfitting", "Distributional overfitting (OOD SSIM over epochs; early stopping on in-distribution validation)",
                List.of("run", "train_set", "epochs", "ood_peak_epoch", "ood_at_peak", "ood_at_last", "drop_after_peak",
                        "early_stop_epoch", "early_stop_source", "ood_at_early_stop", "cost_of_early_stop", "id_at_last"));
        for (Map.Entry<String, TreeMap<Integer, double[]>> e : curves().entrySet()) {
            TreeMap<Integer, double[]> s = e.getValue();
            if (s.isEmpty()) continue;
            RunInfo r = runs.get(e.getKey());
            int peak = -1;
            double peakVal = Double.NEGATIVE_INFINITY;
            for (Map.Entry<Integer, double[]> x : s.entrySet()) {
                if (!Double.isNaN(x.getValue()[1]) && x.getValue()[1] > peakVal) {
                    peakVal = x.getValue()[1];
                    peak = x.getKey();
                }
            }
            int es = -1;
            double esVal = Double.NEGATIVE_INFINITY;
            String source = "validation";
            Map<Integer, Double> val = r.validation();
            if (val.isEmpty()) {
                source = "id-test (no validation split)";
                val = new TreeMap<>();
                for (Map.Entry<Integer, double[]> x : s.entrySet()) val.put(x.getKey(), x.getValue()[0]);
            }
            for (Map.Entry<Integer, Double> x : val.entrySet()) {
                if (s.containsKey(x.getKey()) && x.getValue() > esVal) {
                    esVal = x.getValue();
                    es = x.getKey();
                }
            }
            double last = s.lastEntry().getValue()[1];
            double atEs = es < 0 ? Double.NaN : s.get(es)[1];
            t.add(r.run(), r.trainSet(), s.size(), peak < 0 ? "" : peak, peakVal == Double.NEGATIVE_INFINITY ? Double.NaN : peakVal,
                    last, peakVal - last, es < 0 ? "" : es, source, atEs, peakVal - atEs, s.lastEntry().getValue()[0]);
        }
        return t;
    }

    /** 5. Every training set against every test set (final epoch). */
    public Table matrix() {
        List<String> header = new ArrayList<>();
        header.add("train_set");
        header.addAll(testSets);
        Table t = new Table("matrix", "Train x test SSIM matrix (final epoch)", header);
        for (String ts : trainSets()) {
            Object[] row = new Object[testSets.size() + 1];
            row[0] = ts;
            int i = 1;
            for (String test : testSets) row[i++] = cell(ts, test).mean();
            t.add(row);
        }
        return t;
    }

    /** The single-distribution training set of one distribution, if the experiment has one. */
    String singleFor(String distribution) {
        for (Map.Entry<String, Set<String>> e : components.entrySet()) {
            if (e.getValue().size() == 1 && e.getValue().contains(distribution)) return e.getKey();
        }
        return null;
    }
}
