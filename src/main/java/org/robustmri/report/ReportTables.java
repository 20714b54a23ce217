package org.robustmri.report;

import java.util.ArrayList;
import java.util.List;

/** The analyses' CSV tables: views of the typed comparisons and claims, one row per record, numbers to four decimals. */
public final class ReportTables {
    private ReportTables() {
    }

    /** A number as the four-decimal tables show it (NaN stays NaN). */
    static double parity(double x) {
        return Double.isNaN(x) ? x : Double.parseDouble(Table.fmt(x));
    }

    public static Table pVsQ(List<Comparisons.PVsQ> rows) {
        Table t = new Table("p_vs_q", "P vs Q vs P+Q on each one's in-distribution test sets (95% volume bootstrap; difference paired)",
                List.of("model", "checkpoint", "mixture", "test_set", "trained_on_P", "trained_on_Q", "trained_on_P+Q", "specialist",
                        "P+Q_minus_specialist", "diff_low", "diff_high"));
        for (Comparisons.PVsQ r : rows) {
            t.add(r.model(), r.rule().key(), r.mixture(), r.testSet(), r.p().show(), r.q().show(), r.pq().show(), r.specialist(),
                    r.difference().mean(), r.difference().low(), r.difference().high());
        }
        return t;
    }

    public static Table diversity(List<Comparisons.Diversity> rows) {
        Table t = new Table("diversity", "A mixture against its best single-distribution component, per test set (paired 95% bootstrap)",
                List.of("model", "checkpoint", "test_set", "relation", "mixture", "mixture_ssim", "best_single", "best_single_ssim",
                        "difference", "diff_low", "diff_high", "mixture_wins"));
        for (Comparisons.Diversity r : rows) {
            t.add(r.model(), r.rule().key(), r.testSet(), r.relation().label(), r.mixture(), r.mixtureSsim(), r.bestSingle(), r.bestSingleSsim(),
                    r.difference().mean(), r.difference().low(), r.difference().high(), r.mixtureWins() ? "yes" : "no");
        }
        return t;
    }

    public static Table robustness(List<Comparisons.Robustness> rows) {
        Table t = new Table("robustness", "Robustness: ID vs OOD SSIM, fit over each model's single-distribution models",
                List.of("model", "checkpoint", "train_set", "kind", "id_ssim", "ood_ssim", "fit_at_id", "effective_robustness", "fit_slope",
                        "fit_intercept", "ood_common", "common_targets"));
        for (Comparisons.Robustness r : rows) {
            t.add(r.model(), r.rule().key(), r.trainSet(), r.single() ? "single" : "mixture", r.id(), r.ood(), r.fitAtId(), r.effectiveRobustness(),
                    r.fit().slope(), r.fit().intercept(), r.oodCommon(), String.join("|", r.commonTargets()));
        }
        return t;
    }

    public static Table overfitting(List<Comparisons.Overfitting> rows) {
        Table t = new Table("overfitting", "Distributional overfitting (OOD SSIM over epochs) and early stopping",
                List.of("model", "run", "train_set", "epochs", "ood_peak_epoch", "ood_at_peak", "ood_at_last", "drop_after_peak",
                        "early_stop_epoch", "early_stop_rule", "ood_at_early_stop", "cost_of_early_stop", "id_at_last"));
        for (Comparisons.Overfitting r : rows) {
            t.add(r.model(), r.run(), r.trainSet(), r.epochs(), r.peakEpoch() < 0 ? "" : r.peakEpoch(), r.oodAtPeak(), r.oodAtLast(), r.dropAfterPeak(),
                    r.earlyStopEpoch() < 0 ? "" : r.earlyStopEpoch(), r.earlyStopRule(), r.oodAtEarlyStop(), r.costOfEarlyStop(), r.idAtLast());
        }
        return t;
    }

    public static Table matrix(List<String> testSets, List<Comparisons.MatrixRow> rows) {
        List<String> header = new ArrayList<>(List.of("model", "checkpoint", "train_set"));
        header.addAll(testSets);
        Table t = new Table("matrix", "Train x test SSIM matrix", header);
        for (Comparisons.MatrixRow r : rows) {
            List<Object> row = new ArrayList<>(List.of(r.model(), r.rule().key(), r.trainSet()));
            row.addAll(r.ssim());
            t.add(row.toArray());
        }
        return t;
    }

    public static Table claims(Analyses.Checkpoint headline, List<Claims.Claim> claims) {
        Table t = new Table("claims", "The paper's claims per architecture (" + headline.label()
                + "; 95 % intervals over model seeds and test volumes; a claim holds or fails only when its whole interval is on one side of its margin)",
                List.of("model", "claim", "measure", "estimate", "low", "high", "margin", "verdict", "detail",
                        "half_width_seeds_only", "half_width_volumes_only"));
        for (Claims.Claim c : claims) {
            t.add(c.model(), c.statement(), c.measure(), c.estimate().value(), c.estimate().low(), c.estimate().high(), c.margin(),
                    c.verdict().label(), c.detail(), c.estimate().seedsHalfWidth(), c.estimate().volumesHalfWidth());
        }
        return t;
    }
}
