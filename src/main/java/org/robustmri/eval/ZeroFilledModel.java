package org.robustmri.eval;

import org.bytedeco.pytorch.Tensor;
import org.robustmri.model.ModelSpec;
import org.robustmri.model.Parameters;
import org.robustmri.model.ReconstructionModel;

/** The zero-filled baseline as a "model" that returns its input, so it is scored exactly like trained models. */
public final class ZeroFilledModel implements ReconstructionModel {
    private static final ModelSpec SPEC = new ModelSpec("zero-filled", "identity", 1, 1, 1, 1, 0.0);
    private final Parameters params = new Parameters();

    @Override
    public ModelSpec spec() {
        return SPEC;
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public Tensor forward(Tensor input) {
        return input;
    }
}
