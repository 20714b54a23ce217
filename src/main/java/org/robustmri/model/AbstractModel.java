package org.robustmri.model;

import org.robustmri.tensor.Torch;

/** What every model holds: its spec and its named parameters (empty for models without weights). */
public abstract class AbstractModel implements ReconstructionModel {
    protected final ModelSpec spec;
    protected final Parameters params = new Parameters();

    protected AbstractModel(ModelSpec spec) {
        Torch.init(); // before any parameter tensor exists
        this.spec = spec;
    }

    @Override
    public final ModelSpec spec() {
        return spec;
    }

    @Override
    public final Parameters parameters() {
        return params;
    }
}
