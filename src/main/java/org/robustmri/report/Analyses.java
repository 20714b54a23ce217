package org.robustmri.report;

import org.robustmri.eval.Bootstrap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The paper's analyses over per-volume SSIM, computed per architecture (every table starts with the model) and per
 * checkpoint rule: P vs Q vs P+Q, a mixture against the best single distribution, the robustness plot with effective
 * robustness, distributional overfitting with early stopping, the train x test matrix, and one row per claim and
 * architecture saying whether it holds.
 *
 * <ul>
 *   <li>In- and out-of-distribution are decided by data ({@link Relations}).</li>
 *   <li>An arm is (model, training set); its runs are its seeds. Per test volume the seeds' SSIM is averaged first,
 *       then 95 % intervals bootstrap whole volumes, so seeds never count as extra volumes. Differences between two
 *       arms are paired: both on the same volumes.</li>
 *   <li>Checkpoints: the final epoch; the best checkpoint per test set (an oracle: the paper's {@code test()} keeps
 *       the best); early stopping on the validation split. Early stopping on in-distribution test sets is refused
 *       unless asked for ({@code earlyStoppingOnTest}), and then labelled in every table.</li>
 * </ul>
 */
public final class Analyses {
    /** How a run's checkpoint is chosen for a test set. */
    public enum Checkpoint {
        FINAL("final", "final epoch"),
        ORACLE("oracle", "best checkpoint per test set (oracle, as the paper's test())"),
        VALIDATION("validation", "early stopping on validation SSIM"),
        TEST_STOPPING("id-test-stopping", "early stopping on the in-distribution test sets (optimistic: chosen on test data)");

        private final String key;
        private final String label;

        Checkpoint(String key, String label) {
            this.key = key;
            this.label = label;
        }

        public String key() {
            return key;
        }

        public String label() {
            return label;
        }
    }

    /** A model trained on a training set (its runs are the seeds). */
    public record Arm(String model, String trainSet) {
    }

    /** Options of the analyses. {@code matchTolerance}: how far below a specialist a mixture may be and still "match". */
    public record Options(boolean earlyStoppingOnTest, double matchTolerance) {
        public static Options defaults() {
            return new Options(false, 0.01);
        }
    }

    /** A mean with a 95 % interval. */
    public record Cell(double mean, double low, double high, int volumes) {
        static final Cell EMPTY = new Cell(Double.NaN, Double.NaN, Double.NaN, 0);

        public String show() {
            return Double.isNaN(mean) ? "" : String.format(Locale.ROOT, "%.4f [%.4f, %.4f]", mean, low, high);
        }
    }

    private static final int RESAMPLES = 2000;

    private final Map<String, RunInfo> runs = new LinkedHashMap<>();
    private final Map<Arm, List<RunInfo>> arms = new LinkedHashMap<>();
    private final Map<String, Set<String>> components = new LinkedHashMap<>();
    private final Set<String> testSets = new LinkedHashSet<>();
    private final Set<String> models = new LinkedHashSet<>();
    /** run -> epoch -> test set -> volume -> {sum, slices}. */
    private final Map<String, TreeMap<Integer, Map<String, Map<String, double[]>>>> index = new LinkedHashMap<>();
    private final Relations relations;
    private final Options options;

