package org.robustmri.cli;

import org.robustmri.train.TrainListener;

import java.util.Locale;

/** Draws training as one progress bar over all steps, with the epoch, loss, learning rate and validation SSIM. */
final class TrainProgress implements TrainListener, AutoCloseable {
    private ProgressBar bar;

    @Override
    public void onStart(int firstEpoch, int epochs, int batchesPerEpoch) {
        bar = new ProgressBar("train", (long) (epochs - firstEpoch + 1) * batchesPerEpoch, "steps");
    }

    @Override
    public void onStep(int epoch, long step, double loss, double lr) {
        bar.suffix(String.format(Locale.ROOT, "epoch %d loss %.4f lr %.2e", epoch, loss, lr));
        bar.step();
    }

    @Override
    public void onEpoch(int epoch, double meanLoss, double validationSsim) {
        bar.suffix(String.format(Locale.ROOT, "epoch %d mean loss %.4f", epoch, meanLoss)
                + (Double.isNaN(validationSsim) ? " (no validation set)" : String.format(Locale.ROOT, " val ssim %.4f", validationSsim)));
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
