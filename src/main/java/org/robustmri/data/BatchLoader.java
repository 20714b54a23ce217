package org.robustmri.data;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Batches of one epoch in plan order, read ahead on the dataset's prefetch threads with at most the configured
 * number of batches in flight. An exception thrown while reading a batch is rethrown by {@link #next()} (and
 * the loader closes); {@link #close()} cancels outstanding reads and stops the threads.
 */
public final class BatchLoader<T> implements Iterator<SliceDataset.LoadedBatch<T>>, AutoCloseable {
    private final SliceDataset<T> dataset;
    private final int epoch;
    private final List<List<SliceDataset.SliceIndex>> batches;
    private final long[] firstIndex;
    private final ExecutorService pool;
    private final ArrayDeque<Future<SliceDataset.LoadedBatch<T>>> inFlight = new ArrayDeque<>();
    private int submitted;
    private int returned;
    private boolean closed;

    BatchLoader(SliceDataset<T> dataset, int epoch, List<List<SliceDataset.SliceIndex>> batches, long[] firstSampleIndex) {
        this.dataset = dataset;
        this.epoch = epoch;
        this.batches = List.copyOf(batches);
        if (firstSampleIndex != null) {
            if (firstSampleIndex.length != this.batches.size()) throw new IllegalArgumentException("one first index per batch needed");
            this.firstIndex = firstSampleIndex;
        } else {
            this.firstIndex = new long[this.batches.size()];
            long n = 0;
            for (int i = 0; i < firstIndex.length; i++) {
                firstIndex[i] = n;
                n += this.batches.get(i).size();
            }
        }
        if (dataset.prefetchThreads() == 0) {
            this.pool = null;
        } else {
            // idle threads of a loader that was abandoned without close() end on their own
            ThreadPoolExecutor p = new ThreadPoolExecutor(dataset.prefetchThreads(), dataset.prefetchThreads(), 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), CatalogScanner.daemonThreads("robustmri-prefetch-"));
            p.allowCoreThreadTimeOut(true);
            this.pool = p;
        }
        fill();
    }

    /** Number of batches in this epoch. */
    public int batchCount() {
        return batches.size();
    }

    private void fill() {
        if (pool == null || closed) return;
        while (inFlight.size() < dataset.prefetchDepth() && submitted < batches.size()) {
            int i = submitted++;
            inFlight.add(pool.submit(() -> dataset.readBatch(epoch, i, batches.get(i), firstIndex[i])));
        }
    }

    @Override
    public boolean hasNext() {
        boolean more = !closed && returned < batches.size();
        if (!more) close();
        return more;
    }

    @Override
    public SliceDataset.LoadedBatch<T> next() {
        if (closed) throw new NoSuchElementException("the loader is closed");
        if (returned >= batches.size()) {
            close();
            throw new NoSuchElementException("no more batches in epoch " + epoch);
        }
        SliceDataset.LoadedBatch<T> b;
        try {
            if (pool == null) {
                int i = returned;
                b = dataset.readBatch(epoch, i, batches.get(i), firstIndex[i]);
            } else {
                b = await(inFlight.poll());
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        returned++;
        fill();
        if (returned == batches.size()) close();
        return b;
    }

    /** Cancels outstanding reads and stops the prefetch threads; safe to call more than once. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (Future<SliceDataset.LoadedBatch<T>> f : inFlight) f.cancel(true);
        inFlight.clear();
        if (pool != null) {
            pool.shutdownNow();
            try {
                // a read blocked in native code finishes its slice and then sees the interrupt
                pool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for a future and rethrows what its task threw, unchanged when unchecked. */
    static <V> V await(Future<V> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for a prefetched batch");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new IllegalStateException(c);
        }
    }
}
