package org.robustmri.model;

import org.bytedeco.pytorch.Device;

/** The input tensors of one batch, as a model's {@link ReconstructionModel#collate} makes them. */
public interface ModelInput {
    /** The same input on {@code device} (this object when it is there already). */
    ModelInput to(Device device);

    int batchSize();
}
