package org.robustmri.train;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.data.Batching;
import org.robustmri.data.MaskPolicy;
import org.robustmri.data.Sample;
import org.robustmri.data.SliceDataset;
import org.robustmri.io.FastMriWriter;
import org.robustmri.io.IsmrmrdHeader;
import org.robustmri.mask.MaskFunction;
import org.robustmri.model.Inference;
import org.robustmri.model.ReconstructionModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Times full training steps (forward, 1 - SSIM, backward, clipping at 1.0, Adam) of any model through the same path
 * training uses: a temporary fastMRI file of random k-space, read by the model's own transform with an equispaced
 * 4x / 0.08 mask, collated and run by {@link Inference}. The benchmark and the experiment's time estimate measure
 * the same thing.
 */
public final class StepTimer {
    /** The data a step sees: coils and k-space size (H readout, W phase encode), and the reconstruction size. */
    public record Shape(int coils, int kspaceHeight, int kspaceWidth, int height, int width) {
        public Shape {
            if (height > kspaceHeight || width > kspaceWidth) {
                throw new IllegalArgumentException("reconstruction " + height + "x" + width + " exceeds k-space "
                        + kspaceHeight + "x" + kspaceWidth);
            }
        }

        /** Square images of {@code size} from single-coil-free multi-coil k-space of the same size. */
        public static Shape image(int size, int coils) {
            return new Shape(coils, size, size, size, size);
        }
    }

    private StepTimer() {
    }

    /** Milliseconds of each of {@code steps} timed steps after {@code warmup} untimed ones, ascending. */
    public static List<Double> millis(ReconstructionModel model, Shape shape, int batch, int warmup, int steps) {
        return millis(model, shape, batch, warmup, steps, Precision.FP32);
    }

    /** As {@link #millis(ReconstructionModel, Shape, int, int, int)}, the forward pass in {@code precision}. */
    public static List<Double> millis(ReconstructionModel model, Shape shape, int batch, int warmup, int steps, Precision precision) {
        Path dir;
        try {
            dir = Files.createTempDirectory("robustmri-step-timer");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory: " + e.getMessage(), e);
        }
        try {
            List<? extends Sample> samples = samples(model, shape, batch, dir.resolve("timing.h5"));
            Adam adam = Adam.standard(model.parameters());
            Device device = model.parameters().device();
            precision.checkDevice(device);
            LossScaler scaler = precision.needsLossScaling() ? new LossScaler() : null;
            List<Double> times = new ArrayList<>();
            model.train(true);
            for (int i = 0; i < warmup + steps; i++) {
                long t0 = System.nanoTime();
                try (PointerScope scope = new PointerScope()) {
                    Adam.zeroGrad(model.parameters());
                    Tensor loss = Loss.SSIM.compute(precision.forward(model, samples, device), Inference.targets(samples, device),
                            Inference.dataRanges(samples, device));
                    (scaler == null ? loss : scaler.scaled(loss)).backward();
                    if (scaler == null || scaler.unscaleAndUpdate(model.parameters())) {
                        GradientClipping.clip(model.parameters(), 1.0);
                        adam.step(model.parameters(), 1e-3);
                    }
                    loss.item_double(); // wait for the device
                }
                if (i >= warmup) times.add((System.nanoTime() - t0) / 1e6);
            }
            times.sort(null);
            return times;
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) Files.deleteIfExists(p);
                Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // a temporary directory left behind is harmless
            }
        }
    }

    /** One batch of the model's samples from a random file of the given shape. */
    static List<? extends Sample> samples(ReconstructionModel model, Shape s, int batch, Path file) {
        Random r = new Random(0);
        float[] k = new float[batch * s.coils() * s.kspaceHeight() * s.kspaceWidth() * 2];
        for (int i = 0; i < k.length; i++) k[i] = (float) r.nextGaussian();
        float[] target = new float[batch * s.height() * s.width()];
        for (int i = 0; i < target.length; i++) target[i] = r.nextFloat();
        IsmrmrdHeader header = new IsmrmrdHeader("robustmri", "timing", 3.0, s.coils(), "robustmri", "TIMING",
                s.kspaceHeight(), s.kspaceWidth(), 1, s.height(), s.width(), 1, s.kspaceWidth() / 2, s.kspaceWidth() - 1);
        FastMriWriter.writeVolume(file, new FastMriWriter.Contents(batch, s.coils(), s.kspaceHeight(), s.kspaceWidth(), k,
                s.height(), s.width(), target, header, "TIMING", "timing", Map.of()));
        SliceDataset<? extends Sample> ds = SliceDataset.builder(model.transform(true)).files(List.of(file))
                .masks(MaskPolicy.training(MaskFunction.fromName("equispaced", List.of(4.0), List.of(0.08)), 0))
                .batching(Batching.inOrder(batch)).prefetch(0, 1).build();
        return ds.readBatch(1, 0, ds.allSlices(), 0).samples();
    }
}
