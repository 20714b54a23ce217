package org.robustmri.train;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.io.AtomicFiles;
import org.robustmri.io.DataException;
import org.robustmri.io.Manifest;
import org.robustmri.metric.Ssim;
import org.robustmri.model.Inference;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.io.Safetensors;
import org.robustmri.model.Weights;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.nio.file.Path;

/**
 * The training loop of the paper: per step forward, loss, backward, gradient clipping, Adam with the
 * one-cycle learning rate; a checkpoint (weights in safetensors with the reference names) after every epoch,
 * plus the optimizer state and the log rows, committed together per epoch ({@link RunDirectory}), so {@link #run}
 * with an existing run directory resumes exactly from the last complete epoch.
 */
public final class Trainer {
    private final ReconstructionModel model;
    private final TrainConfig config;
    private final BatchSource train;
    private final BatchSource validation;
    private final RunDirectory dir;
    private final TrainListener listener;
    private final Distributed dist;

    public Trainer(ReconstructionModel model, TrainConfig config, BatchSource train, BatchSource validation,
                   RunDirectory dir, TrainListener listener) {
        this(model, config, train, validation, dir, listener, Distributed.single());
    }

    /**
     * A trainer that is one rank of a data-parallel group: {@code train} and {@code validation} give this rank's shares
     * of the global batches; rank 0 alone writes the run directory.
     */
    public Trainer(ReconstructionModel model, TrainConfig config, BatchSource train, BatchSource validation,
                   RunDirectory dir, TrainListener listener, Distributed dist) {
        this.model = model;
        this.config = config;
        this.train = train;
        this.validation = validation;
        this.dir = dir;
        this.listener = listener == null ? TrainListener.NONE : listener;
        this.dist = dist;
    }

    /** Progress saved after each epoch. */
    public record Progress(int epochsDone, long step, double wallSeconds) {
    }

    /** Trains until {@code config.epochs()}; resumes from the run directory's saved progress if there is one. */
    public Progress run() {
        Torch.init();
        long totalSteps = 0;
        for (int e = 1; e <= config.epochs(); e++) totalSteps += train.batchesInEpoch(e);
        int perEpoch = train.batchesInEpoch(1);
        if (perEpoch < 1) throw new DataException("training set is empty: " + train.describe());
        OneCycleSchedule schedule = config.schedule(totalSteps);
        model.parameters().moveTo(Torch.bestDevice()); // a CUDA device when libtorch reports one
        org.bytedeco.pytorch.Device device = model.parameters().device();
        config.precision().checkDevice(device);
        Adam adam = Adam.standard(model.parameters());
        LossScaler scaler = config.precision().needsLossScaling() ? new LossScaler() : null;
        Progress progress = new Progress(0, 0, 0);
        Optional<RunDirectory.Commit> last = dir.latestVerifiedCommit();
        if (last.isPresent()) {
            RunDirectory.Commit c = last.get();
            Weights.load(model, dir.checkpoint(c.epoch()));
            Map<String, Tensor> state = Safetensors.read(dir.optimizerState(c.epoch())).tensors();
            adam.load(state);
            if (scaler != null) scaler.load(state);
            progress = new Progress(c.epoch(), c.step(), c.wallSeconds());
        } else {
            dist.broadcastParameters(model.parameters()); // every rank starts from rank 0's weights
        }
        if (dist.isLeader()) rebuildViews(progress.epochsDone());
        listener.onStart(progress.epochsDone() + 1, config.epochs(), perEpoch);
        long step = progress.step();
        double wall = progress.wallSeconds();
        model.train(true);
        for (int epoch = progress.epochsDone() + 1; epoch <= config.epochs(); epoch++) {
            long t0 = System.nanoTime();
            double lossSum = 0;
            int n = 0;
            List<String> logRows = new ArrayList<>();
            try (BatchIterator it = train.epoch(epoch)) {
                while (it.hasNext()) {
                    Batch batch = it.next();
                    double lr = schedule.lr(step);
                    double loss = step(batch, epoch, step, lr, adam, scaler, device);
                    logRows.add(String.format(Locale.ROOT, "%d,%d,%.8g,%.8g,", step, epoch, loss, lr));
                    lossSum += loss;
                    n++;
                    listener.onStep(epoch, step, loss, lr);
                    step++;
                }
            }
            double val = validation == null ? Double.NaN : validate(epoch);
            logRows.add(String.format(Locale.ROOT, "%d,%d,,,%s", step, epoch, Double.isNaN(val) ? "" : String.format(Locale.ROOT, "%.8g", val)));
            wall += (System.nanoTime() - t0) / 1e9;
            if (dist.isLeader()) commitEpoch(epoch, step, adam, scaler, wall, logRows);
            dist.barrier();
            listener.onEpoch(epoch, lossSum / Math.max(1, n), val);
            progress = new Progress(epoch, step, wall);
        }
        return progress;
    }

