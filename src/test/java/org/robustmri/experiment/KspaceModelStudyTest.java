package org.robustmri.experiment;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.cli.CliTestSupport;
import org.robustmri.model.ModelSpec;
import org.robustmri.io.Safetensors;
import org.robustmri.model.Weights;
import org.robustmri.tensor.Tensors;
import org.robustmri.train.RunDirectory;
import org.robustmri.train.TrainListener;
import org.robustmri.train.TrainRun;
import org.robustmri.train.TrainSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Everything a U-Net can do, a VarNet can: train, resume exactly, evaluate, panels and the report. */
class KspaceModelStudyTest {
    @TempDir
    static Path tmp;

    static final String VARNET = "{model: varnet, cascades: 2, chans: 4, pools: 2, sens_chans: 2, sens_pools: 2}";
    static final String CONFIG = """
            name: kspace
            simulate:
              distributions: [knee-pd-3T-15ch, knee-pdfs-3T-15ch]
              train_volumes: 1
              validation_volumes: 1
              test_volumes: 1
              slices: 2
              matrix: 32
              seed: 4
            training_sets:
              - {name: pd, components: [knee-pd-3T-15ch]}
            test_sets: [knee-pd-3T-15ch, knee-pdfs-3T-15ch]
            models:
              - {model: unet, chans: 4, pools: 2}
              - %s
            recipe: {lr: 0.003, epochs: 2, threads: 1, mask: {type: equispaced, accelerations: [4], center_fractions: [0.08]}}
            """.formatted(VARNET);

    static Path out;

    @BeforeAll
    static void runStudy() throws Exception {
        Path config = tmp.resolve("kspace.yaml");
        Files.writeString(config, CONFIG);
        out = tmp.resolve("study");
        new Experiment(ExperimentConfig.read(config), tmp, out, null).run(new Experiment.Listener() {
        });
    }

    @Test
    void bothFamiliesAreTrainedEvaluatedAndDrawn() throws Exception {
        String varnetRun = "pd__varnet-n2-c4-s2-p2-sp2__m0d0";
        assertThat(out.resolve("runs").resolve(varnetRun).resolve("checkpoints/epoch-002.safetensors")).exists();
        List<String> rows = Files.readAllLines(out.resolve("results.csv"));
        // 2 runs x 2 checkpoints x 2 test sets x (2 ssim + psnr + nmse), plus the baseline's 2 x 4
        assertThat(rows).hasSize(1 + 2 * 2 * 2 * 4 + 2 * 4);
        assertThat(rows.stream().filter(r -> r.startsWith(varnetRun + ",")).count()).isEqualTo(2 * 2 * 4);
        for (String r : rows.subList(1, rows.size())) {
            double v = Double.parseDouble(r.split(",")[8]);
            assertThat(Double.isFinite(v)).as(r).isTrue();
        }
        // the checkpoint says which model it holds: it loads without naming the architecture
        var m = Weights.loadModel(out.resolve("runs").resolve(varnetRun).resolve("checkpoints/last.safetensors"), null);
        assertThat(m.spec().family()).isEqualTo("varnet");
        assertThat(m.spec().params()).containsEntry("cascades", "2").containsEntry("num_low", "auto");
        assertThat(ModelSpec.fromMetadata(m.spec().toMetadata())).contains(m.spec());
        assertThat(out.resolve("panels").resolve("knee-pdfs-3T-15ch.png")).exists();
        assertThat(Files.readString(out.resolve("runs.csv"))).contains("varnet-n2-c4-s2-p2-sp2");
    }

    @Test
    void aKilledVarNetRunResumesBitForBit() throws Exception {
        TrainSpec base = TrainSpec.readRun(out.resolve("runs/pd__varnet-n2-c4-s2-p2-sp2__m0d0"))
                .override(Map.of("epochs", 3));
        Path full = tmp.resolve("full"), killed = tmp.resolve("killed");
        TrainRun.run(base, full, null);
        assertThatThrownBy(() -> TrainRun.run(base, killed, new TrainListener() {
            @Override
            public void onStep(int epoch, long step, double loss, double lr) {
                if (epoch == 2) throw new IllegalStateException("killed");
            }
        })).hasMessage("killed");
        assertThat(new RunDirectory(killed).checkpointEpochs()).containsExactly(1);
        TrainRun.run(base, killed, null);
        var a = Safetensors.read(new RunDirectory(full).checkpoint(3)).tensors();
        var b = Safetensors.read(new RunDirectory(killed).checkpoint(3)).tensors();
        assertThat(b.keySet()).isEqualTo(a.keySet());
        for (String k : a.keySet()) assertThat(Tensors.toFloats(b.get(k))).as(k).containsExactly(Tensors.toFloats(a.get(k)));
    }

    @Test
    void trainAndEvaluateFromTheCommandLine() throws Exception {
        Path run = tmp.resolve("cli-run");
        Path data = out.resolve("data");
        Files.writeString(tmp.resolve("pd.yaml"), "- {datasetName: knee-pd-3T-15ch}\n");
        CliTestSupport.Result t = CliTestSupport.run("train", "--out", run.toString(), "--catalog", data.resolve("train.csv").toString(),
                "--train", "pd=" + tmp.resolve("pd.yaml"), "--model", "varnet", "--model-param", "cascades=1",
                "--model-param", "chans=4", "--model-param", "pools=2", "--model-param", "sens_chans=2",
                "--model-param", "sens_pools=2", "--model-param", "num_low=mask", "--epochs", "1", "--threads", "1",
                "--mask", "equispaced");
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(Files.readString(run.resolve("run.json"))).contains("varnet-n1-c4-s2-p2-sp2-nlmask");
        CliTestSupport.Result e = CliTestSupport.run("evaluate", "--run", run.toString(), "--checkpoints", "last",
                "--catalog", data.resolve("test.csv").toString(), "--test", "pd=" + tmp.resolve("pd.yaml"),
                "--out", run.resolve("eval").toString());
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(Files.readAllLines(run.resolve("eval/results.csv"))).hasSize(1 + 2 + 2);
        CliTestSupport.Result bad = CliTestSupport.run("train", "--out", tmp.resolve("bad").toString(), "--catalog",
                data.resolve("train.csv").toString(), "--train", "pd=" + tmp.resolve("pd.yaml"), "--model", "varnet",
                "--model-param", "cascade=2");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown varnet parameter 'cascade'").contains("cascades");
    }
}
