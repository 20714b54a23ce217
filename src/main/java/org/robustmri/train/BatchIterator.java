package org.robustmri.train;

import java.util.Iterator;

/** The batches of one epoch; closing it stops any read-ahead. */
public interface BatchIterator extends Iterator<Batch>, AutoCloseable {
    @Override
    void close();

    static BatchIterator of(Iterator<Batch> it) {
        return new BatchIterator() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Batch next() {
                return it.next();
            }

            @Override
            public void close() {
            }
        };
    }
}
