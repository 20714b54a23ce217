package org.robustmri.report;

import org.robustmri.report.Analyses.Checkpoint;
import org.robustmri.report.Analyses.Fit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The paper's claims, one per claim and architecture, computed from the typed comparisons under the headline checkpoint
 * rule (the oracle's numbers beside), each with its verdict against named thresholds ({@link Analyses.Options}).
 */
public final class Claims {
    /** Whether a claim holds here. */
    public enum Verdict {
        HOLDS("yes"), FAILS("no"), NOT_APPLICABLE("n/a");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        static Verdict of(boolean holds) {
            return holds ? HOLDS : FAILS;
        }
    }

    /** One claim for one architecture: what is measured, its value (and the oracle's), the verdict. */
    public sealed interface Claim permits PqMatch, MixtureWins, Overfits, EffectiveRobustness {
        String model();

        String statement();

        String measure();

        String value();

        String oracleValue();

        Verdict verdict();
    }

    /** Mean, worst and count of a set of differences. */
    public record Spread(double mean, double worst, int n) {
        static Spread of(List<Double> d) {
            if (d.isEmpty()) return new Spread(Double.NaN, Double.NaN, 0);
            double s = 0, w = Double.POSITIVE_INFINITY;
            for (double x : d) {
                s += x;
                w = Math.min(w, x);
            }
            return new Spread(s / d.size(), w, d.size());
        }

        String show() {
            return String.format(Locale.ROOT, "%+.4f (%+.4f)", mean, worst);
        }
    }

    /** Mean difference, wins and count of mixtures against their best single. */
    public record Wins(double mean, int wins, int n) {
        String show() {
            return String.format(Locale.ROOT, "%+.4f, wins %d/%d", mean, wins, n);
        }
    }

    /** P+Q matches the specialist on P's and Q's own test sets: holds when the worst difference is within the tolerance. */
    public record PqMatch(String model, Spread headline, Spread oracle, double tolerance) implements Claim {
        public String statement() {
            return "P+Q matches the specialist on P's and Q's own test sets";
        }

        public String measure() {
            return String.format(Locale.ROOT, "mean (worst) P+Q minus specialist over %d test sets; holds when the worst is above -%.3f",
                    headline.n(), tolerance);
        }

        public String value() {
            return headline.show();
        }

        public String oracleValue() {
            return oracle.show();
        }

        public Verdict verdict() {
            return Verdict.of(headline.worst() >= -tolerance);
        }
    }

    /** A mixture beats the best single distribution on held-out targets: on average and in most pairs. */
    public record MixtureWins(String model, Wins headline, Wins oracle) implements Claim {
        public String statement() {
            return "a mixture beats the best single distribution on held-out targets";
        }

        public String measure() {
            return String.format(Locale.ROOT, "mean mixture minus best single over %d (mixture, held-out target) pairs; wins", headline.n());
        }

        public String value() {
            return headline.show();
        }

        public String oracleValue() {
            return oracle.show();
        }

        public Verdict verdict() {
            return Verdict.of(headline.mean() > 0 && headline.wins() * 2 > headline.n());
        }
    }

    /** Out-of-distribution SSIM falls after a peak in most runs. */
    public record Overfits(String model, int dropped, int runs, double largestDrop, double threshold) implements Claim {
        public String statement() {
            return "out-of-distribution SSIM falls after a peak while training goes on (distributional overfitting)";
        }

        public String measure() {
            return String.format(Locale.ROOT, "runs whose OOD SSIM at the last epoch is > %s below its peak; largest drop", threshold);
        }

        public String value() {
            return String.format(Locale.ROOT, "%d/%d, %.4f", dropped, runs, largestDrop);
        }

        public String oracleValue() {
            return "";
        }

        public Verdict verdict() {
            return Verdict.of(dropped * 2 > runs);
        }
    }

    /** OOD SSIM follows a line in ID SSIM through the single models, and mixtures sit above it (needs three singles). */
    public record EffectiveRobustness(String model, Fit fit, int above, int mixtures) implements Claim {
        public String statement() {
            return "OOD SSIM follows a line in ID SSIM; mixtures sit above it (effective robustness)";
        }

        public String measure() {
            return fit.points() < 3 ? "needs at least 3 single-distribution models; this architecture has " + fit.points()
                    : String.format(Locale.ROOT, "fit over %d single models: slope, intercept; mixtures above the line", fit.points());
        }

        public String value() {
            return fit.points() < 3 ? "" : String.format(Locale.ROOT, "%.3f, %.3f; %d/%d", fit.slope(), fit.intercept(), above, mixtures);
        }

        public String oracleValue() {
            return "";
        }

        public Verdict verdict() {
            return fit.points() < 3 || mixtures == 0 ? Verdict.NOT_APPLICABLE : Verdict.of(above * 2 > mixtures);
        }
    }

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
        List<Claim> out = new ArrayList<>();
        Spread pq = pqDifferences(model, h);
        if (pq.n() > 0) out.add(new PqMatch(model, pq, pqDifferences(model, Checkpoint.ORACLE), a.options().matchTolerance()));
        Wins held = heldOut(model, h);
        if (held.n() > 0) out.add(new MixtureWins(model, held, heldOut(model, Checkpoint.ORACLE)));
        int runs = 0, dropped = 0;
        double worst = 0;
        for (Comparisons.Overfitting o : c.overfitting()) {
            double d = ReportTables.parity(o.dropAfterPeak());
            if (!o.model().equals(model) || Double.isNaN(d)) continue;
            runs++;
            if (d > a.options().overfittingDrop()) dropped++;
            worst = Math.max(worst, d);
        }
        if (runs > 0) out.add(new Overfits(model, dropped, runs, worst, a.options().overfittingDrop()));
        Fit fit = a.robustnessFit(model, h);
        if (fit.points() >= 2) {
            // a line through two points fits exactly: no evidence that OOD follows ID (reported as n/a)
            int above = 0, mixtures = 0;
            if (fit.points() >= 3) {
                for (String ts : a.trainSets(model)) {
                    if (a.isSingle(ts)) continue;
                    Analyses.Arm arm = new Analyses.Arm(model, ts);
                    double id = a.mean(arm, Relations.Kind.IN, h), ood = a.mean(arm, Relations.Kind.OUT, h);
                    if (Double.isNaN(id) || Double.isNaN(ood)) continue;
                    mixtures++;
                    if (ood > fit.at(id)) above++;
                }
            }
            out.add(new EffectiveRobustness(model, fit, above, mixtures));
        }
        return out;
    }

    private Spread pqDifferences(String model, Checkpoint rule) {
        List<Double> d = new ArrayList<>();
        for (Comparisons.PVsQ r : c.pVsQ()) {
            double v = ReportTables.parity(r.difference().mean());
            if (r.model().equals(model) && r.rule() == rule && !Double.isNaN(v)) d.add(v);
        }
        return Spread.of(d);
    }

    private Wins heldOut(String model, Checkpoint rule) {
        double s = 0;
        int wins = 0, n = 0;
        for (Comparisons.Diversity r : c.diversity()) {
            double v = ReportTables.parity(r.difference().mean());
            if (!r.model().equals(model) || r.rule() != rule || r.relation() != Relations.Kind.OUT || Double.isNaN(v)) continue;
            s += v;
            n++;
            if (r.mixtureWins()) wins++;
        }
        return new Wins(n == 0 ? Double.NaN : s / n, wins, n);
    }
}