    /**
     * One optimisation step: forward, loss, backward, clipping, Adam; returns the loss. With several ranks the loss and
     * the gradients are the batch-weighted sums over ranks, so every rank takes the same step. The forward pass runs in
     * the run's precision and the loss in float32; with fp16 the backward pass starts from the scaled loss and a step
     * with overflowed gradients is skipped on every rank alike (they all see the same reduced gradients).
     */
    private double step(Batch b, int epoch, long step, double lr, Adam adam, LossScaler scaler, org.bytedeco.pytorch.Device device) {
        try (PointerScope scope = new PointerScope()) {
            Adam.zeroGrad(model.parameters());
            double weight = b.size() / (double) b.globalSize();
            Tensor l = null;
            double loss = 0;
            if (b.size() > 0) {
                Tensor out = config.precision().forward(model, b.samples(), device);
                l = config.loss().compute(out, Inference.targets(b.samples(), device), Inference.dataRanges(b.samples(), device));
                loss = l.item_double();
            }
            if (dist.world() > 1) loss = dist.sum(loss * weight)[0];
            if (!Double.isFinite(loss)) {
                throw new TrainingDivergedException(String.format(Locale.ROOT,
                        "loss became %s at epoch %d step %d (volume %s); last good checkpoint: %s",
                        loss, epoch, step, b.volume(), epoch > 1 ? dir.checkpoint(epoch - 1) : "none (first epoch)"));
            }
            if (l != null) (scaler == null ? l : scaler.scaled(l)).backward();
            dist.reduceGradients(model.parameters(), weight);
            if (scaler != null && !scaler.unscaleAndUpdate(model.parameters())) return loss;
            GradientClipping.clip(model.parameters(), config.gradClip());
            adam.step(model.parameters(), lr);
            return loss;
        }
    }

    /** Mean SSIM over all validation slices (the paper's per-slice aggregation), in float64. */
    private double validate(int epoch) {
        model.train(false);
        double sum = 0;
        int count = 0;
        org.bytedeco.pytorch.Device cpu = Torch.cpu();
        try (BatchIterator it = validation.epoch(0)) {
            while (it.hasNext()) {
                Batch b = it.next();
                if (b.size() == 0) continue;
                try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                    Tensor out = config.precision().forward(model, b.samples(), model.parameters().device()).cpu().to(torch.ScalarType.Double);
                    Tensor y = Inference.targets(b.samples(), cpu).to(torch.ScalarType.Double);
                    Tensor range = Inference.dataRanges(b.samples(), cpu).to(torch.ScalarType.Double);
                    double[] perSlice = Tensors.toDoubles(Ssim.map(out, y, range.reshape(-1, 1, 1, 1))
                            .mean(new long[]{1, 2, 3}, false, new org.bytedeco.pytorch.ScalarTypeOptional()));
                    for (double v : perSlice) sum += v;
                    count += perSlice.length;
                }
            }
        }
        model.train(true);
        double[] total = dist.sum(sum, count); // each rank scored its share of the validation slices
        return total[1] == 0 ? Double.NaN : total[0] / total[1];
    }

    /**
     * The epoch's commit: its checkpoint, optimizer state and log rows under epoch-numbered names, then the manifest
     * of all three (the commit point), then the views ({@code train_log.csv}, {@code last.safetensors}). A process
     * killed anywhere before the manifest redoes the epoch; after it, the views are rebuilt on resume.
     */
    private void commitEpoch(int epoch, long step, Adam adam, LossScaler scaler, double wall, List<String> logRows) {
        Map<String, String> meta = new LinkedHashMap<>(model.spec().toMetadata());
        meta.put("epoch", Integer.toString(epoch));
        meta.put("step", Long.toString(step));
        Weights.save(model, dir.checkpoint(epoch), meta);
        Map<String, Tensor> state = new LinkedHashMap<>(adam.state());
        if (scaler != null) state.putAll(scaler.state());
        Safetensors.write(dir.optimizerState(epoch), state, Map.of("epoch", Integer.toString(epoch)));
        AtomicFiles.writeString(dir.epochLog(epoch), String.join("\n", logRows) + "\n");
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("epoch", epoch);
        fields.put("step", step);
        fields.put("wall_seconds", wall);
        Manifest.of(dir.root(), List.of(dir.checkpoint(epoch), dir.optimizerState(epoch), dir.epochLog(epoch)), fields)
                .write(dir.commit(epoch));
        rebuildViews(epoch);
        // optimizer states older than the previous epoch are never resumed from
        try {
            Files.deleteIfExists(dir.optimizerState(epoch - 2));
        } catch (IOException e) {
            throw new DataException(dir.optimizerState(epoch - 2), "cannot delete: " + e.getMessage(), e);
        }
    }

    /** {@code train_log.csv} from the committed epochs' rows and {@code last.safetensors} as the last checkpoint. */
    private void rebuildViews(int epochsDone) {
        StringBuilder log = new StringBuilder("step,epoch,loss,lr,val_ssim\n");
        try {
            for (int e = 1; e <= epochsDone; e++) log.append(Files.readString(dir.epochLog(e), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DataException(dir.root(), "cannot read the committed log rows: " + e.getMessage(), e);
        }
        String text = log.toString();
        try {
            if (!Files.isRegularFile(dir.log()) || !Files.readString(dir.log(), StandardCharsets.UTF_8).equals(text)) {
                AtomicFiles.writeString(dir.log(), text);
            }
            if (epochsDone > 0) {
                Path ckpt = dir.checkpoint(epochsDone);
                if (!Files.isRegularFile(dir.last()) || Files.mismatch(dir.last(), ckpt) >= 0) {
                    AtomicFiles.write(dir.last(), tmp -> Files.copy(ckpt, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING));
                }
            }
        } catch (IOException e) {
            throw new DataException(dir.root(), "cannot rebuild the run's views: " + e.getMessage(), e);
        }
    }
}
