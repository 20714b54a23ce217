package org.robustmri.train;

/**
 * The recipe of one run. Defaults are the paper's fastMRI-subset recipe (lr 1e-3, batch 1, 60 epochs,
 * 1 - SSIM, Adam, clipping at 1.0, one-cycle schedule with 1 % warm-up), in float32.
 */
public record TrainConfig(double lr, int epochs, Loss loss, double gradClip, long modelSeed, long dataSeed,
                          double pctStart, double divFactor, double finalDivFactor, Precision precision) {
    public TrainConfig {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be positive, got " + epochs);
        if (lr <= 0) throw new IllegalArgumentException("lr must be positive, got " + lr);
        if (gradClip <= 0) throw new IllegalArgumentException("grad_clip must be positive, got " + gradClip);
        if (precision == null) precision = Precision.FP32;
    }

    public static TrainConfig paper(int epochs, double lr, long modelSeed, long dataSeed) {
        return new TrainConfig(lr, epochs, Loss.SSIM, 1.0, modelSeed, dataSeed, 0.01, 25.0, 1.0, Precision.FP32);
    }

    public OneCycleSchedule schedule(long totalSteps) {
        return new OneCycleSchedule(lr, totalSteps, pctStart, divFactor, finalDivFactor);
    }
}
