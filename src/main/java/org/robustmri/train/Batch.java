package org.robustmri.train;

import org.robustmri.data.Sample;

import java.util.List;

/** One training batch: samples of one shape, made by the model's own transform, and the volume they start from. */
public record Batch(List<? extends Sample> samples, String volume) {
    public Batch {
        if (samples.isEmpty()) throw new IllegalArgumentException("empty batch");
        samples = List.copyOf(samples);
    }

    public int size() {
        return samples.size();
    }
}
