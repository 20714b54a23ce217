package org.robustmri.model;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.robustmri.kspace.MultiCoilMri;

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

    @Override
    public int batchSize() {
        return (int) kspace.size(0);
    }
}
