package org.robustmri.report;

import org.robustmri.report.Analyses.Arm;
import org.robustmri.report.Analyses.Cell;
import org.robustmri.report.Analyses.Checkpoint;
import org.robustmri.report.Analyses.Fit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The paper's comparisons as typed rows, per architecture and checkpoint rule: P vs Q vs P+Q, each mixture against its
 * best single component, in- vs out-of-distribution SSIM with effective robustness, distributional overfitting with
 * early stopping, and the train x test matrix. The CSV tables of the report are views of these rows
 * ({@link ReportTables}); the claims are computed from them ({@link Claims}).
 */
public final class Comparisons {
    /** The models trained on P, on Q and on P+Q on the in-distribution test set of one of them (the specialist). */
    public record PVsQ(String model, Checkpoint rule, String mixture, String testSet, Cell p, Cell q, Cell pq, String specialist,
                       Cell difference) {
    }

    /** A mixture against its best single-distribution component on one test set; the difference is paired. */
    public record Diversity(String model, Checkpoint rule, String testSet, Relations.Kind relation, String mixture, double mixtureSsim,
                            String bestSingle, double bestSingleSsim, Cell difference) {
        public boolean mixtureWins() {
            return mixtureSsim > bestSingleSsim;
        }
    }

    /**
     * One arm's mean in- and out-of-distribution SSIM, the fit through its architecture's single-distribution arms, and
     * its mean on the targets held out of every arm of the architecture ({@code oodCommon} over {@code commonTargets}).
     */
    public record Robustness(String model, Checkpoint rule, String trainSet, boolean single, double id, double ood, Fit fit, double oodCommon,
                             List<String> commonTargets) {
        public double fitAtId() {
            return fit.at(id);
        }

        /** How far above the line through the single-distribution models. */
        public double effectiveRobustness() {
            return ood - fitAtId();
        }
    }

    /**
     * One run's out-of-distribution curve: where it peaks, where it ends, and what early stopping (on validation, or on the
     * in-distribution test sets when asked; {@code earlyStopEpoch} -1 when refused) picks and costs.
     */
    public record Overfitting(String model, String run, String trainSet, int epochs, int peakEpoch, double oodAtPeak, double oodAtLast,
                              int earlyStopEpoch, String earlyStopRule, double oodAtEarlyStop, double idAtLast) {
        /** OOD SSIM lost between the peak and the last epoch. */
        public double dropAfterPeak() {
            return oodAtPeak - oodAtLast;
        }

        /** OOD SSIM lost by stopping early instead of at the OOD peak. */
        public double costOfEarlyStop() {
            return oodAtPeak - oodAtEarlyStop;
        }
    }

    /** One arm's mean SSIM on every test set (in {@link Analyses#testSets()} order). */
    public record MatrixRow(String model, Checkpoint rule, String trainSet, List<Double> ssim) {
    }

    private final Analyses a;
    private List<PVsQ> pVsQ;
    private List<Diversity> diversity;
    private List<Overfitting> overfitting;

    public Comparisons(Analyses a) {
        this.a = a;
    }

    public Analyses analyses() {
        return a;
    }

    /** For every two-component mixture with both single-distribution arms: each component's in-distribution test sets. */
    public List<PVsQ> pVsQ() {
        if (pVsQ != null) return pVsQ;
        List<PVsQ> out = new ArrayList<>();
        for (String model : a.models()) {
            for (Checkpoint rule : a.checkpoints()) {
                for (String mix : a.trainSets(model)) {
                    List<String> comp = new ArrayList<>(a.components(mix));
                    if (comp.size() != 2) continue;
                    String p = a.singleFor(comp.get(0)), q = a.singleFor(comp.get(1));
                    if (p == null || q == null || !a.trainSets(model).contains(p) || !a.trainSets(model).contains(q)) continue;
                    for (String test : a.testSets()) {
                        boolean pIn = a.relations().kind(p, test) == Relations.Kind.IN, qIn = a.relations().kind(q, test) == Relations.Kind.IN;
                        if (pIn == qIn) continue; // the specialist is the one whose distribution the test set is
                        String specialist = pIn ? p : q;
                        Arm am = new Arm(model, mix);
                        out.add(new PVsQ(model, rule, mix, test, a.cell(new Arm(model, p), test, rule), a.cell(new Arm(model, q), test, rule),
                                a.cell(am, test, rule), specialist, a.difference(am, new Arm(model, specialist), test, rule)));
                    }
                }
            }
        }
        return pVsQ = out;
    }

