package org.robustmri.train;

/**
 * Where batches come from. An epoch's batches must be a pure function of the epoch index (order, masks),
 * so a resumed run sees exactly the batches an uninterrupted one would.
 */
public interface BatchSource {
    /** How many batches epoch {@code epoch} (1-based) has; the schedule's length is the sum over epochs. */
    int batchesInEpoch(int epoch);

    /** The batches of an epoch; epoch 0 is used for validation sets (no training randomness). */
    BatchIterator epoch(int epoch);

    /** A one-line description of the data (manifest) recorded in the run's provenance. */
    String describe();
}
