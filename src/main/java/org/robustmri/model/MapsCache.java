package org.robustmri.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.function.Supplier;

/**
 * The coil maps last estimated, found again by the exact content of the k-space and mask they came from: a lambda grid
 * that reconstructs the same slices once per lambda estimates each slice's maps once. Bounded by bytes, least recently
 * used first out; a lookup compares tensors element by element, so a hit is never a different slice.
 */
final class MapsCache {
    private static final long CAPACITY_BYTES = 256L << 20;
    private static final Deque<Entry> ENTRIES = new ArrayDeque<>();
    private static long bytes;

    private record Entry(String method, float[] weights, Tensor kspace, Tensor maps, long bytes) {
    }

    private MapsCache() {
    }

    /** The maps of {@code kspace} under {@code weights} by {@code method}, computed by {@code estimate} on a miss. */
    static synchronized Tensor get(String method, float[] weights, Tensor kspace, Supplier<Tensor> estimate) {
        for (Entry e : ENTRIES) {
            if (e.method().equals(method) && Arrays.equals(e.weights(), weights) && e.kspace().device().equals(kspace.device())
                    && Arrays.equals(e.kspace().sizes().vec().get(), kspace.sizes().vec().get()) && torch.equal(e.kspace(), kspace)) {
                ENTRIES.remove(e);
                ENTRIES.addFirst(e);
                return e.maps();
            }
        }
        Tensor maps = estimate.get();
        long size = 2 * maps.nbytes();
        if (size > CAPACITY_BYTES) return maps;
        while (bytes + size > CAPACITY_BYTES) evict();
        Tensor key = kspace.clone();
        key.retainReference();     // cached tensors outlive the caller's PointerScope
        maps.retainReference();
        ENTRIES.addFirst(new Entry(method, weights, key, maps, size));
        bytes += size;
        return maps;
    }

    /** Frees every cached tensor. */
    static synchronized void clear() {
        while (!ENTRIES.isEmpty()) evict();
    }

    private static void evict() {
        Entry e = ENTRIES.removeLast();
        e.kspace().releaseReference();
        e.maps().releaseReference();
        bytes -= e.bytes();
    }
}