    /** Every mixture against its best single component, on every test set the components' singles were scored on. */
    public List<Diversity> diversity() {
        if (diversity != null) return diversity;
        List<Diversity> out = new ArrayList<>();
        for (String model : a.models()) {
            for (Checkpoint rule : a.checkpoints()) {
                for (String mix : a.trainSets(model)) {
                    Set<String> comp = a.components(mix);
                    if (comp.size() < 2) continue;
                    for (String test : a.testSets()) {
                        String best = null;
                        double bestVal = Double.NEGATIVE_INFINITY;
                        for (String c : comp) {
                            String single = a.singleFor(c);
                            if (single == null || !a.trainSets(model).contains(single)) continue;
                            double v = a.cell(new Arm(model, single), test, rule).mean();
                            if (!Double.isNaN(v) && v > bestVal) {
                                bestVal = v;
                                best = single;
                            }
                        }
                        if (best == null) continue;
                        Arm am = new Arm(model, mix);
                        out.add(new Diversity(model, rule, test, a.relations().kind(mix, test), mix, a.cell(am, test, rule).mean(), best, bestVal,
                                a.difference(am, new Arm(model, best), test, rule)));
                    }
                }
            }
        }
        return diversity = out;
    }

    /** Every arm's in- vs out-of-distribution SSIM and its distance from its architecture's line through the singles. */
    public List<Robustness> robustness() {
        List<Robustness> out = new ArrayList<>();
        for (String model : a.models()) {
            List<String> common = a.commonHeldOut(model);
            for (Checkpoint rule : a.checkpoints()) {
                Fit fit = a.robustnessFit(model, rule);
                for (String ts : a.trainSets(model)) {
                    Arm arm = new Arm(model, ts);
                    out.add(new Robustness(model, rule, ts, a.isSingle(ts), a.mean(arm, Relations.Kind.IN, rule), a.mean(arm, Relations.Kind.OUT, rule),
                            fit, a.mean(arm, rule, common::contains), common));
                }
            }
        }
        return out;
    }

    /**
     * Per run: the epoch of its out-of-distribution peak and what early stopping costs. Early stopping uses the validation
     * split; without one it is refused, unless early stopping on test data was asked for.
     */
    public List<Overfitting> overfitting() {
        if (overfitting != null) return overfitting;
        List<Overfitting> out = new ArrayList<>();
        for (Map.Entry<String, TreeMap<Integer, double[]>> e : a.curves().entrySet()) {
            TreeMap<Integer, double[]> s = e.getValue();
            if (s.isEmpty()) continue;
            RunInfo r = a.run(e.getKey());
            int peak = -1;
            double peakVal = Double.NEGATIVE_INFINITY;
            for (Map.Entry<Integer, double[]> x : s.entrySet()) {
                if (!Double.isNaN(x.getValue()[1]) && x.getValue()[1] > peakVal) {
                    peakVal = x.getValue()[1];
                    peak = x.getKey();
                }
            }
            Checkpoint rule = !r.validation().isEmpty() ? Checkpoint.VALIDATION : a.options().earlyStoppingOnTest() ? Checkpoint.TEST_STOPPING : null;
            int es = rule == null ? -1 : a.epoch(r.run(), null, rule);
            out.add(new Overfitting(r.model(), r.run(), r.trainSet(), s.size(), peak, peak < 0 ? Double.NaN : peakVal, s.lastEntry().getValue()[1],
                    es, rule == null ? "refused: no validation split" : rule.label(), es < 0 ? Double.NaN : s.get(es)[1], s.lastEntry().getValue()[0]));
        }
        return overfitting = out;
    }

    /** Every training set against every test set. */
    public List<MatrixRow> matrix() {
        List<MatrixRow> out = new ArrayList<>();
        for (String model : a.models()) {
            for (Checkpoint rule : a.checkpoints()) {
                for (String ts : a.trainSets(model)) {
                    List<Double> row = new ArrayList<>();
                    for (String test : a.testSets()) row.add(a.cell(new Arm(model, ts), test, rule).mean());
                    out.add(new MatrixRow(model, rule, ts, row));
                }
            }
        }
        return out;
    }
}
