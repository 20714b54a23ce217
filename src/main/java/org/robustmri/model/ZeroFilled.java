package org.robustmri.model;

import org.bytedeco.pytorch.Tensor;

import java.util.Map;

/** The zero-filled baseline as a "model" that returns its input, so it is scored exactly like trained models. */
public final class ZeroFilled extends ImageDomainModel {
    private static final ModelSpec SPEC = new ModelSpec("zero-filled", "identity", Map.of());

    public ZeroFilled() {
        super(SPEC);
    }


    @Override
    public Tensor forward(Tensor image) {
        return image;
    }
}
