package org.robustmri.train;

import org.robustmri.data.Sample;

import java.util.List;

/**
 * One training batch: samples of one shape, made by the model's own transform, and the volume they start from. In
 * data-parallel training it is this rank's share of a global batch of {@code globalSize} samples (possibly empty).
 */
public record Batch(List<? extends Sample> samples, String volume, int globalSize) {
    public Batch {
        if (samples.isEmpty() && globalSize == samples.size()) throw new IllegalArgumentException("empty batch");
        if (globalSize < samples.size()) throw new IllegalArgumentException("global batch smaller than its share");
        samples = List.copyOf(samples);
    }

    public Batch(List<? extends Sample> samples, String volume) {
        this(samples, volume, samples.size());
    }

    public int size() {
        return samples.size();
    }
}
