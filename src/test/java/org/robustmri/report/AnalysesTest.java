package org.robustmri.report;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
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

    static RunInfo info(String run, String set, Map<Integer, Double> val, String... comps) {
        return new RunInfo(run, set, new LinkedHashSet<>(List.of(comps)), "unet", 0, 0, val);
    }

    /**
     * Singles A, B, C and a mixture AB. Final-epoch SSIM (rows: train set, columns: tests A, B, C):
     * A: .90 .60 .50 | B: .55 .80 .60 | C: .40 .50 .70 | AB: .88 .79 .65.
     */
    static Analyses build() {
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
        // run rA: OOD peaks at epoch 2 (.60 on B and C), then falls; validation peaks at epoch 3
        rows.add(v("rA", "A", 2, "A", .85));
        rows.add(v("rA", "A", 2, "B", .70));
        rows.add(v("rA", "A", 2, "C", .60));
        List<RunInfo> infos = List.of(info("rA", "A", new TreeMap<>(Map.of(1, .7, 2, .8, 3, .9)), "A"),
                info("rB", "B", Map.of(), "B"), info("rC", "C", Map.of(), "C"), info("rAB", "AB", Map.of(), "A", "B"));
        return new Analyses(new ResultTable(rows), infos);
    }

    @Test
    void idOodAndTheRobustnessFit() {
        Analyses a = build();
        assertThat(a.idOod("A", true, -1)).isCloseTo(.90, within(1e-12));
        assertThat(a.idOod("A", false, -1)).isCloseTo(.55, within(1e-12));
        assertThat(a.idOod("AB", true, -1)).isCloseTo((.88 + .79) / 2, within(1e-12));
        assertThat(a.idOod("AB", false, -1)).isCloseTo(.65, within(1e-12));
        // singles: (ID, OOD) = (.90, .55), (.80, .575), (.70, .45); least squares by hand
        double[][] pts = {{.90, .55}, {.80, .575}, {.70, .45}};
        double mx = (.90 + .80 + .70) / 3, my = (.55 + .575 + .45) / 3, sxy = 0, sxx = 0;
        for (double[] p : pts) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        Analyses.Fit f = a.robustnessFit();
        assertThat(f.slope()).isCloseTo(sxy / sxx, within(1e-12)).isCloseTo(0.5, within(1e-12));
        assertThat(f.intercept()).isCloseTo(my - 0.5 * mx, within(1e-12));
        List<String> abRow = a.robustness().rows().get(3);
        assertThat(abRow.get(0)).isEqualTo("AB");
        double expectedEr = .65 - (0.5 * (.88 + .79) / 2 + (my - 0.5 * mx));
        assertThat(Double.parseDouble(abRow.get(5))).isCloseTo(expectedEr, within(1e-4));
    }

    @Test
    void diversityFindsTheBestSingleComponent() {
        Table d = build().diversity();
        // AB on C (held out): best single among A, B on C is B (.60); mixture .65
        List<String> c = d.rows().stream().filter(r -> r.get(0).equals("C")).findFirst().orElseThrow();
        assertThat(c.get(1)).isEqualTo("held-out");
        assertThat(c.get(4)).isEqualTo("B");
        assertThat(Double.parseDouble(c.get(6))).isCloseTo(.05, within(1e-4));
        assertThat(c.get(7)).isEqualTo("yes");
        // AB on A (in-distribution): specialist A .90 beats the mixture .88
        List<String> aRow = d.rows().stream().filter(r -> r.get(0).equals("A")).findFirst().orElseThrow();
        assertThat(aRow.get(1)).isEqualTo("in-distribution");
        assertThat(aRow.get(4)).isEqualTo("A");
        assertThat(Double.parseDouble(aRow.get(6))).isCloseTo(-.02, within(1e-4));
    }

    @Test
    void pVsQAndMatrix() {
        Analyses a = build();
        Table t = a.pVsQ();
        assertThat(t.rows()).hasSize(2);
        assertThat(t.rows().get(0)).startsWith("AB", "A");
        assertThat(Double.parseDouble(t.rows().get(0).get(5))).isCloseTo(.88 - .90, within(1e-4));
        assertThat(Double.parseDouble(t.rows().get(1).get(5))).isCloseTo(.79 - .80, within(1e-4));
        Table m = a.matrix();
        assertThat(m.header()).containsExactly("train_set", "A", "B", "C");
        assertThat(m.rows().get(2)).containsExactly("C", "0.4000", "0.5000", "0.7000");
    }

    @Test
    void overfittingFindsThePeakAndTheEarlyStoppingCost() {
        List<String> rA = build().overfitting().rows().get(0);
        assertThat(rA.get(0)).isEqualTo("rA");
        assertThat(rA.get(3)).isEqualTo("2");                       // OOD peak epoch
        assertThat(Double.parseDouble(rA.get(4))).isCloseTo(.65, within(1e-4)); // (.70 + .60) / 2
        assertThat(Double.parseDouble(rA.get(5))).isCloseTo(.55, within(1e-4)); // at the last epoch
        assertThat(Double.parseDouble(rA.get(6))).isCloseTo(.10, within(1e-4));
        assertThat(rA.get(7)).isEqualTo("3");                       // validation peaks at epoch 3
        assertThat(rA.get(8)).isEqualTo("validation");
        assertThat(Double.parseDouble(rA.get(10))).isCloseTo(.10, within(1e-4));
        List<String> rB = build().overfitting().rows().get(1);
        assertThat(rB.get(8)).startsWith("id-test");
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
