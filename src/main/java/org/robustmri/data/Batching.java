package org.robustmri.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How an epoch's slices are grouped into batches (before the batch order is shuffled, when the dataset shuffles).
 * <ul>
 *   <li>{@link #inOrder(int)}: consecutive runs of the epoch order ({@code inOrder(1)} is one slice per batch);</li>
 *   <li>{@link #sameVolume(int, boolean)}: ours (not the paper's, see {@link #paper}): up to B slices of one volume: consecutive slices,
 *       or the volume's slices in a seeded random order (new every epoch); every slice still comes once per
 *       epoch, the last batch of a volume may be smaller;</li>
 *   <li>{@link #shapeBucketed(int)}: up to B slices whose samples have the same shape, from any volumes.</li>
 *   <li>{@link #paper(int)}: the paper's batches (its {@code SliceDataset} with {@code batch_size} B): {@code n // B}
 *       draws per epoch, each one random slice of the epoch's {@code n} (with replacement across draws) plus
 *       {@code min(B, slices of its volume) - 1} other random slices of the same volume; not every slice is seen
 *       every epoch. The training masks of such a batch are one mask per batch, as the paper's loader draws them.</li>
 * </ul>
 */
public final class Batching {
    private enum Kind { IN_ORDER, SAME_VOLUME, SHAPE, PAPER }

    private final Kind kind;
    private final int size;
    private final boolean consecutive;

    private Batching(Kind kind, int size, boolean consecutive) {
        if (size < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + size);
        this.kind = kind;
        this.size = size;
        this.consecutive = consecutive;
    }

    public static Batching inOrder(int size) {
        return new Batching(Kind.IN_ORDER, size, false);
    }

    public static Batching sameVolume(int size, boolean consecutiveSlices) {
        return new Batching(Kind.SAME_VOLUME, size, consecutiveSlices);
    }

    public static Batching shapeBucketed(int size) {
        return new Batching(Kind.SHAPE, size, false);
    }

    public static Batching paper(int size) {
        return new Batching(Kind.PAPER, size, false);
    }

    /** True for the paper's batches, whose samples share one training mask. */
    public boolean oneMaskPerBatch() {
        return kind == Kind.PAPER;
    }

    public int size() {
        return size;
    }

    /** Groups an epoch order into batches; {@code shapeKey} gives the sample shape of a slice's volume. */
    List<List<SliceDataset.SliceIndex>> group(List<SliceDataset.SliceIndex> order, Function<Integer, Object> shapeKey, Rng rng) {
        List<List<SliceDataset.SliceIndex>> out = new ArrayList<>();
        switch (kind) {
            case IN_ORDER -> chunk(order, out);
            case SAME_VOLUME -> {
                Map<Integer, List<SliceDataset.SliceIndex>> byVolume = new LinkedHashMap<>();
                for (SliceDataset.SliceIndex r : order) byVolume.computeIfAbsent(r.volume(), k -> new ArrayList<>()).add(r);
                for (List<SliceDataset.SliceIndex> v : byVolume.values()) {
                    if (consecutive) {
                        v.sort((a, b) -> Integer.compare(a.slice(), b.slice()));
                    } else {
                        rng.shuffle(v);
                    }
                    chunk(v, out);
                }
            }
            case SHAPE -> {
                Map<Object, List<SliceDataset.SliceIndex>> byShape = new LinkedHashMap<>();
                for (SliceDataset.SliceIndex r : order) byShape.computeIfAbsent(shapeKey.apply(r.volume()), k -> new ArrayList<>()).add(r);
                for (List<SliceDataset.SliceIndex> v : byShape.values()) chunk(v, out);
            }
            case PAPER -> {
                if (order.isEmpty()) return out;
                Map<Integer, List<Integer>> slicesOf = new LinkedHashMap<>();
                for (SliceDataset.SliceIndex r : order) {
                    List<Integer> l = slicesOf.computeIfAbsent(r.volume(), k -> new ArrayList<>());
                    if (!l.contains(r.slice())) l.add(r.slice());
                }
                int draws = Math.max(1, order.size() / size);
                for (int d = 0; d < draws; d++) {
                    SliceDataset.SliceIndex first = order.get(rng.nextInt(order.size()));
                    List<Integer> others = new ArrayList<>(slicesOf.get(first.volume()));
                    others.remove(Integer.valueOf(first.slice()));
                    rng.shuffle(others);
                    List<SliceDataset.SliceIndex> batch = new ArrayList<>();
                    batch.add(first);
                    for (int i = 0; i < Math.min(size, others.size() + 1) - 1; i++) {
                        batch.add(new SliceDataset.SliceIndex(first.volume(), others.get(i)));
                    }
                    out.add(List.copyOf(batch));
                }
            }
        }
        return out;
    }

    boolean needsShapes() {
        return kind == Kind.SHAPE;
    }

    private void chunk(List<SliceDataset.SliceIndex> refs, List<List<SliceDataset.SliceIndex>> out) {
        for (int i = 0; i < refs.size(); i += size) out.add(List.copyOf(refs.subList(i, Math.min(refs.size(), i + size))));
    }

    @Override
    public String toString() {
        return switch (kind) {
            case IN_ORDER -> "in order, " + size + " per batch";
            case SAME_VOLUME -> size + " " + (consecutive ? "consecutive" : "random") + " slices of one volume per batch";
            case SHAPE -> size + " slices of one shape per batch";
            case PAPER -> "the paper's batches: n // " + size + " draws of a random slice plus " + (size - 1)
                    + " random slices of its volume, one mask per batch";
        };
    }
}
