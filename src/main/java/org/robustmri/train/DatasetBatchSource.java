package org.robustmri.train;

import org.robustmri.data.Sample;
import org.robustmri.data.Mixture;
import org.robustmri.data.SliceDataset;
import org.robustmri.data.BatchLoader;

import java.util.List;
import java.util.Map;

/**
 * Batches from a {@link SliceDataset} of a model's samples: every slice once per epoch, or the epoch plan of a
 * {@link Mixture}. Plans are pure functions of the epoch, computed when needed and dropped after (never every
 * epoch's at once), so resumed runs see the same batches. In data-parallel training each rank takes its contiguous
 * share of every global batch, its samples keeping their global positions (and so their training masks).
 */
public final class DatasetBatchSource implements BatchSource {
    private final SliceDataset<? extends Sample> dataset;
    private final Mixture mixture;
    private final String description;
    private final int rank;
    private final int world;
    private int cachedEpoch = Integer.MIN_VALUE;
    private List<List<SliceDataset.SliceIndex>> cachedPlan;

    public DatasetBatchSource(SliceDataset<? extends Sample> dataset, Mixture mixture, String description) {
        this(dataset, mixture, description, 0, 1);
    }

    public DatasetBatchSource(SliceDataset<? extends Sample> dataset, Mixture mixture, String description, int rank, int world) {
        this.dataset = dataset;
        this.mixture = mixture;
        this.description = description;
        this.rank = rank;
        this.world = world;
    }

    /** The same batches, each cut into this rank's share. */
    public DatasetBatchSource forRank(int r, int w) {
        return new DatasetBatchSource(dataset, mixture, description, r, w);
    }

    /** The global plan of an epoch; only the latest is kept. */
    private synchronized List<List<SliceDataset.SliceIndex>> plan(int epoch) {
        if (epoch != cachedEpoch) {
            cachedPlan = mixture == null ? dataset.plan(epoch) : dataset.plan(epoch, mixture);
            cachedEpoch = epoch;
        }
        return cachedPlan;
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
        List<List<SliceDataset.SliceIndex>> global = plan(epoch);
        List<List<SliceDataset.SliceIndex>> shares = new java.util.ArrayList<>(global.size());
        long[] first = new long[global.size()];
        int[] sizes = new int[global.size()];
        long n = 0;
        for (int i = 0; i < global.size(); i++) {
            List<SliceDataset.SliceIndex> b = global.get(i);
            int from = (int) ((long) b.size() * rank / world), to = (int) ((long) b.size() * (rank + 1) / world);
            shares.add(b.subList(from, to));
            first[i] = n + from;
            sizes[i] = b.size();
            n += b.size();
        }
        BatchLoader<? extends Sample> loader = dataset.load(epoch, shares, first);
        return new BatchIterator() {
            private int index;

            @Override
            public boolean hasNext() {
                return loader.hasNext();
            }

            @Override
            public Batch next() {
                SliceDataset.LoadedBatch<? extends Sample> b = loader.next();
                int size = sizes[index++];
                return new Batch(b.samples(), b.samples().isEmpty() ? "" : b.samples().get(0).fileName(), size);
            }

            @Override
            public void close() {
                loader.close();
            }
        };
    }

    /** How the dataset groups slices into batches. */
    public String describeBatching() {
        return dataset.batching().toString();
    }

    @Override
    public String describe() {
        return description;
    }
}
