package org.robustmri.train;

import java.util.Iterator;

/**
 * Where batches come from. An epoch's batches must be a pure function of the epoch index (order, masks),
 * so a resumed run sees exactly the batches an uninterrupted one would.
 */
public interface BatchSource {
    int batchesPerEpoch();

    Iterator<Batch> epoch(int epoch);

    /** A one-line description of the data (manifest) recorded in the run's provenance. */
    String describe();
}
