package org.robustmri.model;

import org.robustmri.data.ImageSample;
import org.robustmri.data.Sample;
import org.robustmri.data.SampleTransform;
import org.robustmri.data.ZeroFilledImageTransform;
import org.robustmri.tensor.Tensors;

import java.util.List;

/**
 * A model that reconstructs from the zero-filled magnitude image (the paper's U-Net and ViT): it consumes
 * {@link ZeroFilledImageTransform} samples, collated to (B, 1, h, w).
 */
public abstract class ImageDomainModel extends AbstractModel {
    protected ImageDomainModel(ModelSpec spec) {
        super(spec);
    }

    @Override
    public SampleTransform<ImageSample> transform(boolean requireTarget) {
        return sampleTransform(requireTarget);
    }

    static SampleTransform<ImageSample> sampleTransform(boolean requireTarget) {
        return new ZeroFilledImageTransform(requireTarget);
    }

    @Override
    public ImageInput collate(List<? extends Sample> batch) {
        if (batch.isEmpty()) throw new IllegalArgumentException("empty batch");
        ImageSample first = asImage(batch.get(0));
        int h = first.height(), w = first.width(), plane = h * w;
        float[] all = new float[batch.size() * plane];
        for (int i = 0; i < batch.size(); i++) {
            ImageSample s = asImage(batch.get(i));
            if (s.height() != h || s.width() != w) {
                throw new IllegalArgumentException("batch mixes shapes " + h + "x" + w + " and " + s.height() + "x"
                        + s.width() + " (" + s.fileName() + "); use same-volume or shape-bucketed batches");
            }
            System.arraycopy(s.input(), 0, all, i * plane, plane);
        }
        return new ImageInput(Tensors.fromFloats(all, batch.size(), 1, h, w));
    }

    @Override
    public final org.bytedeco.pytorch.Tensor forward(ModelInput input) {
        if (!(input instanceof ImageInput in)) {
            throw new IllegalArgumentException(spec().name() + " takes zero-filled images, got " + input.getClass().getSimpleName());
        }
        return forward(in.image());
    }

    /** Reconstructions (B, 1, h, w) of zero-filled images (B, 1, h, w) on the model's device. */
    public abstract org.bytedeco.pytorch.Tensor forward(org.bytedeco.pytorch.Tensor image);

    private ImageSample asImage(Sample s) {
        if (s instanceof ImageSample i) return i;
        throw new IllegalArgumentException(spec().name() + " takes zero-filled image samples, got " + s.getClass().getSimpleName());
    }
}
