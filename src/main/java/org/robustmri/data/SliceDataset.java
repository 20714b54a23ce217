package org.robustmri.data;

import org.robustmri.io.FastMriFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Slices of a selection of catalog rows, read lazily from their files and turned into samples by a pluggable
 * {@link SampleTransform}.
 *
 * <p>An epoch is a plan of batches ({@link #plan(int)}: every slice once, grouped by the {@link Batching}, order
 * shuffled with the dataset seed when {@code shuffle} is on; or any explicit order such as a {@link Mixture}'s
 * draws). {@link #load} reads the batches in plan order on a pool of prefetch threads with a bounded number of
 * batches in flight; errors in a prefetch thread are rethrown to the consumer, and closing the loader stops the
 * threads. Samples are plain Java data, identical to a sequential {@link #read}, whatever the number of threads.
 *
 * <p>Volume facts ({@link VolumeInfo}: geometry, crop size, data range) are read once per volume and cached.
 */
public final class SliceDataset<T> {
    /** One slice: the volume's index in {@link #volumes()} and the slice index within the file. */
    public record SliceIndex(int volume, int slice) {
    }

    /** A batch of samples with the slices they came from. */
    public record LoadedBatch<T>(int epoch, int index, List<SliceIndex> refs, List<T> samples) {
        public LoadedBatch {
            refs = List.copyOf(refs);
            samples = Collections.unmodifiableList(new ArrayList<>(samples));
        }

        public int size() {
            return samples.size();
        }
    }

    private final List<CatalogEntry> entries;
    private final List<Path> files;
    private final SampleTransform<T> transform;
    private final MaskPolicy masks;
    private final Batching batching;
    private final boolean shuffle;
    private final long seed;
    private final boolean augment;
    private final int threads;
    private final int depth;
    private final AtomicReferenceArray<VolumeInfo> infos;
    private final Object[] locks;
    private final Map<CatalogEntry, Integer> indexOf = new HashMap<>();
    private final long totalSlices;

    private SliceDataset(Builder<T> b, List<CatalogEntry> entries, List<Path> files) {
        this.entries = List.copyOf(entries);
        this.files = List.copyOf(files);
        this.transform = b.transform;
        this.masks = b.masks;
        this.batching = b.batching;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.augment = b.augment;
        this.threads = b.threads;
        this.depth = b.depth;
        this.infos = new AtomicReferenceArray<>(entries.size());
        this.locks = new Object[entries.size()];
        long n = 0;
        for (int i = 0; i < entries.size(); i++) {
            locks[i] = new Object();
            indexOf.putIfAbsent(entries.get(i), i);
            n += entries.get(i).slices();
        }
        this.totalSlices = n;
    }

    public static <T> Builder<T> builder(SampleTransform<T> transform) {
        return new Builder<>(transform);
    }

    /** Options of a dataset; {@link #build()} resolves every file and fails clearly on an empty selection. */
    public static final class Builder<T> {
        private final SampleTransform<T> transform;
        private final List<CatalogEntry> entries = new ArrayList<>();
        private Path dataRoot;
        private MaskPolicy masks = MaskPolicy.none();
        private Batching batching = Batching.inOrder(1);
        private boolean shuffle;
        private long seed;
        private int threads = 2;
        private int depth = 8;
        private boolean augment;

        private Builder(SampleTransform<T> transform) {
            this.transform = Objects.requireNonNull(transform, "transform");
        }

        public Builder<T> entries(List<CatalogEntry> rows) {
            entries.addAll(rows);
            return this;
        }

        /** Whole volumes of files (catalogued from their headers). */
        public Builder<T> files(List<Path> paths) {
            for (Path p : paths) entries.add(CatalogScanner.describe(p, null));
            return this;
        }

        /** Rebases catalog folders onto a local copy of the data (see {@link CatalogEntry#locate}). */
        public Builder<T> dataRoot(Path root) {
            this.dataRoot = root;
            return this;
        }

        public Builder<T> masks(MaskPolicy policy) {
            this.masks = Objects.requireNonNull(policy, "mask policy");
            return this;
        }

        public Builder<T> batching(Batching b) {
            this.batching = Objects.requireNonNull(b, "batching");
            return this;
        }

        /**
         * The paper's augmentation: one draw of its three coins per batch (seeded by {@link #seed}, the epoch and the
         * batch), applied to every slice of the batch before its mask is drawn.
         */
        public Builder<T> augment(boolean on) {
            this.augment = on;
            return this;
        }

        /** Shuffle the slice order and the batch order every epoch (seeded by {@link #seed} and the epoch). */
        public Builder<T> shuffle(boolean on) {
            this.shuffle = on;
            return this;
        }

        public Builder<T> seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * Prefetch threads (0 reads on the consumer's thread) and the most batches in flight at once (read or
         * being read but not yet taken by the consumer).
         */
        public Builder<T> prefetch(int threadCount, int batchesInFlight) {
            if (threadCount < 0) throw new IllegalArgumentException("prefetch threads must be >= 0, got " + threadCount);
            if (batchesInFlight < 1) throw new IllegalArgumentException("batches in flight must be >= 1, got " + batchesInFlight);
            this.threads = threadCount;
            this.depth = batchesInFlight;
            return this;
        }

        public SliceDataset<T> build() {
            List<CatalogEntry> kept = new ArrayList<>();
            List<Path> paths = new ArrayList<>();
            for (CatalogEntry e : entries) {
                if (e.slices() == 0) continue;
                kept.add(e);
                paths.add(e.resolve(dataRoot));
            }
            if (kept.isEmpty()) {
                throw new IllegalArgumentException("empty selection: " + (entries.isEmpty() ? "no catalog rows were given"
                        : "the " + entries.size() + " selected row(s) have no slices") + "; nothing to read");
            }
            return new SliceDataset<>(this, kept, paths);
        }
    }

    // --------------------------------------------------------------------------------------------- volumes

    public int volumeCount() {
        return entries.size();
    }

    /** Slices over all volumes (each slice once per epoch with {@link #plan(int)}). */
    public long sliceCount() {
        return totalSlices;
    }

    public List<CatalogEntry> entries() {
        return entries;
    }

    public Path file(int volume) {
        return files.get(volume);
    }

    public MaskPolicy masks() {
        return masks;
    }

    public Batching batching() {
        return batching;
    }

    /** The cached facts of a volume (opens the file the first time). */
    public VolumeInfo info(int volume) {
        VolumeInfo v = infos.get(volume);
        if (v != null) return v;
        try (FastMriFile f = FastMriFile.open(files.get(volume))) {
            return info(volume, f);
        }
    }

    private VolumeInfo info(int volume, FastMriFile f) {
        VolumeInfo v = infos.get(volume);
        if (v != null) return v;
        synchronized (locks[volume]) {
            v = infos.get(volume);
            if (v == null) {
                v = VolumeInfo.inspect(volume, entries.get(volume), f);
                infos.set(volume, v);
            }
            return v;
        }
    }

    // ------------------------------------------------------------------------------------------------ plans

    /** Every slice of every volume once, in volume order (slices ascending). */
    public List<SliceIndex> allSlices() {
        List<SliceIndex> out = new ArrayList<>((int) Math.min(Integer.MAX_VALUE, totalSlices));
        for (int v = 0; v < entries.size(); v++) {
            CatalogEntry e = entries.get(v);
            for (int s = e.startSlice(); s < e.endSlice(); s++) out.add(new SliceIndex(v, s));
        }
        return out;
    }

    /** The batches of an epoch: every slice once (shuffled first when the dataset shuffles). */
    public List<List<SliceIndex>> plan(int epoch) {
        List<SliceIndex> order = allSlices();
        if (shuffle) Rng.of(seed, Rng.hash("slices"), epoch).shuffle(order);
        return plan(epoch, order);
    }

    /** Batches over an explicit epoch order (e.g. from {@link #refs(Mixture.EpochPlan)}). */
    public List<List<SliceIndex>> plan(int epoch, List<SliceIndex> order) {
        for (SliceIndex r : order) {
            if (r.volume() < 0 || r.volume() >= entries.size()) throw new IllegalArgumentException("no volume " + r.volume());
            CatalogEntry e = entries.get(r.volume());
            if (r.slice() < e.startSlice() || r.slice() >= e.endSlice()) {
                throw new IllegalArgumentException("slice " + r.slice() + " is outside [" + e.startSlice() + ", "
                        + e.endSlice() + ") of " + e);
            }
        }
        if (batching.needsShapes()) prefetchInfos();
        List<List<SliceIndex>> batches = new ArrayList<>(batching.group(order,
                v -> transform.shapeKey(info(v)), Rng.of(seed, Rng.hash("within-volume"), epoch)));
        if (shuffle) Rng.of(seed, Rng.hash("batches"), epoch).shuffle(batches);
        return batches;
    }

    /** The batches of a mixture's epoch (its draws in order, grouped by the batching). */
    public List<List<SliceIndex>> plan(int epoch, Mixture mixture) {
        return plan(epoch, refs(mixture.plan(epoch)));
    }

    /** The slices of a mixture's epoch plan, in its order; every drawn row must be in this dataset. */
    public List<SliceIndex> refs(Mixture.EpochPlan plan) {
        List<SliceIndex> out = new ArrayList<>(plan.size());
        for (Mixture.Draw d : plan.draws()) {
            Integer v = indexOf.get(d.entry());
            if (v == null) throw new IllegalArgumentException("the mixture draws " + d.entry() + " which is not in this dataset");
            out.add(new SliceIndex(v, d.slice()));
        }
        return out;
    }

    private void prefetchInfos() {
        if (threads <= 1 || entries.size() < 2) {
            for (int v = 0; v < entries.size(); v++) info(v);
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, CatalogScanner.daemonThreads("robustmri-inspect-"));
        try {
            List<Future<VolumeInfo>> fs = new ArrayList<>();
            for (int v = 0; v < entries.size(); v++) {
                int vol = v;
                fs.add(pool.submit(() -> info(vol)));
            }
            for (Future<VolumeInfo> f : fs) BatchLoader.await(f);
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------------------------------------ reads

    /** One sample, read on the calling thread. */
    public T read(SliceIndex ref, int epoch, long sampleIndex) {
        try (FastMriFile f = FastMriFile.open(files.get(ref.volume()))) {
            return read(f, ref, epoch, sampleIndex);
        }
    }

    /**
     * The index that seeds a sample's training mask: its position in the epoch, or, with the paper's batches (one
     * mask per batch), a number derived from its batch's index alone.
     */
    private long maskIndex(int batchIndex, long sampleIndex) {
        return batching.oneMaskPerBatch() ? Rng.mix(Rng.hash("batch-mask"), batchIndex) : sampleIndex;
    }

    private T read(FastMriFile f, SliceIndex ref, int epoch, long sampleIndex) {
        return read(f, ref, epoch, sampleIndex, Augmentation.NONE);
    }

    private T read(FastMriFile f, SliceIndex ref, int epoch, long sampleIndex, Augmentation augmentation) {
        VolumeInfo v = info(ref.volume(), f).augmented(augmentation);
        org.robustmri.kspace.Sampling sampling = masks.sampling(f, v, epoch, sampleIndex);
        return transform.apply(new SliceContext(f, v, ref.slice(), sampling, epoch, sampleIndex, augmentation));
    }

    /** The augmentation of batch {@code index} of an epoch (none unless the dataset augments). */
    Augmentation augmentation(int epoch, int index) {
        if (!augment) return Augmentation.NONE;
        Rng r = Rng.of(seed, Rng.hash("augment"), epoch, index);
        return Augmentation.of(r.nextDouble(), r.nextDouble(), r.nextDouble());
    }

    /** One batch read on the calling thread; consecutive slices of one volume share one open file. */
    public LoadedBatch<T> readBatch(int epoch, int index, List<SliceIndex> refs, long firstSampleIndex) {
        List<T> samples = new ArrayList<>(refs.size());
        Augmentation augmentation = augmentation(epoch, index);
        FastMriFile open = null;
        int openVolume = -1;
        try {
            for (int i = 0; i < refs.size(); i++) {
                SliceIndex r = refs.get(i);
                if (r.volume() != openVolume) {
                    if (open != null) open.close();
                    open = null;
                    open = FastMriFile.open(files.get(r.volume()));
                    openVolume = r.volume();
                }
                samples.add(read(open, r, epoch, maskIndex(index, firstSampleIndex + i), augmentation));
            }
        } finally {
            if (open != null) open.close();
        }
        return new LoadedBatch<>(epoch, index, refs, samples);
    }

    /** A prefetching iterator over the batches of {@link #plan(int)}. Close it (try-with-resources). */
    public BatchLoader<T> load(int epoch) {
        return load(epoch, plan(epoch));
    }

    /** A prefetching iterator over given batches, delivered in their order. Close it (try-with-resources). */
    public BatchLoader<T> load(int epoch, List<List<SliceIndex>> batches) {
        return new BatchLoader<>(this, epoch, batches, null);
    }

    /**
     * Batches whose samples have explicit epoch positions {@code firstSampleIndex[i] + j} (which seed their training
     * masks): a rank's shares of global batches keep the positions they have in the global plan. Shares may be empty.
     */
    public BatchLoader<T> load(int epoch, List<List<SliceIndex>> batches, long[] firstSampleIndex) {
        return new BatchLoader<>(this, epoch, batches, firstSampleIndex.clone());
    }

    int prefetchThreads() {
        return threads;
    }

    int prefetchDepth() {
        return depth;
    }

    @Override
    public String toString() {
        return "slice dataset: " + entries.size() + " volume(s), " + totalSlices + " slice(s), " + batching + ", masks "
                + masks + (shuffle ? ", shuffled with seed " + seed : "") + (augment ? ", the paper's flips and rotation" : "")
                + ", " + threads + " prefetch thread(s)";
    }
}
