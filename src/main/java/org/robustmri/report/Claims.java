package org.robustmri.report;

import org.robustmri.report.Analyses.Arm;
import org.robustmri.report.Analyses.Checkpoint;
import org.robustmri.report.Analyses.Fit;
import org.robustmri.report.SeedVolumeBootstrap.Cells;
import org.robustmri.report.SeedVolumeBootstrap.Estimate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The paper's claims, one per claim and architecture, under the headline checkpoint rule. Each is a statistic with a
 * 95 % interval from a joint bootstrap over model seeds and test volumes ({@link SeedVolumeBootstrap}) and a verdict
 * against its named margin ({@link Analyses.Options}): it holds when the whole interval is on the claim's side of the
 * margin, fails when the whole interval is on the other side, and is undecided when the interval straddles it.
 */
public final class Claims {
    /** Whether a claim holds here. */
    public enum Verdict {
        HOLDS("holds"), FAILS("fails"), UNDECIDED("undecided"), NOT_APPLICABLE("n/a");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** The verdict of a claim that holds when the statistic is above {@code margin}. */
        static Verdict above(Estimate e, double margin) {
            if (Double.isNaN(e.value())) return NOT_APPLICABLE;
            if (e.low() > margin) return HOLDS;
            if (e.high() < margin) return FAILS;
            return UNDECIDED;
        }
    }

    /** One claim for one architecture: its statistic with interval, the margin it is judged against, and the verdict. */
    public sealed interface Claim permits PqMatch, MixtureWins, Overfits, EffectiveRobustness {
        String model();

        /** The claim in words. */
        String statement();

        /** The claim in a few words with its margin, for the opening table. */
        String shortName();

        /** The claim in three or four words, for the terminal. */
        String label();

        /** What the statistic is and when the claim holds. */
        String measure();

        Estimate estimate();

        /** The statistic must be above this for the claim to hold. */
        double margin();

        /** Further numbers behind the statistic (counts, the oracle checkpoint's value). */
        String detail();

        default Verdict verdict() {
            return Verdict.above(estimate(), margin());
        }

        default String show() {
            Estimate e = estimate();
            return Double.isNaN(e.value()) ? "" : String.format(Locale.ROOT, "%+.4f [%+.4f, %+.4f]", e.value(), e.low(), e.high());
        }
    }

    /** P+Q matches the specialist on P's and Q's own test sets: the worst difference is above minus the tolerance. */
    public record PqMatch(String model, Estimate estimate, double margin, double mean, int testSets, double oracleWorst) implements Claim {
        public String label() {
            return "P+Q matches the specialist";
        }

        public String shortName() {
            return String.format(Locale.ROOT, "P+Q matches the specialist (worst P+Q minus specialist above %+.3f)", margin);
        }

        public String statement() {
            return "P+Q matches the specialist on P's and Q's own test sets";
        }

        public String measure() {
            return String.format(Locale.ROOT, "worst P+Q minus specialist over %d test sets; holds above %+.3f", testSets, margin);
        }

        public String detail() {
            return String.format(Locale.ROOT, "mean %+.4f; oracle worst %+.4f", mean, oracleWorst);
        }
    }

    /** A mixture beats the best single distribution on held-out targets: the mean difference is above zero. */
    public record MixtureWins(String model, Estimate estimate, double margin, int wins, int pairs, double oracleMean) implements Claim {
        public String label() {
            return "mixture beats best single, held out";
        }

        public String shortName() {
            return String.format(Locale.ROOT, "a mixture beats the best single distribution on held-out targets (mean above %+.3f)", margin);
        }

        public String statement() {
            return "a mixture beats the best single distribution on held-out targets";
        }

        public String measure() {
            return String.format(Locale.ROOT, "mean mixture minus best single over %d (mixture, held-out target) pairs; holds above %+.3f", pairs, margin);
        }

        public String detail() {
            return String.format(Locale.ROOT, "wins %d/%d; oracle mean %+.4f", wins, pairs, oracleMean);
        }
    }

    /** Out-of-distribution SSIM falls after a peak while training goes on: the mean drop is above the threshold. */
    public record Overfits(String model, Estimate estimate, double margin, int dropped, int runs, double largestDrop) implements Claim {
        public String label() {
            return "OOD falls after its peak";
        }

        public String shortName() {
            return String.format(Locale.ROOT, "OOD SSIM falls after its peak while training goes on (mean drop above %.3f)", margin);
        }

        public String statement() {
            return "out-of-distribution SSIM falls after a peak while training goes on (distributional overfitting)";
        }

        public String measure() {
            if (runs == 0) return "needs runs evaluated at two or more epochs; every run here has one";
            return String.format(Locale.ROOT, "mean OOD SSIM drop from the peak epoch to the last over %d runs; holds above %.3f", runs, margin);
        }

