package org.robustmri.model;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

/** Zero-filled magnitude images (B, 1, h, w), the input of image-domain models. */
public record ImageInput(Tensor image) implements ModelInput {
    @Override
    public ImageInput to(Device device) {
        return image.device().equals(device) ? this : new ImageInput(image.to(device, image.scalar_type()));
    }

    @Override
    public int batchSize() {
        return (int) image.size(0);
    }
}
