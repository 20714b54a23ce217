package org.robustmri.train;

/** The loss became NaN or infinite; the last complete epoch's checkpoint is kept. */
public class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