    public Analyses(ResultTable results, List<RunInfo> runInfos, Relations relations, Options options) {
        this.options = options;
        for (RunInfo r : runInfos) {
            runs.put(r.run(), r);
            components.putIfAbsent(r.trainSet(), r.components());
            arms.computeIfAbsent(new Arm(r.model(), r.trainSet()), k -> new ArrayList<>()).add(r);
            models.add(r.model());
        }
        for (ResultTable.VolumeSsim v : results.rows()) {
            if (!runs.containsKey(v.run())) continue; // the baseline has no run info
            testSets.add(v.testSet());
            index.computeIfAbsent(v.run(), k -> new TreeMap<>()).computeIfAbsent(v.epoch(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(v.testSet(), k -> new LinkedHashMap<>()).put(v.volume(), new double[]{v.sum(), v.slices()});
        }
        this.relations = relations != null ? relations : Relations.byName(components, new ArrayList<>(testSets));
    }

    public Analyses(ResultTable results, List<RunInfo> runInfos) {
        this(results, runInfos, null, Options.defaults());
    }

    public Relations relations() {
        return relations;
    }

    public List<String> models() {
        return new ArrayList<>(models);
    }

    public List<String> trainSets() {
        return new ArrayList<>(components.keySet());
    }

    /** The training sets a model was trained on, in config order. */
    public List<String> trainSets(String model) {
        List<String> out = new ArrayList<>();
        for (Arm a : arms.keySet()) if (a.model().equals(model)) out.add(a.trainSet());
        return out;
    }

    public List<String> testSets() {
        return new ArrayList<>(testSets);
    }

    public boolean isSingle(String trainSet) {
        return components.get(trainSet).size() == 1;
    }

    /** The checkpoint rules these results allow: final and oracle always, validation when runs have it. */
    public List<Checkpoint> checkpoints() {
        List<Checkpoint> out = new ArrayList<>(List.of(Checkpoint.FINAL, Checkpoint.ORACLE));
        if (runs.values().stream().anyMatch(r -> !r.validation().isEmpty())) out.add(Checkpoint.VALIDATION);
        if (options.earlyStoppingOnTest()) out.add(Checkpoint.TEST_STOPPING);
        return out;
    }

    // ------------------------------------------------------------------------------------------ checkpoints

    /** Mean SSIM of a run at an epoch on a test set (slice-weighted over its volumes); NaN when not scored. */
    double runMean(String run, int epoch, String test) {
        Map<String, Map<String, double[]>> byTest = index.getOrDefault(run, new TreeMap<>()).get(epoch);
        if (byTest == null || !byTest.containsKey(test)) return Double.NaN;
        double s = 0, n = 0;
        for (double[] v : byTest.get(test).values()) {
            s += v[0];
            n += v[1];
        }
        return s / n;
    }

    /** Mean over the in-distribution (or out-of-distribution) test sets of a run at an epoch. */
    double runMean(String run, int epoch, Relations.Kind kind) {
        RunInfo r = runs.get(run);
        double s = 0;
        int n = 0;
        for (String t : testSets) {
            if (relations.kind(r.trainSet(), t) != kind) continue;
            double m = runMean(run, epoch, t);
            if (!Double.isNaN(m)) {
                s += m;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    /** The epoch a rule picks for a run on a test set; -1 when the rule cannot be applied (no validation). */
    public int epoch(String run, String test, Checkpoint rule) {
        TreeMap<Integer, Map<String, Map<String, double[]>>> epochs = index.get(run);
        if (epochs == null || epochs.isEmpty()) return -1;
        return switch (rule) {
            case FINAL -> epochs.lastKey();
            case ORACLE -> argmax(epochs.keySet(), e -> runMean(run, e, test));
            case VALIDATION -> {
                Map<Integer, Double> val = runs.get(run).validation();
                yield val.isEmpty() ? -1 : argmax(epochs.keySet(), e -> val.getOrDefault(e, Double.NaN));
            }
            case TEST_STOPPING -> argmax(epochs.keySet(), e -> runMean(run, e, Relations.Kind.IN));
        };
    }

    private static int argmax(Set<Integer> epochs, java.util.function.IntToDoubleFunction f) {
        int best = -1;
        double bestVal = Double.NEGATIVE_INFINITY;
        for (int e : epochs) {
            double v = f.applyAsDouble(e);
            if (!Double.isNaN(v) && v > bestVal) {
                bestVal = v;
                best = e;
            }
        }
        return best;
    }

    // ------------------------------------------------------------------------------------------ cells

    /** Per test volume of an arm under a rule: {seed-averaged SSIM sum, slices}. */
    Map<String, double[]> volumes(Arm arm, String test, Checkpoint rule) {
        Map<String, double[]> acc = new TreeMap<>();
        List<RunInfo> rs = arms.get(arm);
        if (rs == null) return acc;
        for (RunInfo r : rs) {
            int e = epoch(r.run(), test, rule);
            if (e < 0) continue;
            Map<String, double[]> vols = index.get(r.run()).get(e).get(test);
            if (vols == null) continue;
            vols.forEach((v, sn) -> {
                double[] a = acc.computeIfAbsent(v, k -> new double[3]);
                a[0] += sn[0] / sn[1]; // this seed's mean SSIM on the volume
                a[1] = sn[1];
                a[2]++;
            });
        }
        Map<String, double[]> out = new TreeMap<>();
        acc.forEach((v, a) -> out.put(v, new double[]{a[0] / a[2] * a[1], a[1]}));
        return out;
    }

    /** SSIM of an arm on a test set under a rule, with a 95 % volume bootstrap (seeds averaged per volume). */
    public Cell cell(Arm arm, String test, Checkpoint rule) {
        return cells.computeIfAbsent(List.of(arm, test, rule), k -> computeCell(arm, test, rule));
    }

    private final Map<List<Object>, Cell> cells = new java.util.HashMap<>();
    private Table pVsQ;
    private Table diversity;
    private Table overfitting;

    private Cell computeCell(Arm arm, String test, Checkpoint rule) {
        Map<String, double[]> v = volumes(arm, test, rule);
        if (v.isEmpty()) return Cell.EMPTY;
        double[] sums = new double[v.size()];
        int[] counts = new int[v.size()];
        int i = 0;
        for (double[] a : v.values()) {
            sums[i] = a[0];
            counts[i++] = (int) a[1];
        }
        Bootstrap.Interval b = Bootstrap.clusterMean(sums, counts, RESAMPLES, seed(arm, test, rule));
        return new Cell(b.mean(), b.low(), b.high(), b.clusters());
    }

    /** {@code a - b} on the volumes both were scored on, with a paired 95 % bootstrap. */
    public Cell difference(Arm a, Arm b, String test, Checkpoint rule) {
        Map<String, double[]> va = volumes(a, test, rule), vb = volumes(b, test, rule);
        List<String> common = new ArrayList<>();
        for (String v : va.keySet()) if (vb.containsKey(v)) common.add(v);
        if (common.isEmpty()) return Cell.EMPTY;
        double[] sa = new double[common.size()], sb = new double[common.size()];
        int[] n = new int[common.size()];
        for (int i = 0; i < common.size(); i++) {
            sa[i] = va.get(common.get(i))[0];
            sb[i] = vb.get(common.get(i))[0];
            n[i] = (int) va.get(common.get(i))[1];
        }
        Bootstrap.Interval d = Bootstrap.pairedDifference(sa, sb, n, RESAMPLES, seed(a, test, rule) * 31 + b.hashCode());
        return new Cell(d.mean(), d.low(), d.high(), d.clusters());
    }

    private static long seed(Arm arm, String test, Checkpoint rule) {
        return Objects.hash(arm.model(), arm.trainSet(), test, rule.key());
    }

    /** Mean of an arm's cells over the test sets of a kind for its training set (NaN when there are none). */
    public double mean(Arm arm, Relations.Kind kind, Checkpoint rule) {
        return mean(arm, rule, t -> relations.kind(arm.trainSet(), t) == kind);
    }

    private double mean(Arm arm, Checkpoint rule, java.util.function.Predicate<String> include) {
        double s = 0;
        int n = 0;
        for (String t : testSets) {
            if (!include.test(t)) continue;
            double m = cell(arm, t, rule).mean();
            if (!Double.isNaN(m)) {
                s += m;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    /** The single-distribution training set of one distribution, if the experiment has one. */
    String singleFor(String distribution) {
        for (Map.Entry<String, Set<String>> e : components.entrySet()) {
            if (e.getValue().size() == 1 && e.getValue().contains(distribution)) return e.getKey();
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------ tables

    /** 1. In-distribution SSIM of the models trained on P, on Q and on P+Q, for every two-component mixture. */
    public Table pVsQ() {
        if (pVsQ != null) return pVsQ;
        Table t = new Table("p_vs_q", "P vs Q vs P+Q on each one's in-distribution test sets (95% volume bootstrap; difference paired)",
                List.of("model", "checkpoint", "mixture", "test_set", "trained_on_P", "trained_on_Q", "trained_on_P+Q", "specialist",
                        "P+Q_minus_specialist", "diff_low", "diff_high"));
        for (String model : models) {
            for (Checkpoint rule : checkpoints()) {
                for (String mix : trainSets(model)) {
                    List<String> comp = new ArrayList<>(components.get(mix));
                    if (comp.size() != 2) continue;
                    String p = singleFor(comp.get(0)), q = singleFor(comp.get(1));
                    if (p == null || q == null || !trainSets(model).contains(p) || !trainSets(model).contains(q)) continue;
                    for (String test : testSets) {
                        boolean pIn = relations.kind(p, test) == Relations.Kind.IN, qIn = relations.kind(q, test) == Relations.Kind.IN;
                        if (pIn == qIn) continue; // the specialist is the one whose distribution the test set is
                        String specialist = pIn ? p : q;
                        Arm am = new Arm(model, mix);
                        Cell d = difference(am, new Arm(model, specialist), test, rule);
                        t.add(model, rule.key(), mix, test, cell(new Arm(model, p), test, rule).show(), cell(new Arm(model, q), test, rule).show(),
                                cell(am, test, rule).show(), specialist, d.mean(), d.low(), d.high());
                    }
                }
            }
        }
        return pVsQ = t;
    }

    /** 2. Every mixture against its best single component on every test set, by relation (paired differences). */
    public Table diversity() {
        if (diversity != null) return diversity;
        Table t = new Table("diversity", "A mixture against its best single-distribution component, per test set (paired 95% bootstrap)",
                List.of("model", "checkpoint", "test_set", "relation", "mixture", "mixture_ssim", "best_single", "best_single_ssim",
                        "difference", "diff_low", "diff_high", "mixture_wins"));
        for (String model : models) {
            for (Checkpoint rule : checkpoints()) {
                for (String mix : trainSets(model)) {
                    Set<String> comp = components.get(mix);
                    if (comp.size() < 2) continue;
                    for (String test : testSets) {
                        String best = null;
                        double bestVal = Double.NEGATIVE_INFINITY;
                        for (String c : comp) {
                            String single = singleFor(c);
                            if (single == null || !trainSets(model).contains(single)) continue;
                            double v = cell(new Arm(model, single), test, rule).mean();
                            if (!Double.isNaN(v) && v > bestVal) {
                                bestVal = v;
                                best = single;
                            }
                        }
                        if (best == null) continue;
                        Arm am = new Arm(model, mix);
                        double m = cell(am, test, rule).mean();
                        Cell d = difference(am, new Arm(model, best), test, rule);
                        t.add(model, rule.key(), test, relations.kind(mix, test).label(), mix, m, best, bestVal, d.mean(), d.low(), d.high(),
                                m > bestVal ? "yes" : "no");
                    }
                }
            }
        }
        return diversity = t;
    }

    /** Result of the robustness fit: OOD = slope * ID + intercept over single-distribution models. */
    public record Fit(double slope, double intercept, int points) {
        public double at(double id) {
            return slope * id + intercept;
        }
    }

    /** The fit over one model's single-distribution arms under a rule. */
    public Fit robustnessFit(String model, Checkpoint rule) {
        List<double[]> pts = new ArrayList<>();
        for (String ts : trainSets(model)) {
            if (!isSingle(ts)) continue;
            Arm a = new Arm(model, ts);
            double id = mean(a, Relations.Kind.IN, rule), ood = mean(a, Relations.Kind.OUT, rule);
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

    /**
     * 3. In- vs out-of-distribution SSIM of every arm and its effective robustness (distance above the fit through the
     * model's single-distribution arms). {@code ood_common} averages only the test sets that are out-of-distribution for
     * every arm of the model, so mixtures and singles are compared on the same targets.
     */
    public Table robustness() {
        Table t = new Table("robustness", "Robustness: ID vs OOD SSIM, fit over each model's single-distribution models",
                List.of("model", "checkpoint", "train_set", "kind", "id_ssim", "ood_ssim", "fit_at_id", "effective_robustness", "fit_slope",
                        "fit_intercept", "ood_common", "common_targets"));
        for (String model : models) {
            List<String> common = commonHeldOut(model);
            for (Checkpoint rule : checkpoints()) {
                Fit fit = robustnessFit(model, rule);
                for (String ts : trainSets(model)) {
                    Arm a = new Arm(model, ts);
                    double id = mean(a, Relations.Kind.IN, rule), ood = mean(a, Relations.Kind.OUT, rule);
                    double f = fit.at(id);
                    t.add(model, rule.key(), ts, isSingle(ts) ? "single" : "mixture", id, ood, f, ood - f, fit.slope(), fit.intercept(),
                            mean(a, rule, common::contains), String.join("|", common));
                }
            }
        }
        return t;
    }

    /** Test sets that are out-of-distribution for every training set of a model. */
    List<String> commonHeldOut(String model) {
        List<String> out = new ArrayList<>();
        for (String test : testSets) {
            boolean all = true;
            for (String ts : trainSets(model)) all &= relations.kind(ts, test) == Relations.Kind.OUT;
            if (all) out.add(test);
        }
        return out;
    }

    /** Per run: ID and OOD SSIM for every epoch. */
    public Map<String, TreeMap<Integer, double[]>> curves() {
        Map<String, TreeMap<Integer, double[]>> out = new LinkedHashMap<>();
        for (RunInfo r : runs.values()) {
            TreeMap<Integer, double[]> series = new TreeMap<>();
            TreeMap<Integer, Map<String, Map<String, double[]>>> e = index.get(r.run());
            if (e != null) {
                for (int epoch : e.keySet()) {
                    series.put(epoch, new double[]{runMean(r.run(), epoch, Relations.Kind.IN), runMean(r.run(), epoch, Relations.Kind.OUT)});
                }
            }
            out.put(r.run(), series);
        }
        return out;
    }

    /**
     * 4. Distributional overfitting: where OOD SSIM peaks, and what early stopping picks and costs. Early stopping uses
     * the validation split; without one it is refused (empty), unless early stopping on test data was asked for.
     */
    public Table overfitting() {
        if (overfitting != null) return overfitting;
        Table t = new Table("overfitting", "Distributional overfitting (OOD SSIM over epochs) and early stopping",
                List.of("model", "run", "train_set", "epochs", "ood_peak_epoch", "ood_at_peak", "ood_at_last", "drop_after_peak",
                        "early_stop_epoch", "early_stop_rule", "ood_at_early_stop", "cost_of_early_stop", "id_at_last"));
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
            Checkpoint rule = !r.validation().isEmpty() ? Checkpoint.VALIDATION : options.earlyStoppingOnTest() ? Checkpoint.TEST_STOPPING : null;
            int es = rule == null ? -1 : epoch(r.run(), null, rule);
            String ruleText = rule == null ? "refused: no validation split" : rule.label();
            double last = s.lastEntry().getValue()[1];
            double atEs = es < 0 ? Double.NaN : s.get(es)[1];
            double peakOrNaN = peak < 0 ? Double.NaN : peakVal;
            t.add(r.model(), r.run(), r.trainSet(), s.size(), peak < 0 ? "" : peak, peakOrNaN, last, peakOrNaN - last, es < 0 ? "" : es,
                    ruleText, atEs, peakOrNaN - atEs, s.lastEntry().getValue()[0]);
        }
        return overfitting = t;
    }

    /** 5. Every training set against every test set. */
    public Table matrix() {
        List<String> header = new ArrayList<>(List.of("model", "checkpoint", "train_set"));
        header.addAll(testSets);
        Table t = new Table("matrix", "Train x test SSIM matrix", header);
        for (String model : models) {
            for (Checkpoint rule : checkpoints()) {
                for (String ts : trainSets(model)) {
                    List<Object> row = new ArrayList<>(List.of(model, rule.key(), ts));
                    for (String test : testSets) row.add(cell(new Arm(model, ts), test, rule).mean());
                    t.add(row.toArray());
                }
            }
        }
        return t;
    }

    /**
     * What the claims and findings are computed under: early stopping on validation when every run has a validation
     * split (the honest choice), else the final epoch.
     */
    public Checkpoint headlineRule() {
        return !runs.isEmpty() && runs.values().stream().allMatch(r -> !r.validation().isEmpty()) ? Checkpoint.VALIDATION : Checkpoint.FINAL;
    }

    /**
     * 6. The paper's claims, one row per claim and architecture, with its numbers and whether it holds here (under the
     * headline checkpoint rule; the oracle's numbers beside).
     */
    public Table claims() {
        Table t = new Table("claims", "The paper's claims per architecture (" + headlineRule().label() + "; oracle in brackets)",
                List.of("model", "claim", "measure", "value", "value_oracle", "holds"));
        for (String model : models) addClaims(t, model);
        return t;
    }

    private void addClaims(Table t, String model) {
        Checkpoint h = headlineRule();
        double[] pq = pqDiffs(model, h), pqO = pqDiffs(model, Checkpoint.ORACLE);
        if (pq[2] > 0) {
            t.add(model, "P+Q matches the specialist on P's and Q's own test sets",
                    String.format(Locale.ROOT, "mean (worst) P+Q minus specialist over %d test sets; holds when the worst is above -%.3f",
                            (int) pq[2], options.matchTolerance()),
                    String.format(Locale.ROOT, "%+.4f (%+.4f)", pq[0], pq[1]), String.format(Locale.ROOT, "%+.4f (%+.4f)", pqO[0], pqO[1]),
                    pq[1] >= -options.matchTolerance() ? "yes" : "no");
        }
        double[] dv = heldOutDiffs(model, h), dvO = heldOutDiffs(model, Checkpoint.ORACLE);
        if (dv[2] > 0) {
            t.add(model, "a mixture beats the best single distribution on held-out targets",
                    String.format(Locale.ROOT, "mean mixture minus best single over %d (mixture, held-out target) pairs; wins", (int) dv[2]),
                    String.format(Locale.ROOT, "%+.4f, wins %d/%d", dv[0], (int) dv[1], (int) dv[2]),
                    String.format(Locale.ROOT, "%+.4f, wins %d/%d", dvO[0], (int) dvO[1], (int) dvO[2]),
                    dv[0] > 0 && dv[1] * 2 > dv[2] ? "yes" : "no");
        }
        int runsN = 0, dropped = 0;
        double worst = 0;
        for (List<String> r : overfitting().rows()) {
            if (!r.get(0).equals(model) || r.get(7).isEmpty()) continue;
            runsN++;
            double d = Double.parseDouble(r.get(7));
            if (d > 0.002) dropped++;
            worst = Math.max(worst, d);
        }
        if (runsN > 0) {
            t.add(model, "out-of-distribution SSIM falls after a peak while training goes on (distributional overfitting)",
                    "runs whose OOD SSIM at the last epoch is > 0.002 below its peak; largest drop",
                    String.format(Locale.ROOT, "%d/%d, %.4f", dropped, runsN, worst), "", dropped * 2 > runsN ? "yes" : "no");
        }
        Fit fit = robustnessFit(model, h);
        if (fit.points() == 2) {
            // a line through two points fits exactly: no evidence that OOD follows ID
            t.add(model, "OOD SSIM follows a line in ID SSIM; mixtures sit above it (effective robustness)",
                    "needs at least 3 single-distribution models; this architecture has 2", "", "", "n/a");
        }
        if (fit.points() >= 3) {
            int above = 0, mixtures = 0;
            for (String ts : trainSets(model)) {
                if (isSingle(ts)) continue;
                Arm a = new Arm(model, ts);
                double id = mean(a, Relations.Kind.IN, h), ood = mean(a, Relations.Kind.OUT, h);
                if (Double.isNaN(id) || Double.isNaN(ood)) continue;
                mixtures++;
                if (ood > fit.at(id)) above++;
            }
            t.add(model, "OOD SSIM follows a line in ID SSIM; mixtures sit above it (effective robustness)",
                    String.format(Locale.ROOT, "fit over %d single models: slope, intercept; mixtures above the line", fit.points()),
                    String.format(Locale.ROOT, "%.3f, %.3f; %d/%d", fit.slope(), fit.intercept(), above, mixtures), "",
                    mixtures == 0 ? "n/a" : above * 2 > mixtures ? "yes" : "no");
        }
    }

    /** {mean, worst, n} of P+Q minus specialist over a model's P vs Q rows. */
    private double[] pqDiffs(String model, Checkpoint rule) {
        double s = 0, worst = Double.POSITIVE_INFINITY;
        int n = 0;
        for (List<String> r : pVsQ().rows()) {
            if (!r.get(0).equals(model) || !r.get(1).equals(rule.key()) || r.get(8).isEmpty()) continue;
            double d = Double.parseDouble(r.get(8));
            s += d;
            worst = Math.min(worst, d);
            n++;
        }
        return new double[]{n == 0 ? Double.NaN : s / n, n == 0 ? Double.NaN : worst, n};
    }

    /** {mean difference, wins, n} of mixtures against their best single on out-of-distribution targets. */
    private double[] heldOutDiffs(String model, Checkpoint rule) {
        double s = 0;
        int wins = 0, n = 0;
        for (List<String> r : diversity().rows()) {
            if (!r.get(0).equals(model) || !r.get(1).equals(rule.key()) || !r.get(3).equals(Relations.Kind.OUT.label())) continue;
            if (r.get(8).isEmpty()) continue;
            double d = Double.parseDouble(r.get(8));
            s += d;
            n++;
            if (r.get(11).equals("yes")) wins++;
        }
        return new double[]{n == 0 ? Double.NaN : s / n, wins, n};
    }

    /** Arms of a model, for charts. */
    /** The runs (seeds) of an arm. */
    public Set<String> runsOf(Arm arm) {
        Set<String> out = new LinkedHashSet<>();
        for (RunInfo r : arms.getOrDefault(arm, List.of())) out.add(r.run());
        return out;
    }

    public List<Arm> arms(String model) {
        List<Arm> out = new ArrayList<>();
        for (Arm a : arms.keySet()) if (a.model().equals(model)) out.add(a);
        return out;
    }

    /** Epochs a run was scored at. */
    public TreeSet<Integer> epochs(String run) {
        return index.containsKey(run) ? new TreeSet<>(index.get(run).keySet()) : new TreeSet<>();
    }
}
