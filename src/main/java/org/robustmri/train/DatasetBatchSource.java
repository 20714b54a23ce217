package org.robustmri.train;

import org.robustmri.data.ImageSample;
import org.robustmri.data.Mixture;
import org.robustmri.data.SliceDataset;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Batches from a {@link SliceDataset} of image samples: every slice once per epoch, or the epoch plan of a
 * {@link Mixture}. Plans are pure functions of the epoch, so resumed runs see the same batches.
 */
public final class DatasetBatchSource implements BatchSource {
    private final SliceDataset<ImageSample> dataset;
    private final Mixture mixture;
    private final String description;
    private final Map<Integer, List<List<SliceDataset.SliceRef>>> plans = new HashMap<>();

    public DatasetBatchSource(SliceDataset<ImageSample> dataset, Mixture mixture, String description) {
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
        SliceDataset.Loader<ImageSample> loader = dataset.load(epoch, batches);
        return new BatchIterator() {
            @Override
            public boolean hasNext() {
                return loader.hasNext();
            }

            @Override
            public Batch next() {
                SliceDataset.Batch<ImageSample> b = loader.next();
                List<ImageSample> s = b.samples();
                int h = s.get(0).height(), w = s.get(0).width(), plane = h * w;
                float[] in = new float[s.size() * plane], tg = new float[s.size() * plane], range = new float[s.size()];
                for (int i = 0; i < s.size(); i++) {
                    ImageSample x = s.get(i);
                    if (x.height() != h || x.width() != w) {
                        throw new IllegalStateException("batch mixes shapes: " + x.fileName());
                    }
                    System.arraycopy(x.input(), 0, in, i * plane, plane);
                    System.arraycopy(x.target(), 0, tg, i * plane, plane);
                    range[i] = (float) x.maxValue();
                }
                return new Batch(in, tg, range, s.size(), h, w, s.get(0).fileName());
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
