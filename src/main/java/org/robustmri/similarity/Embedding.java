package org.robustmri.similarity;

import org.bytedeco.pytorch.Tensor;

/** Maps target images to feature vectors whose cosine similarity says how alike two images look. */
public interface Embedding {
    /** What the embedding is, exactly enough to reproduce it (recorded in provenance and reports). */
    String spec();

    int dimension();

    /** {@code images}: (N, 1, H, W) float32 magnitude images of any size; result (N, dimension) float32. */
    Tensor embed(Tensor images);
}
