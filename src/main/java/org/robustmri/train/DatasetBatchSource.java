package org.robustmri.train;

import org.robustmri.data.Sample;
import org.robustmri.data.Mixture;
import org.robustmri.data.SliceDataset;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Batches from a {@link SliceDataset} of a model's samples: every slice once per epoch, or the epoch plan of a
 * {@link Mixture}. Plans are pure functions of the epoch, so resumed runs see the same batches.
 */
public final class DatasetBatchSource implements BatchSource {
    private final SliceDataset<? extends Sample> dataset;
    private final Mixture mixture;
    private final String description;
    private final Map<Integer, List<List<SliceDataset.SliceRef>>> plans = new HashMap<>();

    public DatasetBatchSource(SliceDataset<? extends Sample> dataset, Mixture mixture, String description) {
        this.dataset = dataset;
        this.mixture = mixture;
        this.description = description;
    }

    private synchronized List<List<SliceDataset.SliceRef>> plan(int epoch) {
        return plans.computeIfAbsent(epoch, e -> mixture == null ? dataset.plan(e) : dataset.plan(e, mixture));
    }

    /** The realised slice counts per distribution of an epoch (mixtures only). */
    public Map<String, Integer> realisedCounts(int epoch) {
        return mixture == null ? Map.of() : mixture.plan(epoch).sliceCounts();
    }

    @Override
    public int batchesInEpoch(int epoch) {
        return plan(epoch).size();
    }

    @Override
    public BatchIterator epoch(int epoch) {
        List<List<SliceDataset.SliceRef>> batches = plan(epoch);
        plans.remove(epoch); // plans are cheap to rebuild; do not hold every epoch's plan
        SliceDataset.Loader<? extends Sample> loader = dataset.load(epoch, batches);
        return new BatchIterator() {
            @Override
            public boolean hasNext() {
                return loader.hasNext();
            }

            @Override
            public Batch next() {
                SliceDataset.Batch<? extends Sample> b = loader.next();
                return new Batch(b.samples(), b.samples().get(0).fileName());
            }

            @Override
            public void close() {
                loader.close();
            }
        };
    }

    @Override
    public String describe() {
        return description;
    }
}
