package org.robustmri.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.TestFiles;
import org.robustmri.cli.CliTestSupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Fitting a distribution to scans recovers what made them: the simulator's own files round-trip, real files give an entry. */
class ScannerFitTest {
    @TempDir
    Path tmp;

    @Test
    void aSimulatedScannerIsRecoveredFromItsFiles() throws Exception {
        Path lib = tmp.resolve("truth.yaml");
        Files.writeString(lib, "distributions:\n  truth: {base: brain-gre-3T-16ch, snr: 120, noise_correlation: 0.4, coils: 12, fov_mm: 210}\n");
        Path data = tmp.resolve("data");
        assertThat(CliTestSupport.run("simulate", "--library", lib.toString(), "--distributions", "truth", "--matrix", "64", "--slices", "4",
                "--volumes", "2", "--out", data.toString()).code()).isZero();
        List<Path> files = List.of(data.resolve("sim_truth_0000.h5"), data.resolve("sim_truth_0001.h5"));
        DistributionLibrary library = DistributionLibrary.load(lib);
        ScannerFit.Measured m = ScannerFit.measure(files);
        assertThat(m.coils()).isEqualTo(12);
        assertThat(m.fieldStrengthT()).isEqualTo(3.0);
        assertThat(m.fovMm()).isEqualTo(210.0); // the simulator writes its field of view
        ScannerFit.Fit f = ScannerFit.fit("fitted", library.get("brain-gre-3T-16ch"), library, m, 64);
        // other subjects, other slices: within the spread between subjects
        assertThat(f.snr()).isCloseTo(120, within(0.2 * 120));
        assertThat(f.noiseCorrelation()).isCloseTo(0.4, within(0.1));
        assertThat(f.coilLoopScale()).isCloseTo(1.0, within(0.15));
        assertThat(ScannerFit.fit("fitted", library.get("brain-gre-3T-16ch"), library, m, 64, false).coilLoopScale()).isNaN();
        // and the entry written by the command reads back as a library entry that simulates
        Path out = tmp.resolve("fit.yaml");
        CliTestSupport.Result r = CliTestSupport.run("simulate", "--fit-to", TestFiles.REAL_KSPACE.resolve("pulseq_invivo_brain_16ch.h5").toString(),
                "--matrix", "64", "--fit-out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("16 coils").contains("2.89362 T").contains("field of view 256.0 mm");
        DistributionRecipe real = DistributionLibrary.load(out).get("fitted-pulseq_invivo_brain_16ch");
        assertThat(real.coils()).isEqualTo(16);
        assertThat(real.fovMm()).isEqualTo(256.0);
        assertThat(real.contrast()).isEqualTo(Contrast.GRE);
    }

    /** Small loops (local, fast-varying sensitivities) and large ones are told apart and their size recovered. */
    @Test
    void theCoilsLoopSizeIsRecoveredFromItsFiles() throws Exception {
        for (double scale : new double[]{0.6, 1.8}) {
            Path lib = tmp.resolve("loops" + scale + ".yaml");
            Files.writeString(lib, "distributions:\n  truth: {base: brain-gre-3T-16ch, snr: 120, noise_correlation: 0.4, coils: 12, coil_loop_scale: "
                    + scale + "}\n");
            Path data = tmp.resolve("loops" + scale);
            assertThat(CliTestSupport.run("simulate", "--library", lib.toString(), "--distributions", "truth", "--matrix", "64", "--slices", "4",
                    "--volumes", "2", "--out", data.toString()).code()).isZero();
            DistributionLibrary library = DistributionLibrary.load(lib);
            ScannerFit.Measured m = ScannerFit.measure(List.of(data.resolve("sim_truth_0000.h5"), data.resolve("sim_truth_0001.h5")));
            ScannerFit.Fit f = ScannerFit.fit("fitted", library.get("brain-gre-3T-16ch"), library, m, 64);
            assertThat(f.coilLoopScale()).as("loop scale %s", scale).isCloseTo(scale, within(0.1 * scale));
            assertThat(f.snr()).isCloseTo(120, within(0.2 * 120));
            assertThat(f.noiseCorrelation()).isCloseTo(0.4, within(0.1));
        }
    }
}
