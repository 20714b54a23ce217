package org.robustmri.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.TestFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code reconstruct --lambdas}: a grid into one folder per lambda, and a lambda chosen on a validation set. */
class LambdaTuningCliTest {
    @TempDir
    Path tmp;

    @Test
    void theChosenLambdaIsTheGridsBestAsMetricsScoresItsOutputs() throws IOException {
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        for (String f : new String[]{"pulseq_invivo_brain_16ch.h5", "pulseq_phantom_16ch.h5"}) {
            Files.copy(TestFiles.REAL_KSPACE.resolve(f), data.resolve(f));
        }
        String model = "cs-wavelet:iterations=10";
        // a weight of 10000 shrinks every coefficient to 0; 0.001 is a sensible one
        CliTestSupport.Result sweep = CliTestSupport.run("reconstruct", "--model", model, "--lambdas", "0.001,10000", data.toString(),
                "--out", tmp.resolve("grid").toString());
        assertThat(sweep.code()).as(sweep.err()).isZero();
        double[] ssim = new double[2];
        String[] names = {"lambda-0.001", "lambda-10000"};
        for (int i = 0; i < 2; i++) {
            CliTestSupport.Result m = CliTestSupport.run("metrics", "--target", data.toString(), "--recon", tmp.resolve("grid").resolve(names[i]).toString(), "--json");
            assertThat(m.code()).as(m.err()).isZero();
            ssim[i] = new ObjectMapper().readTree(m.out()).at("/summary/ssim_volume/value").asDouble();
        }
        assertThat(ssim[0]).isGreaterThan(ssim[1] + 0.1);

        CliTestSupport.Result tuned = CliTestSupport.run("reconstruct", "--model", model, "--lambdas", "10000,0.001", "--validation", data.toString(),
                data.resolve("pulseq_invivo_brain_16ch.h5").toString(), "--out", tmp.resolve("tuned").toString());
        assertThat(tuned.code()).as(tuned.err()).isZero();
        assertThat(tuned.out()).contains("lambda 0.001").contains("<- chosen");
        JsonNode prov = new ObjectMapper().readTree(tmp.resolve("tuned/provenance.json").toFile());
        assertThat(prov.get("lambda_chosen").asDouble()).isEqualTo(0.001);
        assertThat(prov.get("model").asText()).contains("lambda=0.001");
        // the grid's scores are what `metrics` gives the grid's own outputs (a separate reading and scoring path)
        JsonNode grid = prov.get("lambda_grid");
        assertThat(grid).hasSize(2);
        assertThat(grid.get(0).get("lambda").asDouble()).isEqualTo(10000.0);
        assertThat(grid.get(0).get("ssim").asDouble()).isCloseTo(ssim[1], within(1e-9));
        assertThat(grid.get(1).get("ssim").asDouble()).isCloseTo(ssim[0], within(1e-9));
        assertThat(prov.get("lambda_validation_volumes").asInt()).isEqualTo(2);
    }

    @Test
    void validationNeedsAGrid() {
        CliTestSupport.Result noGrid = CliTestSupport.run("reconstruct", "--model", "cs-wavelet", "--validation", TestFiles.REAL_KSPACE.toString(),
                TestFiles.REAL_KSPACE.toString(), "--out", tmp.resolve("o").toString());
        assertThat(noGrid.code()).isEqualTo(2);
        assertThat(noGrid.err()).contains("--validation tunes --lambdas");
        assertThat(Files.exists(tmp.resolve("o"))).isFalse();
    }
}
