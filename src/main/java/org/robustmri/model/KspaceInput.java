package org.robustmri.model;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.data.KspaceSample;
import org.robustmri.data.Sample;
import org.robustmri.kspace.MultiCoilMri;
import org.robustmri.kspace.Sampling;
import org.robustmri.tensor.Tensors;

import java.util.ArrayList;
import java.util.List;

/**
 * Masked multi-coil k-space (B, C, H, W) complex with its physics (the per-sample masks), the centre-band counts
 * the mask functions drew (-1 where unknown), and the reconstruction size.
 */
public record KspaceInput(Tensor kspace, MultiCoilMri physics, int[] numLowFrequencies, int cropHeight, int cropWidth)
        implements ModelInput {
    @Override
    public KspaceInput to(Device device) {
        return kspace.device().equals(device) ? this
                : new KspaceInput(kspace.to(device, kspace.scalar_type()), physics, numLowFrequencies, cropHeight, cropWidth);
    }

    /** A batch of {@link KspaceSample}s of one k-space shape, coil count and target size ({@code model}: for errors). */
    public static KspaceInput collate(List<? extends Sample> batch, String model) {
        if (batch.isEmpty()) throw new IllegalArgumentException("empty batch");
        KspaceSample first = asKspace(batch.get(0), model);
        int c = first.coils(), h = first.height(), w = first.width();
        long plane = 2L * c * h * w;
        float[] all = new float[Math.toIntExact(batch.size() * plane)];
        List<Sampling> samplings = new ArrayList<>();
        int[] numLow = new int[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            KspaceSample s = asKspace(batch.get(i), model);
            if (s.coils() != c || s.height() != h || s.width() != w || s.targetHeight() != first.targetHeight()
                    || s.targetWidth() != first.targetWidth()) {
                throw new IllegalArgumentException("a " + model + " batch needs one k-space shape and coil count: " + c + "x" + h + "x" + w
                        + " and " + s.coils() + "x" + s.height() + "x" + s.width() + " (" + s.fileName() + ")");
            }
            System.arraycopy(s.maskedKspace(), 0, all, Math.toIntExact(i * plane), Math.toIntExact(plane));
            samplings.add(s.sampling());
            numLow[i] = s.sampling().numLowFrequencies();
        }
        Tensor k = Tensors.complexFromInterleaved(all, batch.size(), c, h, w);
        return new KspaceInput(k, MultiCoilMri.ofBatch(samplings), numLow, first.targetHeight(), first.targetWidth());
    }

    private static KspaceSample asKspace(Sample s, String model) {
        if (s instanceof KspaceSample k) return k;
        throw new IllegalArgumentException(model + " takes masked k-space samples, got " + s.getClass().getSimpleName());
    }

    @Override
    public int batchSize() {
        return (int) kspace.size(0);
    }
}
