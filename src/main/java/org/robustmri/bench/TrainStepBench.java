package org.robustmri.bench;

import org.robustmri.model.ModelRegistry;
import org.robustmri.model.ModelSpec;
import org.robustmri.model.ReconstructionModel;
import org.robustmri.tensor.Torch;
import org.robustmri.train.Precision;
import org.robustmri.train.StepTimer;

import java.util.Locale;

/** Training steps of any model through the training path ({@link StepTimer}), as the reference train-step scripts time them. */
public final class TrainStepBench {
    public record Result(String model, StepTimer.Shape shape, int batch, Precision precision, Timings millis, int threads, double peakRssMiB,
                         String convolutions) {
        public String line() {
            return String.format(Locale.ROOT,
                    "java-libtorch: %s coils=%d kspace %dx%d image %dx%d batch %d %s: step ms median %.1f best %.1f over %d (%d threads); peak RSS %.0f MiB; convolutions %s",
                    model, shape.coils(), shape.kspaceHeight(), shape.kspaceWidth(), shape.height(), shape.width(), batch, precision.key(),
                    millis.median(), millis.lowest(), millis.count(), threads, peakRssMiB, convolutions);
        }
    }

    private TrainStepBench() {
    }

    /** Two untimed steps, then {@code steps} timed ones, on the best device libtorch offers. */
    public static Result run(ModelSpec spec, StepTimer.Shape shape, int batch, int steps, int threads, Precision precision) {
        ReconstructionModel m = ModelRegistry.create(spec, 0);
        m.parameters().moveTo(Torch.bestDevice());
        Timings t = Timings.of(StepTimer.millis(m, shape, batch, 2, steps, precision));
        return new Result(spec.name(), shape, batch, precision, t, threads, Timings.peakRssMiB(), Torch.convolutions());
    }
}