        public String detail() {
            if (runs == 0) return "";
            return String.format(Locale.ROOT, "%d/%d runs drop more; largest %.4f", dropped, runs, largestDrop);
        }
    }

    /** OOD SSIM follows a line in ID SSIM through the single models; mixtures sit above it (needs three singles). */
    public record EffectiveRobustness(String model, Estimate estimate, double margin, Fit fit, int above, int mixtures) implements Claim {
        public String label() {
            return "mixtures above the ID-OOD line";
        }

        public String shortName() {
            return String.format(Locale.ROOT, "mixtures sit above the ID-vs-OOD line of the single models (mean height above %+.3f)", margin);
        }

        public String statement() {
            return "OOD SSIM follows a line in ID SSIM; mixtures sit above it (effective robustness)";
        }

        public String measure() {
            return fit.points() < 3 ? "needs at least 3 single-distribution models; this architecture has " + fit.points()
                    : String.format(Locale.ROOT, "mean height of the mixtures above the line through %d single models; holds above %+.3f",
                    fit.points(), margin);
        }

        public String detail() {
            return fit.points() < 3 ? "" : String.format(Locale.ROOT, "slope %.3f, intercept %.3f; %d/%d above", fit.slope(), fit.intercept(), above, mixtures);
        }
    }

    /** Replicates of the bootstrap behind every claim. */
    static final int RESAMPLES = 2000;

    private final Comparisons c;

    public Claims(Comparisons c) {
        this.c = c;
    }

    /** Every claim of every architecture that its study design allows, in model order. */
    public List<Claim> all() {
        List<Claim> out = new ArrayList<>();
        for (String model : c.analyses().models()) out.addAll(of(model));
        return out;
    }

    public List<Claim> of(String model) {
        Analyses a = c.analyses();
        Checkpoint h = a.headlineRule();
        SeedVolumeBootstrap boot = new SeedVolumeBootstrap(a, h, RESAMPLES, model.hashCode());
        List<Claim> out = new ArrayList<>();
        List<Comparisons.PVsQ> pq = c.pVsQ().stream().filter(r -> r.model().equals(model) && r.rule() == h && !Double.isNaN(r.difference().mean())).toList();
        if (!pq.isEmpty()) {
            double mean = pq.stream().mapToDouble(r -> r.difference().mean()).average().orElse(Double.NaN);
            double oracleWorst = c.pVsQ().stream().filter(r -> r.model().equals(model) && r.rule() == Checkpoint.ORACLE)
                    .mapToDouble(r -> r.difference().mean()).filter(v -> !Double.isNaN(v)).min().orElse(Double.NaN);
            out.add(new PqMatch(model, boot.estimateBySource(cells -> worstPq(cells, model, pq)), -a.options().matchTolerance(), mean, pq.size(), oracleWorst));
        }
        List<Comparisons.Diversity> held = heldOut(model, h);
        if (!held.isEmpty()) {
            int wins = (int) held.stream().filter(Comparisons.Diversity::mixtureWins).count();
            double oracle = heldOut(model, Checkpoint.ORACLE).stream().mapToDouble(r -> r.difference().mean()).average().orElse(Double.NaN);
            out.add(new MixtureWins(model, boot.estimateBySource(cells -> meanHeldOut(cells, model, held)), 0.0, wins, held.size(), oracle));
        }
        List<String> runs = new ArrayList<>();
        for (Arm arm : a.arms(model)) runs.addAll(a.runsOf(arm));
        runs.removeIf(r -> oodTestSets(a, r).isEmpty());
        if (!runs.isEmpty()) {
            // a curve needs two evaluated epochs: with one, "falls after its peak" cannot be judged (n/a)
            java.util.Set<String> curves = new java.util.HashSet<>();
            int dropped = 0;
            double largest = 0;
            for (Comparisons.Overfitting o : c.overfitting()) {
                if (!o.model().equals(model) || o.epochs() < 2 || Double.isNaN(o.dropAfterPeak())) continue;
                curves.add(o.run());
                if (o.dropAfterPeak() > a.options().overfittingDrop()) dropped++;
                largest = Math.max(largest, o.dropAfterPeak());
            }
            runs.retainAll(curves);
            Estimate e = runs.isEmpty() ? Estimate.NONE : boot.estimateBySource(cells -> meanDrop(cells, a, runs));
            out.add(new Overfits(model, e, a.options().overfittingDrop(), dropped, runs.size(), largest));
        }
        Fit fit = a.robustnessFit(model, h);
        if (fit.points() >= 2) {
            // a line through two points fits exactly: no evidence that OOD follows ID (reported as n/a)
            List<String> mixtures = a.trainSets(model).stream().filter(ts -> !a.isSingle(ts)).toList();
            int above = 0, counted = 0;
            if (fit.points() >= 3) {
                for (String ts : mixtures) {
                    Arm arm = new Arm(model, ts);
                    double id = a.mean(arm, Relations.Kind.IN, h), ood = a.mean(arm, Relations.Kind.OUT, h);
                    if (Double.isNaN(id) || Double.isNaN(ood)) continue;
                    counted++;
                    if (ood > fit.at(id)) above++;
                }
            }
            Estimate e = fit.points() >= 3 && counted > 0 ? boot.estimateBySource(cells -> meanHeight(cells, a, model, mixtures)) : Estimate.NONE;
            out.add(new EffectiveRobustness(model, e, 0.0, fit, above, counted));
        }
        return out;
    }

