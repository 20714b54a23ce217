package org.robustmri.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustmri.data.ImageSample;
import org.robustmri.model.ModelRegistry;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.tensor.Tensors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainerTest {
    @TempDir
    Path tmp;

    /** Deterministic synthetic slices: targets are smooth blobs, inputs are blurred, noisy copies. */
    static final class SyntheticSource implements BatchSource {
        final int volumes;
        final int size;
        final int poisonEpoch;

        SyntheticSource(int volumes, int size, int poisonEpoch) {
            this.volumes = volumes;
            this.size = size;
            this.poisonEpoch = poisonEpoch;
        }

        @Override
        public int batchesInEpoch(int epoch) {
            return volumes;
        }

        @Override
        public String describe() {
            return "synthetic[" + volumes + "x" + size + "]";
        }

        Batch batch(int v, boolean poison) {
            int n = size * size;
            float[] t = new float[n], x = new float[n];
            Random r = new Random(100 + v);
            double cx = 8 + v * 3, cy = 10 + v * 2;
            float max = 0;
            for (int i = 0; i < size; i++)
                for (int j = 0; j < size; j++) {
                    double d = Math.hypot(i - cy, j - cx);
                    t[i * size + j] = (float) (1.0 / (1 + Math.exp(d - 6)) + 0.1 * Math.sin(i * 0.5));
                    max = Math.max(max, t[i * size + j]);
                }
            for (int i = 0; i < n; i++) x[i] = t[i] + (float) (0.15 * r.nextGaussian());
            if (poison) x[5] = Float.NaN;
            return new Batch(List.of(new ImageSample(x, t, size, size, max, "vol" + v, 0, null)), "vol" + v);
        }

        @Override
        public BatchIterator epoch(int epoch) {
            List<Integer> order = new ArrayList<>();
            for (int v = 0; v < volumes; v++) order.add(v);
            Collections.shuffle(order, new Random(epoch * 31L));
            List<Batch> out = new ArrayList<>();
            for (int v : order) out.add(batch(v, epoch == poisonEpoch));
            return BatchIterator.of(out.iterator());
        }
    }

    static ReconstructionModel tiny(long seed) {
        return ModelRegistry.create(ModelRegistry.parse("unet:chans=4,pools=2"), seed);
    }

    @Test
    void tinyModelOverfitsAndWritesCheckpointsAndLog() throws Exception {
        ReconstructionModel m = tiny(1);
        List<Double> losses = new ArrayList<>();
        TrainListener l = new TrainListener() {
            @Override
            public void onStep(int epoch, long step, double loss, double lr) {
                losses.add(loss);
            }
        };
        RunDirectory dir = new RunDirectory(tmp.resolve("run"));
        TrainConfig cfg = TrainConfig.paper(80, 1e-2, 1, 2);
        new Trainer(m, cfg, new SyntheticSource(1, 24, -1), new SyntheticSource(1, 24, -1), dir, l).run();
        double first = losses.get(0), last = losses.get(losses.size() - 1);
        // 1 - SSIM on one slice falls from about 1.0 to about 0.01 (measured); a broken step cannot get there
        assertThat(last).isLessThan(first * 0.1).isLessThan(0.05);
        assertThat(dir.checkpointEpochs()).hasSize(80);
        assertThat(Files.exists(dir.last())).isTrue();
        List<String> log = Files.readAllLines(dir.log());
        assertThat(log.get(0)).isEqualTo("step,epoch,loss,lr,val_ssim");
        assertThat(log).hasSize(1 + 80 * 2);
        String lastVal = log.get(log.size() - 1);
        double val = Double.parseDouble(lastVal.substring(lastVal.lastIndexOf(',') + 1));
        assertThat(val).isGreaterThan(0.85);
    }

    @Test
    void resumedRunEndsWithTheSameWeightsAsAnUninterruptedOne() {
        TrainConfig cfg = TrainConfig.paper(3, 1e-3, 7, 8);
        RunDirectory full = new RunDirectory(tmp.resolve("full"));
        ReconstructionModel a = tiny(7);
        new Trainer(a, cfg, new SyntheticSource(3, 20, -1), null, full, null).run();

        RunDirectory killed = new RunDirectory(tmp.resolve("killed"));
        ReconstructionModel b = tiny(7);
        TrainListener killer = new TrainListener() {
            @Override
            public void onStep(int epoch, long step, double loss, double lr) {
                if (epoch == 2 && step == 4) throw new IllegalStateException("killed");
            }
        };
        assertThatThrownBy(() -> new Trainer(b, cfg, new SyntheticSource(3, 20, -1), null, killed, killer).run())
                .hasMessage("killed");
        assertThat(killed.checkpointEpochs()).containsExactly(1);
        ReconstructionModel c = tiny(99); // different init: everything must come from the checkpoint
        Trainer.Progress p = new Trainer(c, cfg, new SyntheticSource(3, 20, -1), null, killed, null).run();
        assertThat(p.epochsDone()).isEqualTo(3);
        assertThat(p.step()).isEqualTo(9);
        for (String name : a.parameters().asMap().keySet()) {
            assertThat(Tensors.toFloats(c.parameters().get(name))).as(name)
                    .containsExactly(Tensors.toFloats(a.parameters().get(name)));
        }
    }

    @Test
    void aResumeTrustsOnlyVerifiedCommitsAndRedoesTheRest() throws Exception {
        TrainConfig cfg = TrainConfig.paper(3, 1e-3, 7, 8);
        ReconstructionModel a = tiny(7);
        new Trainer(a, cfg, new SyntheticSource(3, 20, -1), null, new RunDirectory(tmp.resolve("ref")), null).run();
        RunDirectory run = new RunDirectory(tmp.resolve("corrupt"));
        TrainListener killer = new TrainListener() {
            @Override
            public void onStep(int epoch, long step, double loss, double lr) {
                if (epoch == 3) throw new IllegalStateException("killed");
            }
        };
        assertThatThrownBy(() -> new Trainer(tiny(7), cfg, new SyntheticSource(3, 20, -1), null, run, killer).run()).hasMessage("killed");
        assertThat(run.latestVerifiedCommit().orElseThrow().epoch()).isEqualTo(2);
        // a bit flip in epoch 2's optimizer state: its commit no longer verifies, the resume starts after epoch 1
        byte[] b = Files.readAllBytes(run.optimizerState(2));
        b[b.length - 3] ^= 0x10;
        Files.write(run.optimizerState(2), b);
        assertThat(run.latestVerifiedCommit().orElseThrow().epoch()).isEqualTo(1);
        Trainer.Progress p = new Trainer(tiny(99), cfg, new SyntheticSource(3, 20, -1), null, run, null).run();
        assertThat(p.epochsDone()).isEqualTo(3);
        ReconstructionModel c = tiny(5);
        org.robustmri.model.Weights.load(c, run.last());
        for (String name : a.parameters().asMap().keySet()) {
            assertThat(Tensors.toFloats(c.parameters().get(name))).as(name).containsExactly(Tensors.toFloats(a.parameters().get(name)));
        }
        assertThat(Files.readAllLines(run.log())).isEqualTo(Files.readAllLines(tmp.resolve("ref").resolve("train_log.csv")));
        assertThat(run.optimizerState(1)).doesNotExist(); // older states are pruned
    }

    @Test
    void nanLossStopsClearlyAndKeepsTheLastGoodCheckpoint() {
        RunDirectory dir = new RunDirectory(tmp.resolve("nan"));
        assertThatThrownBy(() -> new Trainer(tiny(1), TrainConfig.paper(3, 1e-3, 1, 1),
                new SyntheticSource(2, 16, 2), null, dir, null).run())
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("epoch 2").hasMessageContaining("epoch-001.safetensors");
        assertThat(dir.checkpointEpochs()).containsExactly(1);
    }
}
