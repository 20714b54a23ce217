package org.robustmri.train;

/** Progress callbacks, so the CLI can draw a progress bar without the trainer knowing about terminals. */
public interface TrainListener {
    default void onStart(int firstEpoch, int epochs, int batchesPerEpoch) {
    }

    default void onStep(int epoch, long step, double loss, double lr) {
    }

    default void onEpoch(int epoch, double meanLoss, double validationSsim) {
    }

    TrainListener NONE = new TrainListener() {
    };
}