    private List<Comparisons.Diversity> heldOut(String model, Checkpoint rule) {
        return c.diversity().stream().filter(r -> r.model().equals(model) && r.rule() == rule && r.relation() == Relations.Kind.OUT
                && !Double.isNaN(r.difference().mean())).toList();
    }

    private static double worstPq(Cells cells, String model, List<Comparisons.PVsQ> rows) {
        double worst = Double.POSITIVE_INFINITY;
        for (Comparisons.PVsQ r : rows) {
            double d = cells.cell(new Arm(model, r.mixture()), r.testSet()) - cells.cell(new Arm(model, r.specialist()), r.testSet());
            worst = Math.min(worst, d);
        }
        return worst;
    }

    private static double meanHeldOut(Cells cells, String model, List<Comparisons.Diversity> rows) {
        double s = 0;
        for (Comparisons.Diversity r : rows) {
            s += cells.cell(new Arm(model, r.mixture()), r.testSet()) - cells.cell(new Arm(model, r.bestSingle()), r.testSet());
        }
        return s / rows.size();
    }

    /** The drawn runs' mean drop of OOD SSIM (mean over the run's out-of-distribution test sets) from its peak to the last epoch. */
    private static double meanDrop(Cells cells, Analyses a, List<String> runs) {
        double s = 0;
        int n = 0;
        for (String run : runs) {
            int w = cells.weight(run);
            if (w == 0) continue;
            List<String> ood = oodTestSets(a, run);
            double peak = Double.NEGATIVE_INFINITY, last = Double.NaN;
            for (int e : a.epochs(run)) {
                double m = mean(ood, t -> cells.run(run, e, t));
                if (!Double.isNaN(m)) peak = Math.max(peak, m);
                last = m;
            }
            if (Double.isNaN(last)) continue;
            s += w * (peak - last);
            n += w;
        }
        return n == 0 ? Double.NaN : s / n;
    }

    private static List<String> oodTestSets(Analyses a, String run) {
        String ts = a.run(run).trainSet();
        return a.testSets().stream().filter(t -> a.relations().kind(ts, t) == Relations.Kind.OUT).toList();
    }

    /** Mean height of the mixtures' (ID, OOD) above the least-squares line through the single models, all from the drawn cells. */
    private static double meanHeight(Cells cells, Analyses a, String model, List<String> mixtures) {
        List<double[]> singles = new ArrayList<>();
        for (String ts : a.trainSets(model)) {
            if (!a.isSingle(ts)) continue;
            double[] p = idOod(cells, a, new Arm(model, ts));
            if (!Double.isNaN(p[0]) && !Double.isNaN(p[1])) singles.add(p);
        }
        Fit fit = Analyses.leastSquares(singles);
        double s = 0;
        int n = 0;
        for (String ts : mixtures) {
            double[] p = idOod(cells, a, new Arm(model, ts));
            if (Double.isNaN(p[0]) || Double.isNaN(p[1])) continue;
            s += p[1] - fit.at(p[0]);
            n++;
        }
        return n == 0 ? Double.NaN : s / n;
    }

    private static double[] idOod(Cells cells, Analyses a, Arm arm) {
        List<String> in = new ArrayList<>(), out = new ArrayList<>();
        for (String t : a.testSets()) {
            Relations.Kind k = a.relations().kind(arm.trainSet(), t);
            if (k == Relations.Kind.IN) in.add(t);
            else if (k == Relations.Kind.OUT) out.add(t);
        }
        return new double[]{mean(in, t -> cells.cell(arm, t)), mean(out, t -> cells.cell(arm, t))};
    }

    private static double mean(List<String> tests, ToDoubleFunction<String> value) {
        double s = 0;
        int n = 0;
        for (String t : tests) {
            double v = value.applyAsDouble(t);
            if (!Double.isNaN(v)) {
                s += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }
}
