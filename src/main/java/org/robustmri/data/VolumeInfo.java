package org.robustmri.data;

import java.nio.file.Path;

/**
 * What a slice dataset knows about one volume, read once from its header and dataset shapes and cached.
 *
 * @param index        position of the volume in the dataset
 * @param entry        the catalog row
 * @param file         the file (after rebasing onto the data root)
 * @param fileSlices   slices of the k-space in the file
 * @param coils        receiver coils of the k-space (1 for single-coil)
 * @param kspaceHeight k-space rows (readout)
 * @param kspaceWidth  k-space columns (phase encode)
 * @param cropHeight   image height: the target's (or the header's recon size), as {@link ZeroFill#cropSize}
 * @param cropWidth    image width
 * @param targetKey    {@code reconstruction_rss}, {@code reconstruction_esc} or null when the file has no target
 * @param maxValue     the target volume's max: the root attribute {@code max}, else computed from the target; NaN
 *                     without a target
 * @param padLeft      first column inside the header's encoding limits
 * @param padRight     end (exclusive) of the columns inside the encoding limits
 */
public record VolumeInfo(int index, CatalogEntry entry, Path file, int fileSlices, int coils, int kspaceHeight,
                         int kspaceWidth, int cropHeight, int cropWidth, String targetKey, double maxValue,
                         int padLeft, int padRight) {

    /** The bare file name, which seeds test-time masks. */
    public String fileName() {
        return file.getFileName().toString();
    }

    public int startSlice() {
        return entry.startSlice();
    }

    public int endSlice() {
        return entry.endSlice();
    }

    public int slices() {
        return entry.slices();
    }
}
