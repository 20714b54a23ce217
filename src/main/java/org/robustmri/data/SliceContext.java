package org.robustmri.data;

import org.robustmri.io.FastMriFile;
import org.robustmri.kspace.Sampling;

/**
 * Everything a {@link SampleTransform} gets for one slice: the open file, the cached volume facts, the slice
 * index within the file, the undersampling chosen for this sample, and where the sample sits in its epoch.
 *
 * @param sampleIndex position of the sample in the epoch's plan (seeds training masks)
 */
public record SliceContext(FastMriFile file, VolumeInfo volume, int slice, Sampling sampling, int epoch,
                           long sampleIndex) {
}
