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
 * Per-volume SSIM of every arm (a model trained on a training set; its runs are the seeds) under every checkpoint
 * rule, with volume-bootstrap intervals, paired differences, the robustness fit and the curves over epochs: what the
 * typed comparisons ({@link Comparisons}) and the claims ({@link Claims}) are computed from.
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

    /**
     * Options of the analyses: early stopping on the in-distribution test sets (only when asked), and the claims'
     * thresholds: {@code matchTolerance}, how far below a specialist a mixture may be and still "match";
     * {@code overfittingDrop}, how far below its peak a run's last OOD SSIM must be to count as overfitting.
     */
    public record Options(boolean earlyStoppingOnTest, double matchTolerance, double overfittingDrop, Set<String> realTestSets) {
        public static final double MATCH_TOLERANCE = 0.01;
        public static final double OVERFITTING_DROP = 0.002;

        public Options(boolean earlyStoppingOnTest, double matchTolerance) {
            this(earlyStoppingOnTest, matchTolerance, OVERFITTING_DROP, Set.of());
        }

        /** The same options where {@code sets} are test sets of real scans in a study trained on simulated data. */
        public Options withRealTestSets(Set<String> sets) {
            return new Options(earlyStoppingOnTest, matchTolerance, overfittingDrop, Set.copyOf(sets));
        }

        public static Options defaults() {
            return new Options(false, MATCH_TOLERANCE, OVERFITTING_DROP, Set.of());
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

    public Options options() {
        return options;
    }

    /** The distributions a training set mixes. */
    public Set<String> components(String trainSet) {
        return components.get(trainSet);
    }

    /** What is known of a run (its training set, model, seeds, validation). */
    public RunInfo run(String run) {
        return runs.get(run);
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

    double mean(Arm arm, Checkpoint rule, java.util.function.Predicate<String> include) {
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

    // ------------------------------------------------------------------------------------------ fits and curves

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
        return curves(null);
    }

    /** Per run of one architecture (all when {@code model} is null): ID and OOD SSIM for every epoch. */
    public Map<String, TreeMap<Integer, double[]>> curves(String model) {
        Map<String, TreeMap<Integer, double[]>> out = new LinkedHashMap<>();
        for (RunInfo r : runs.values()) {
            if (model != null && !r.model().equals(model)) continue;
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
     * What the claims and findings are computed under: early stopping on validation when every run has a validation
     * split (the honest choice), else the final epoch.
     */
    public Checkpoint headlineRule() {
        return !runs.isEmpty() && runs.values().stream().allMatch(r -> !r.validation().isEmpty()) ? Checkpoint.VALIDATION : Checkpoint.FINAL;
    }

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

    /** Every volume any run was scored on in a test set, sorted: what a bootstrap over volumes draws from. */
    public List<String> volumesOf(String test) {
        return volumesByTest.computeIfAbsent(test, t -> {
            java.util.TreeSet<String> all = new java.util.TreeSet<>();
            for (TreeMap<Integer, Map<String, Map<String, double[]>>> e : index.values()) {
                for (Map<String, Map<String, double[]>> byTest : e.values()) {
                    Map<String, double[]> v = byTest.get(t);
                    if (v != null) all.addAll(v.keySet());
                }
            }
            return List.copyOf(all);
        });
    }

    private final Map<String, List<String>> volumesByTest = new java.util.HashMap<>();

    /** A run's {SSIM sum, slices} per volume of a test set at an epoch; null when not scored. */
    Map<String, double[]> volumeScores(String run, int epoch, String test) {
        TreeMap<Integer, Map<String, Map<String, double[]>>> e = index.get(run);
        if (e == null || !e.containsKey(epoch)) return null;
        return e.get(epoch).get(test);
    }

    /** Epochs a run was scored at. */
    public TreeSet<Integer> epochs(String run) {
        return index.containsKey(run) ? new TreeSet<>(index.get(run).keySet()) : new TreeSet<>();
    }
}
