package org.robustmri.eval;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.TestFiles;
import org.robustmri.cli.CliTestSupport;
import org.robustmri.metric.VolumeScore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Train a tiny model on the real phantoms, then check evaluate against reconstruct + metrics and the training log. */
class RunEvaluationTest {
    @TempDir
    static Path tmp;

    static Path run;

    @BeforeAll
    static void trainTinyRun() throws Exception {
        Path cat = tmp.resolve("catalog.csv");
        assertThat(CliTestSupport.run("catalog", TestFiles.REAL_KSPACE.toString(), "--out", cat.toString()).code()).isZero();
        Files.writeString(tmp.resolve("phantom.yaml"), "- {anatomy: phantom}\n");
        Files.writeString(tmp.resolve("brain.yaml"), "- {filename: pulseq_invivo_brain_16ch.h5}\n");
        run = tmp.resolve("run");
        CliTestSupport.Result r = CliTestSupport.run("train", "--out", run.toString(), "--catalog", cat.toString(),
                "--train", "phantom=" + tmp.resolve("phantom.yaml"), "--validation", tmp.resolve("brain.yaml").toString(),
                "--chans", "4", "--pools", "2", "--epochs", "2", "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
    }

    @Test
    void evaluationEqualsReconstructPlusMetricsAndTheValidationLog() throws Exception {
        Path out = tmp.resolve("eval");
        CliTestSupport.Result r = CliTestSupport.run("evaluate", "--run", run.toString(), "--checkpoints", "all",
                "--test", "brain=" + tmp.resolve("brain.yaml"), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> rows = Files.readAllLines(out.resolve("results.csv"));
        assertThat(rows.get(0)).isEqualTo(Evaluator.HEADER);
        assertThat(rows).hasSize(1 + 2 * 3); // 2 checkpoints x (1 ssim slice row + psnr + nmse)
        double evalSsimEpoch2 = value(rows, "epoch-002.safetensors", "ssim");
        double evalPsnrEpoch2 = value(rows, "epoch-002.safetensors", "psnr");

        Path recon = tmp.resolve("recon");
        assertThat(CliTestSupport.run("reconstruct", "--model", run.resolve("checkpoints/epoch-002.safetensors").toString(),
                TestFiles.REAL_KSPACE.resolve("pulseq_invivo_brain_16ch.h5").toString(), "--out", recon.toString(),
                "--mask", "equispaced").code()).isZero();
        VolumeScore s = FileEvaluation.scoreFile(TestFiles.REAL_KSPACE.resolve("pulseq_invivo_brain_16ch.h5"),
                recon.resolve("pulseq_invivo_brain_16ch.h5"));
        assertThat(evalSsimEpoch2).isCloseTo(s.ssim(), within(1e-9));
        assertThat(evalPsnrEpoch2).isCloseTo(s.psnr(), within(1e-7));

        // validation in training used the same test-time masks: the logged SSIM equals the evaluated one
        List<String> log = Files.readAllLines(run.resolve("train_log.csv"));
        String last = log.get(log.size() - 1);
        assertThat(Double.parseDouble(last.substring(last.lastIndexOf(',') + 1))).isCloseTo(evalSsimEpoch2, within(1e-6));
        assertThat(Files.readAllLines(out.resolve("summary.csv"))).hasSize(1 + 2 * 4);
        assertThat(Files.exists(out.resolve("provenance.json"))).isTrue();
    }

    @Test
    void leakageAndEmptyTestSetsAreRefused() throws Exception {
        Files.writeString(tmp.resolve("leak.yaml"), "- {filename: pulseq_phantom_32ch.h5}\n");
        CliTestSupport.Result leak = CliTestSupport.run("evaluate", "--run", run.toString(), "--test",
                "leak=" + tmp.resolve("leak.yaml"), "--out", tmp.resolve("e2").toString());
        assertThat(leak.code()).isEqualTo(1);
        assertThat(leak.err()).contains("leakage").contains("pulseq_phantom_32ch.h5");
        Files.writeString(tmp.resolve("none.yaml"), "- {anatomy: knee}\n");
        CliTestSupport.Result empty = CliTestSupport.run("evaluate", "--run", run.toString(), "--test",
                "knee=" + tmp.resolve("none.yaml"), "--out", tmp.resolve("e3").toString());
        assertThat(empty.code()).isEqualTo(1);
        assertThat(empty.err()).contains("'knee' selects no volumes");
        assertThat(Files.exists(tmp.resolve("e3").resolve("results.csv"))).isFalse();
    }

    @Test
    void badTrainingInputsGiveClearErrors() throws Exception {
        Files.writeString(tmp.resolve("bad.yaml"), "epochs: 2\nlearning_rate: 0.1\n");
        CliTestSupport.Result r = CliTestSupport.run("train", "--config", tmp.resolve("bad.yaml").toString(), "--out",
                tmp.resolve("badrun").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown key 'learning_rate'");
        CliTestSupport.Result arch = CliTestSupport.run("reconstruct", "--model", run.resolve("checkpoints/last.safetensors").toString(),
                "--arch", "varnet-small", TestFiles.REAL_KSPACE.resolve("pulseq_phantom_16ch.h5").toString(), "--out", tmp.resolve("r").toString());
        assertThat(arch.code()).as("a U-Net checkpoint is not read as a VarNet").isEqualTo(1);
        assertThat(arch.err()).contains("last.safetensors").contains("holds unet").contains("not the requested varnet-small");
        assertThat(tmp.resolve("r")).doesNotExist();
        org.robustmri.model.ReconstructionModel other = org.robustmri.model.ModelRegistry.create(
                org.robustmri.model.ModelRegistry.parse("unet:chans=8,pools=2"), 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> org.robustmri.model.Weights.load(other, run.resolve("checkpoints/last.safetensors")))
                .hasMessageContaining("do not fit model");
    }

    static double value(List<String> rows, String checkpoint, String metric) {
        for (String row : rows) {
            String[] f = row.split(",");
            if (f[2].equals(checkpoint) && f[7].equals(metric)) return Double.parseDouble(f[8]);
        }
        throw new AssertionError("no " + metric + " row for " + checkpoint);
    }
}
