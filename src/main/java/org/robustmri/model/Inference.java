package org.robustmri.model;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.data.Sample;
import org.robustmri.tensor.Tensors;

import java.util.List;

/**
 * The one inference path: training, validation, evaluation, reconstruction, report panels and benchmarks all call
 * {@link #forward}, which collates a batch with the model's own collation, moves it to the model's device and runs
 * the model. Targets and data ranges of a batch come from here too, on the same device.
 */
public final class Inference {
    private Inference() {
    }

    /** Reconstructions (B, 1, h, w) of a batch of the model's samples, on the model's device. */
    public static Tensor forward(ReconstructionModel model, List<? extends Sample> batch) {
        return model.forward(model.collate(batch).to(model.parameters().device()));
    }

    /** Targets (B, 1, h, w) of a batch on {@code device}; every sample must have a target of the same size. */
    public static Tensor targets(List<? extends Sample> batch, Device device) {
        if (batch.isEmpty()) throw new IllegalArgumentException("empty batch");
        int h = batch.get(0).targetHeight(), w = batch.get(0).targetWidth(), plane = h * w;
        float[] all = new float[batch.size() * plane];
        for (int i = 0; i < batch.size(); i++) {
            Sample s = batch.get(i);
            if (s.target() == null) throw new IllegalStateException(s.fileName() + " slice " + s.slice() + " has no target");
            if (s.targetHeight() != h || s.targetWidth() != w) {
                throw new IllegalArgumentException("batch mixes target sizes " + h + "x" + w + " and " + s.targetHeight()
                        + "x" + s.targetWidth() + " (" + s.fileName() + ")");
            }
            System.arraycopy(s.target(), 0, all, i * plane, plane);
        }
        return onDevice(Tensors.fromFloats(all, batch.size(), 1, h, w), device);
    }

    /** Each sample's SSIM data range (its target volume's max), shape (B). */
    public static Tensor dataRanges(List<? extends Sample> batch, Device device) {
        float[] r = new float[batch.size()];
        for (int i = 0; i < r.length; i++) r[i] = (float) batch.get(i).maxValue();
        return onDevice(Tensors.fromFloats(r, r.length), device);
    }

    static Tensor onDevice(Tensor t, Device device) {
        return device.is_cpu() ? t : t.to(device, t.scalar_type());
    }
}
