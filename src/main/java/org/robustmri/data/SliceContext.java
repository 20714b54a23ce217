package org.robustmri.data;

import org.bytedeco.pytorch.Tensor;
import org.robustmri.io.FastMriFile;
import org.robustmri.kspace.Sampling;
import org.robustmri.tensor.Tensors;

import java.nio.ByteOrder;

/**
 * Everything a {@link SampleTransform} gets for one slice: the open file, the cached volume facts, the slice
 * index within the file, the undersampling chosen for this sample, where the sample sits in its epoch, and the
 * augmentation drawn for it. With an augmentation, {@code volume} already describes the transformed slice (sizes
 * swapped by a rotation, the acquisition window mirrored) and the sampling was drawn for it; {@link #kspace} and
 * {@link #target} give the transformed data.
 *
 * @param sampleIndex position of the sample in the epoch's plan (seeds training masks)
 */
public record SliceContext(FastMriFile file, VolumeInfo volume, int slice, Sampling sampling, int epoch,
                           long sampleIndex, Augmentation augmentation) {
    public SliceContext(FastMriFile file, VolumeInfo volume, int slice, Sampling sampling, int epoch, long sampleIndex) {
        this(file, volume, slice, sampling, epoch, sampleIndex, Augmentation.NONE);
    }

    /** The fully sampled k-space (C, H, W), complex, of this slice after the augmentation, in the caller's scope. */
    public Tensor kspace() {
        if (augmentation.equals(Augmentation.NONE)) {
            return Tensors.complexFilledBy(buf -> file.readKspaceSlice(slice, buf), file.kspace().sliceShape());
        }
        return Tensors.complexFromInterleaved(augmented().kspace(), volume.coils(), volume.kspaceHeight(), volume.kspaceWidth());
    }

    /** The target (cropHeight x cropWidth) after the augmentation; null when there is none and it is not required. */
    public float[] target(boolean required) {
        if (augmentation.equals(Augmentation.NONE)) return volume.readTarget(file, slice, required);
        String key = volume.targetKey();
        if (key == null) return volume.readTarget(file, slice, required);
        int[] shape = file.shapeOf(key);
        int th = shape[shape.length - 2], tw = shape[shape.length - 1];
        Augmentation.Slice t = augmentation.apply(new Augmentation.Slice(new float[0], 0, 0, 0, file.readFloatSlice(key, slice), th, tw));
        return VolumeInfo.centerCrop(t.target(), t.targetHeight(), t.targetWidth(), volume.cropHeight(), volume.cropWidth());
    }

    private Augmentation.Slice augmented() {
        var g = file.kspace();
        float[] k = new float[g.coils() * g.height() * g.width() * 2];
        file.readKspaceSlice(slice).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(k);
        return augmentation.apply(new Augmentation.Slice(k, g.coils(), g.height(), g.width(), new float[0], 0, 0));
    }
}
