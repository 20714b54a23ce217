package org.robustmri.report;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The analyses on hand-made result tables whose answers are known. */
class AnalysesTest {
    /** One volume of 4 slices per (run, epoch, test) with the given mean SSIM. */
    static ResultTable.VolumeSsim v(String run, String set, int epoch, String test, double ssim) {
        return new ResultTable.VolumeSsim(run, set, epoch, test, test + "-vol", ssim * 4, 4);
    }

    static RunInfo info(String run, String set, String model, Map<Integer, Double> val, String... comps) {
        return new RunInfo(run, set, new LinkedHashSet<>(List.of(comps)), model, 0, 0, val);
    }

    /**
     * Singles A, B, C and a mixture AB for model "unet". Final-epoch (3) SSIM (rows: train set, columns: tests A, B, C):
     * A: .90 .60 .50 | B: .55 .80 .60 | C: .40 .50 .70 | AB: .88 .79 .65; epoch 1 is 0.1 lower everywhere. Run rA
     * has a second seed rA2 whose values are 0.02 higher; model "vit" has only A, scored .70 everywhere.
     */
    static List<ResultTable.VolumeSsim> rows() {
        List<ResultTable.VolumeSsim> rows = new ArrayList<>();
        double[][] m = {{.90, .60, .50}, {.55, .80, .60}, {.40, .50, .70}, {.88, .79, .65}};
        String[] sets = {"A", "B", "C", "AB"};
        String[] tests = {"A", "B", "C"};
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                rows.add(v("r" + sets[i], sets[i], 3, tests[j], m[i][j]));
                rows.add(v("r" + sets[i], sets[i], 1, tests[j], m[i][j] - 0.1));
            }
        }
        // run rA: OOD peaks at epoch 2 (.70 on B, .60 on C), then falls; validation peaks at epoch 3
        rows.add(v("rA", "A", 2, "A", .85));
        rows.add(v("rA", "A", 2, "B", .70));
        rows.add(v("rA", "A", 2, "C", .60));
        for (ResultTable.VolumeSsim r : new ArrayList<>(rows)) {
            if (r.run().equals("rA")) rows.add(new ResultTable.VolumeSsim("rA2", "A", r.epoch(), r.testSet(), r.volume(), r.sum() + 0.08, 4));
        }
        for (String t : tests) rows.add(v("vA", "A", 1, t, .70));
        return rows;
    }

    static List<RunInfo> infos() {
        return List.of(info("rA", "A", "unet", new TreeMap<>(Map.of(1, .7, 2, .8, 3, .9)), "A"),
                info("rA2", "A", "unet", new TreeMap<>(Map.of(1, .7, 2, .8, 3, .9)), "A"),
                info("rB", "B", "unet", Map.of(), "B"), info("rC", "C", "unet", Map.of(), "C"),
                info("rAB", "AB", "unet", Map.of(), "A", "B"), info("vA", "A", "vit", Map.of(), "A"));
    }

    static Analyses build() {
        return new Analyses(new ResultTable(rows()), infos());
    }

    static List<String> row(Table t, String... prefix) {
        return t.rows().stream().filter(r -> r.subList(0, prefix.length).equals(List.of(prefix))).findFirst().orElseThrow();
    }

    static Comparisons.Robustness robustness(Analyses a, String model, String set) {
        return new Comparisons(a).robustness().stream().filter(r -> r.model().equals(model) && r.rule() == Analyses.Checkpoint.FINAL
                && r.trainSet().equals(set)).findFirst().orElseThrow();
    }

    static Comparisons.Diversity diversity(Analyses a, String test) {
        return new Comparisons(a).diversity().stream().filter(r -> r.model().equals("unet") && r.rule() == Analyses.Checkpoint.FINAL
                && r.testSet().equals(test)).findFirst().orElseThrow();
    }

    static Comparisons.Overfitting overfitting(Analyses a, String run) {
        return new Comparisons(a).overfitting().stream().filter(r -> r.run().equals(run)).findFirst().orElseThrow();
    }

    static Claims.Claim claim(Analyses a, String model, Class<? extends Claims.Claim> kind) {
        return new Claims(new Comparisons(a)).of(model).stream().filter(kind::isInstance).findFirst().orElseThrow();
    }

    @Test
    void seedsAreAveragedPerVolumeAndCheckpointRulesPickTheirEpochs() {
        Analyses a = build();
        Analyses.Arm armA = new Analyses.Arm("unet", "A");
        // two seeds (.90 and .92 at the final epoch) are one volume: mean .91, a single cluster
        Analyses.Cell c = a.cell(armA, "A", Analyses.Checkpoint.FINAL);
        assertThat(c.mean()).isCloseTo(.91, within(1e-12));
        assertThat(c.volumes()).isEqualTo(1);
        // the oracle picks the best epoch per test set: on B epoch 2 (.70/.72) beats the final .60/.62
        assertThat(a.epoch("rA", "B", Analyses.Checkpoint.ORACLE)).isEqualTo(2);
        assertThat(a.cell(armA, "B", Analyses.Checkpoint.ORACLE).mean()).isCloseTo(.71, within(1e-12));
        assertThat(a.epoch("rA", "A", Analyses.Checkpoint.ORACLE)).isEqualTo(3);
        assertThat(a.epoch("rA", "B", Analyses.Checkpoint.VALIDATION)).isEqualTo(3);
        assertThat(a.epoch("rB", "B", Analyses.Checkpoint.VALIDATION)).isEqualTo(-1); // no validation split
        assertThat(a.checkpoints()).containsExactly(Analyses.Checkpoint.FINAL, Analyses.Checkpoint.ORACLE, Analyses.Checkpoint.VALIDATION);
        assertThat(a.models()).containsExactly("unet", "vit");
    }

    @Test
    void theRobustnessFitIsPerModel() {
        Analyses a = build();
        // unet singles: (ID, OOD) = (.91, .56), (.80, .575), (.70, .45) at the final epoch
        double[][] pts = {{.91, (.61 + .51) / 2}, {.80, .575}, {.70, .45}};
        double mx = 0, my = 0;
        for (double[] p : pts) {
            mx += p[0] / 3;
            my += p[1] / 3;
        }
        double sxy = 0, sxx = 0;
        for (double[] p : pts) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        Analyses.Fit f = a.robustnessFit("unet", Analyses.Checkpoint.FINAL);
        assertThat(f.slope()).isCloseTo(sxy / sxx, within(1e-12));
        assertThat(f.intercept()).isCloseTo(my - sxy / sxx * mx, within(1e-12));
        Comparisons.Robustness ab = robustness(a, "unet", "AB");
        assertThat(ab.effectiveRobustness()).isCloseTo(.65 - f.at((.88 + .79) / 2), within(1e-12));
        // every test set is some unet training set's own: none is held out of all of them
        assertThat(ab.commonTargets()).isEmpty();
        assertThat(ab.oodCommon()).isNaN();
        // vit has one single model: no fit
        assertThat(a.robustnessFit("vit", Analyses.Checkpoint.FINAL).points()).isEqualTo(1);
    }

    @Test
    void inAndOutOfDistributionAreDecidedByData() {
        // test set "knee" holds both A's and B's volumes: half of it is A's data
        Map<String, Map<String, Double>> f = new LinkedHashMap<>();
        f.put("A", new LinkedHashMap<>(Map.of("A", 1.0, "B", 0.0, "C", 0.0)));
        f.put("B", new LinkedHashMap<>(Map.of("A", 0.0, "B", 1.0, "C", 0.0)));
        f.put("C", new LinkedHashMap<>(Map.of("A", 0.0, "B", 0.0, "C", 1.0)));
        f.put("AB", new LinkedHashMap<>(Map.of("A", 1.0, "B", 1.0, "C", 0.5)));
        Relations rel = Relations.ofFractions(f);
        assertThat(rel.kind("AB", "C")).isEqualTo(Relations.Kind.PARTIAL);
        Analyses a = new Analyses(new ResultTable(rows()), infos(), rel, Analyses.Options.defaults());
        assertThat(diversity(a, "C").relation()).isEqualTo(Relations.Kind.PARTIAL);
        // ID of AB is now the mean over A and B only; C (partial) counts as neither
        Comparisons.Robustness ab = robustness(a, "unet", "AB");
        assertThat(ab.id()).isCloseTo((.88 + .79) / 2, within(1e-12));
        assertThat(ab.ood()).isNaN();
        assertThat(a.relations().rule()).startsWith("by data");
        assertThat(build().relations().rule()).startsWith("by name");
    }

    @Test
    void diversityAndPVsQUsePairedDifferences() {
        Analyses a = build();
        // AB on C (held out): best single among A, B on C is B (.60); mixture .65
        Comparisons.Diversity c = diversity(a, "C");
        assertThat(c.relation()).isEqualTo(Relations.Kind.OUT);
        assertThat(c.bestSingle()).isEqualTo("B");
        assertThat(c.difference().mean()).isCloseTo(.05, within(1e-12));
        assertThat(c.mixtureWins()).isTrue();
        // AB on A (in-distribution): specialist A (.91 over two seeds) beats the mixture .88
        Comparisons.Diversity onA = diversity(a, "A");
        assertThat(onA.bestSingle()).isEqualTo("A");
        assertThat(onA.difference().mean()).isCloseTo(.88 - .91, within(1e-12));
        assertThat(onA.mixtureWins()).isFalse();
        List<Comparisons.PVsQ> pq = new Comparisons(a).pVsQ().stream().filter(r -> r.model().equals("unet") && r.rule() == Analyses.Checkpoint.FINAL).toList();
        assertThat(pq).extracting(Comparisons.PVsQ::testSet).containsExactly("A", "B");
        assertThat(pq.get(0).specialist()).isEqualTo("A");
        assertThat(pq.get(0).difference().mean()).isCloseTo(.88 - .91, within(1e-12));
        assertThat(pq.get(1).difference().mean()).isCloseTo(.79 - .80, within(1e-12));
        // one volume: the paired interval collapses onto the difference
        assertThat(pq.get(0).difference().low()).isCloseTo(pq.get(0).difference().high(), within(1e-9));
        // the CSV table is a view of the rows
        assertThat(row(ReportTables.pVsQ(pq), "unet", "final", "AB", "A").subList(7, 9)).containsExactly("A", "-0.0300");
    }

    @Test
    void pairedIntervalsCancelWhatVolumesShare() {
        // two models on 5 volumes of very different difficulty; B is always exactly 0.01 better
        List<ResultTable.VolumeSsim> rows = new ArrayList<>();
        double[] level = {.5, .6, .7, .8, .9};
        for (int i = 0; i < 5; i++) {
            rows.add(new ResultTable.VolumeSsim("ra", "A", 1, "T", "v" + i, level[i] * 4, 4));
            rows.add(new ResultTable.VolumeSsim("rb", "B", 1, "T", "v" + i, (level[i] + .01) * 4, 4));
        }
        Analyses a = new Analyses(new ResultTable(rows), List.of(info("ra", "A", "m", Map.of(), "A"), info("rb", "B", "m", Map.of(), "B")));
        Analyses.Cell d = a.difference(new Analyses.Arm("m", "B"), new Analyses.Arm("m", "A"), "T", Analyses.Checkpoint.FINAL);
        assertThat(d.mean()).isCloseTo(.01, within(1e-12));
        assertThat(d.low()).isCloseTo(.01, within(1e-9));
        assertThat(d.high()).isCloseTo(.01, within(1e-9));
        Analyses.Cell unpaired = a.cell(new Analyses.Arm("m", "B"), "T", Analyses.Checkpoint.FINAL);
        assertThat(unpaired.high() - unpaired.low()).isGreaterThan(0.1);
    }

    @Test
    void overfittingFindsThePeakAndEarlyStoppingIsRefusedWithoutValidation() {
        Analyses a = build();
        Comparisons.Overfitting rA = overfitting(a, "rA");
        assertThat(rA.peakEpoch()).isEqualTo(2);
        assertThat(rA.oodAtPeak()).isCloseTo(.65, within(1e-12));  // (.70 + .60) / 2
        assertThat(rA.oodAtLast()).isCloseTo(.55, within(1e-12));  // at the last epoch
        assertThat(rA.earlyStopEpoch()).isEqualTo(3);             // validation peaks at epoch 3
        assertThat(rA.earlyStopRule()).startsWith("early stopping on validation");
        assertThat(rA.costOfEarlyStop()).isCloseTo(.10, within(1e-12));
        Comparisons.Overfitting rB = overfitting(a, "rB");
        assertThat(rB.earlyStopEpoch()).isEqualTo(-1);
        assertThat(rB.earlyStopRule()).startsWith("refused");
        Analyses asked = new Analyses(new ResultTable(rows()), infos(), null, new Analyses.Options(true, 0.01));
        Comparisons.Overfitting rBt = overfitting(asked, "rB");
        assertThat(rBt.earlyStopRule()).contains("optimistic");
        assertThat(rBt.earlyStopEpoch()).isEqualTo(3);
        assertThat(asked.checkpoints()).contains(Analyses.Checkpoint.TEST_STOPPING);
    }

    @Test
    void claimsCarryIntervalsOverSeedsAndVolumesAndAreDecidedAgainstTheirMargins() {
        Analyses a = build();
        // one volume per test set and one seed per arm but A's: only A's two seeds (.02 apart) move the replicates,
        // drawing {rA, rA}, {rA, rA2} or {rA2, rA2} with probabilities 1/4, 1/2, 1/4
        Claims.MixtureWins held = (Claims.MixtureWins) claim(a, "unet", Claims.MixtureWins.class);
        assertThat(held.estimate().value()).isCloseTo(.05, within(1e-12)); // AB .65 against B .60 on held-out C
        assertThat(held.estimate().low()).isCloseTo(.05, within(1e-12));
        assertThat(held.estimate().high()).isCloseTo(.05, within(1e-12));
        assertThat(held.wins()).isEqualTo(1);
        assertThat(held.verdict()).isEqualTo(Claims.Verdict.HOLDS);
        // not every run has a validation split, so the headline is the final epoch: the worst of AB - A on A
        // (.88 - .90/.91/.92) and AB - B on B (-.01) is -.03, within [-.04, -.02], entirely below the margin -.01
        Claims.PqMatch pq = (Claims.PqMatch) claim(a, "unet", Claims.PqMatch.class);
        assertThat(pq.estimate().value()).isCloseTo(-.03, within(1e-12));
        assertThat(pq.estimate().low()).isCloseTo(-.04, within(1e-12));
        assertThat(pq.estimate().high()).isCloseTo(-.02, within(1e-12));
        assertThat(pq.margin()).isEqualTo(-.01);
        assertThat(pq.mean()).isCloseTo(-.02, within(1e-12));
        assertThat(pq.verdict()).isEqualTo(Claims.Verdict.FAILS);
        // rA and rA2 drop .10 from their OOD peak at epoch 2; rB, rC, rAB rise to the end: mean drop .04 over 5 runs, and
        // every draw keeps two A runs, so the interval is the point
        Claims.Overfits over = (Claims.Overfits) claim(a, "unet", Claims.Overfits.class);
        assertThat(over.estimate().value()).isCloseTo(.04, within(1e-12));
        assertThat(over.estimate().low()).isCloseTo(.04, within(1e-12));
        assertThat(over.dropped()).isEqualTo(2);
        assertThat(over.runs()).isEqualTo(5);
        assertThat(over.verdict()).isEqualTo(Claims.Verdict.HOLDS);
        Table c = ReportTables.claims(a.headlineRule(), new Claims(new Comparisons(a)).all());
        Set<String> models = new LinkedHashSet<>();
        c.rows().forEach(r -> models.add(r.get(0)));
        assertThat(models).containsExactly("unet", "vit");
        assertThat(row(c, "unet", pq.statement()).subList(3, 8)).containsExactly("-0.0300", "-0.0400", "-0.0200", "-0.0100", "fails");
        Table m = ReportTables.matrix(a.testSets(), new Comparisons(a).matrix());
        assertThat(m.header()).containsExactly("model", "checkpoint", "train_set", "A", "B", "C");
        assertThat(row(m, "unet", "final", "C")).containsExactly("unet", "final", "C", "0.4000", "0.5000", "0.7000");
    }

    @Test
    void anIntervalAcrossTheMarginLeavesAClaimUndecided() {
        SeedVolumeBootstrap.Estimate straddles = new SeedVolumeBootstrap.Estimate(.001, -.004, .006, 2000);
        assertThat(Claims.Verdict.above(straddles, 0)).isEqualTo(Claims.Verdict.UNDECIDED);
        assertThat(Claims.Verdict.above(straddles, -.005)).isEqualTo(Claims.Verdict.HOLDS);
        assertThat(Claims.Verdict.above(straddles, .007)).isEqualTo(Claims.Verdict.FAILS);
        assertThat(Claims.Verdict.above(SeedVolumeBootstrap.Estimate.NONE, 0)).isEqualTo(Claims.Verdict.NOT_APPLICABLE);
    }

    @Test
    void seedsWidenTheIntervals() {
        // one test volume; three seeds of arm B at .80 / .82 / .84 against one seed of A at .79: each replicate's
        // difference is the mean of three draws from {.01, .03, .05}; P(all three .01) = 1/27 > 2.5 %, so the interval
        // is exactly [.01, .05] around the point .03
        List<ResultTable.VolumeSsim> rows = new ArrayList<>();
        rows.add(new ResultTable.VolumeSsim("a", "A", 1, "T", "v", .79 * 4, 4));
        double[] b = {.80, .82, .84};
        List<RunInfo> infos = new ArrayList<>(List.of(info("a", "A", "m", Map.of(), "A")));
        for (int i = 0; i < 3; i++) {
            rows.add(new ResultTable.VolumeSsim("b" + i, "B", 1, "T", "v", b[i] * 4, 4));
            infos.add(info("b" + i, "B", "m", Map.of(), "B"));
        }
        Analyses a = new Analyses(new ResultTable(rows), infos);
        SeedVolumeBootstrap.Estimate e = new SeedVolumeBootstrap(a, Analyses.Checkpoint.FINAL, 2000, 1).estimate(
                cells -> cells.cell(new Analyses.Arm("m", "B"), "T") - cells.cell(new Analyses.Arm("m", "A"), "T"));
        assertThat(e.value()).isCloseTo(.03, within(1e-12));
        assertThat(e.low()).isCloseTo(.01, within(1e-12));
        assertThat(e.high()).isCloseTo(.05, within(1e-12));
        // all of it comes from the seeds: one volume leaves nothing to resample
        SeedVolumeBootstrap boot = new SeedVolumeBootstrap(a, Analyses.Checkpoint.FINAL, 2000, 1);
        SeedVolumeBootstrap.Estimate bySource = boot.estimateBySource(
                cells -> cells.cell(new Analyses.Arm("m", "B"), "T") - cells.cell(new Analyses.Arm("m", "A"), "T"));
        assertThat(bySource.seedsHalfWidth()).isCloseTo(.02, within(1e-12));
        assertThat(bySource.volumesHalfWidth()).isZero();
    }

    @Test
    void eachSourceOfVariationAloneGivesItsOwnHalfWidth() {
        // one seed per arm, two equal test volumes: B - A is .01 on v1 and .06 on v2. Volumes alone: the mean of two
        // draws from {.01, .06} is .01, .035 or .06 with probabilities 1/4, 1/2, 1/4, so the interval is [.01, .06]
        // (half-width .025); seeds alone draw the one seed each time (half-width 0).
        List<ResultTable.VolumeSsim> rows = List.of(
                new ResultTable.VolumeSsim("a", "A", 1, "T", "v1", .79 * 4, 4), new ResultTable.VolumeSsim("a", "A", 1, "T", "v2", .69 * 4, 4),
                new ResultTable.VolumeSsim("b", "B", 1, "T", "v1", .80 * 4, 4), new ResultTable.VolumeSsim("b", "B", 1, "T", "v2", .75 * 4, 4));
        Analyses a = new Analyses(new ResultTable(rows), List.of(info("a", "A", "m", Map.of(), "A"), info("b", "B", "m", Map.of(), "B")));
        SeedVolumeBootstrap.Estimate e = new SeedVolumeBootstrap(a, Analyses.Checkpoint.FINAL, 2000, 1).estimateBySource(
                cells -> cells.cell(new Analyses.Arm("m", "B"), "T") - cells.cell(new Analyses.Arm("m", "A"), "T"));
        assertThat(e.value()).isCloseTo(.035, within(1e-12));
        assertThat(e.volumesHalfWidth()).isCloseTo(.025, within(1e-12));
        assertThat(e.seedsHalfWidth()).isZero();
        assertThat(e.halfWidth()).isCloseTo(.025, within(1e-12));
    }

    @Test
    void theRobustnessClaimNeedsThreeSingleModels() {
        // unet: singles A (.91, .56), B (.80, .575), C (.70, .45); the mixture AB at ID .835, OOD .65 (C): above the line?
        double[][] pts = {{.91, .56}, {.80, .575}, {.70, .45}};
        double mx = (.91 + .80 + .70) / 3, my = (.56 + .575 + .45) / 3, sxy = 0, sxx = 0;
        for (double[] p : pts) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        boolean above = .65 > my + sxy / sxx * (.835 - mx);
        Claims.EffectiveRobustness fit = (Claims.EffectiveRobustness) claim(build(), "unet", Claims.EffectiveRobustness.class);
        assertThat(fit.measure()).contains("line through 3 single models");
        assertThat(fit.above()).isEqualTo(above ? 1 : 0);
        assertThat(fit.mixtures()).isEqualTo(1);
        // the height of AB above the line, with A's seed draws moving A's point to (.90, .55), (.91, .56) or (.92, .57)
        assertThat(fit.estimate().value()).isCloseTo(.65 - (my + sxy / sxx * (.835 - mx)), within(1e-12));
        assertThat(fit.estimate().low()).isCloseTo(0.10342719780219767, within(1e-9));
        assertThat(fit.estimate().high()).isCloseTo(0.10750000000000004, within(1e-9));
        assertThat(fit.verdict()).isEqualTo(above ? Claims.Verdict.HOLDS : Claims.Verdict.FAILS);
        // a second architecture with only two singles: a line through two points is exact, so the claim is n/a
        List<ResultTable.VolumeSsim> rows = new ArrayList<>(rows());
        for (String t : List.of("A", "B", "C")) {
            rows.add(v("kA", "A", 3, t, t.equals("A") ? .9 : .5));
            rows.add(v("kB", "B", 3, t, t.equals("B") ? .8 : .6));
        }
        List<RunInfo> infos = new ArrayList<>(infos());
        infos.add(info("kA", "A", "varnet", Map.of(), "A"));
        infos.add(info("kB", "B", "varnet", Map.of(), "B"));
        Claims.Claim two = claim(new Analyses(new ResultTable(rows), infos), "varnet", Claims.EffectiveRobustness.class);
        assertThat(two.verdict()).isEqualTo(Claims.Verdict.NOT_APPLICABLE);
        assertThat(two.measure()).contains("has 2");
    }

    @Test
    void resultTableParsesQuotedSpecsAndAggregatesSlices(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path csv = tmp.resolve("results.csv");
        java.nio.file.Files.writeString(csv, org.robustmri.eval.Evaluator.HEADER + "\n"
                + "r,A,c,1,T,v1,0,ssim,0.5,\"ssim[win=7,agg=slice]\"\n"
                + "r,A,c,1,T,v1,1,ssim,0.7,\"ssim[win=7,agg=slice]\"\n"
                + "r,A,c,1,T,v1,-1,psnr,30,\"psnr[x]\"\n"
                + "r,A,c,1,T,v2,0,ssim,0.9,\"ssim[win=7,agg=slice]\"\n");
        ResultTable t = ResultTable.read(csv);
        assertThat(t.rows()).hasSize(2);
        assertThat(t.rows().get(0).mean()).isCloseTo(0.6, within(1e-12));
        assertThat(t.rows().get(0).slices()).isEqualTo(2);
        Set<String> vols = new LinkedHashSet<>();
        t.rows().forEach(r -> vols.add(r.volume()));
        assertThat(vols).containsExactly("v1", "v2");
    }
}
