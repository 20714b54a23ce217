package org.robustmri.data;

import org.robustmri.io.KspaceGeometry;
import org.robustmri.io.DataException;
import org.robustmri.io.FastMriFile;
import org.robustmri.io.IsmrmrdHeader;

import java.nio.file.Path;

/**
 * What is known about one volume before its slices are read, from its header and dataset shapes (cached by a
 * {@link SliceDataset}).
 *
 * @param index        position of the volume in its dataset (0 for a lone file)
 * @param entry        the catalog row; null for a whole file opened directly
 * @param file         the file (after rebasing onto the data root)
 * @param fileSlices   slices of the k-space in the file
 * @param coils        receiver coils of the k-space (1 for single-coil)
 * @param kspaceHeight k-space rows (readout)
 * @param kspaceWidth  k-space columns (phase encode)
 * @param cropHeight   reconstruction height, {@link #cropSize}
 * @param cropWidth    reconstruction width
 * @param targetKey    {@code reconstruction_rss}, {@code reconstruction_esc} or null when the file has no target
 * @param maxValue     the data range, {@link FastMriFile#targetMax()}; NaN without a target
 * @param padLeft      first column inside the header's encoding limits
 * @param padRight     end (exclusive) of the columns inside the encoding limits
 */
public record VolumeInfo(int index, CatalogEntry entry, Path file, int fileSlices, int coils, int kspaceHeight,
                         int kspaceWidth, int cropHeight, int cropWidth, String targetKey, double maxValue,
                         int padLeft, int padRight) {

    /** The facts of an open file; {@code entry} (may be null) limits the slices. */
    public static VolumeInfo inspect(int index, CatalogEntry entry, FastMriFile f) {
        KspaceGeometry g = f.kspace();
        if (entry != null && entry.endSlice() > g.slices()) {
            throw new DataException(f.path(), "catalog slice range [" + entry.startSlice() + ", " + entry.endSlice()
                    + ") exceeds the file's " + g.slices() + " slices");
        }
        String targetKey = f.targetKey().orElse(null);
        int[] crop = cropSize(f);
        double max = targetKey == null ? Double.NaN : f.targetMax();
        int left = 0, right = g.width();
        var header = f.header();
        if (header.isPresent() && header.get().hasEncodingLimits()) {
            IsmrmrdHeader h = header.get();
            left = Math.max(0, h.paddingLeft());
            right = Math.min(g.width(), h.paddingRight());
        }
        return new VolumeInfo(index, entry, f.path(), g.slices(), g.coils(), g.height(), g.width(), crop[0], crop[1],
                targetKey, max, left, right);
    }

    /**
     * fastMRI's reconstruction size: the target's shape when the file has one, else the header's recon size, else the
     * whole k-space; when the k-space is narrower than the crop, a square of the k-space width (fastMRI's FLAIR-203
     * rule).
     */
    public static int[] cropSize(FastMriFile f) {
        int h, w;
        var key = f.targetKey();
        if (key.isPresent()) {
            int[] s = f.shapeOf(key.get());
            h = s[s.length - 2];
            w = s[s.length - 1];
        } else if (f.header().isPresent()) {
            h = f.header().get().reconX();
            w = f.header().get().reconY();
        } else {
            return new int[]{f.kspace().height(), f.kspace().width()};
        }
        int width = f.kspace().width();
        if (width < w) {
            h = width;
            w = width;
        }
        if (h > f.kspace().height() || w > width || h <= 0 || w <= 0) {
            throw new DataException(f.path(), "crop size " + h + "x" + w + " does not fit k-space "
                    + f.kspace().height() + "x" + width);
        }
        return new int[]{h, w};
    }

    /**
     * Refuses a file whose reconstruction could not be scored against its own target: k-space narrower than the target
     * (fastMRI's square crop would give a smaller image than the target) or a crop too small for SSIM's 7x7 window.
     */
    public static void checkScorable(FastMriFile f) {
        var key = f.targetKey();
        int width = f.kspace().width();
        if (key.isPresent()) {
            int[] s = f.shapeOf(key.get());
            if (width < s[s.length - 1]) {
                throw new DataException(f.path(), "k-space is " + width + " columns wide, narrower than the " + s[s.length - 2] + "x"
                        + s[s.length - 1] + " target " + key.get() + ": its reconstruction could not be compared with the target");
            }
        }
        int[] crop = cropSize(f);
        if (crop[0] < 7 || crop[1] < 7) {
            throw new DataException(f.path(), "reconstruction size " + crop[0] + "x" + crop[1] + " is smaller than SSIM's 7x7 window");
        }
    }

    /** A warning when the target's shape disagrees with the header's recon size (the target's shape is used). */
    public static java.util.Optional<String> targetHeaderMismatch(FastMriFile f) {
        var key = f.targetKey();
        var header = f.header();
        if (key.isEmpty() || header.isEmpty()) return java.util.Optional.empty();
        int[] s = f.shapeOf(key.get());
        int h = header.get().reconX(), w = header.get().reconY();
        if (s[s.length - 2] == h && s[s.length - 1] == w) return java.util.Optional.empty();
        return java.util.Optional.of(f.path() + ": " + key.get() + " is " + s[s.length - 2] + "x" + s[s.length - 1]
                + " but the header's recon size is " + h + "x" + w + "; the target's shape is used");
    }

    /** A note when the crop size does not come from the file's target: the header's recon size, or the whole image. */
    public static java.util.Optional<String> cropNote(FastMriFile f) {
        if (f.targetKey().isPresent()) return java.util.Optional.empty();
        int[] c = cropSize(f);
        return java.util.Optional.of(f.path() + ": no target; " + (f.header().isPresent() ? "the header's recon size " + c[0] + "x" + c[1]
                : "no ISMRMRD header either: the whole " + c[0] + "x" + c[1] + " image") + " is reconstructed (--crop HxW for another size)");
    }

    /** The same volume reconstructed at another size (a user's {@code --crop}), which must fit the k-space. */
    /** The facts of this volume's slices after {@code a}: sizes swapped by a rotation, the window as {@link Augmentation#window}. */
    public VolumeInfo augmented(Augmentation a) {
        if (a.equals(Augmentation.NONE)) return this;
        int[] window = a.window(padLeft, padRight, kspaceHeight, kspaceWidth);
        return a.rotate()
                ? new VolumeInfo(index, entry, file, fileSlices, coils, kspaceWidth, kspaceHeight, cropWidth, cropHeight, targetKey, maxValue, window[0], window[1])
                : new VolumeInfo(index, entry, file, fileSlices, coils, kspaceHeight, kspaceWidth, cropHeight, cropWidth, targetKey, maxValue, window[0], window[1]);
    }

    public VolumeInfo withCrop(int[] crop) {
        if (crop == null) return this;
        if (crop[0] > kspaceHeight || crop[1] > kspaceWidth) {
            throw new DataException(file, "--crop " + crop[0] + "x" + crop[1] + " does not fit the k-space " + kspaceHeight + "x" + kspaceWidth);
        }
        return new VolumeInfo(index, entry, file, fileSlices, coils, kspaceHeight, kspaceWidth, crop[0], crop[1], targetKey, maxValue, padLeft, padRight);
    }

    /** The bare file name, which seeds test-time masks. */
    public String fileName() {
        return file.getFileName().toString();
    }

    public int startSlice() {
        return entry == null ? 0 : entry.startSlice();
    }

    public int endSlice() {
        return entry == null ? fileSlices : entry.endSlice();
    }

    public int slices() {
        return endSlice() - startSlice();
    }

    /** The target slice, centre-cropped to the reconstruction size; null when there is no target and none is required. */
    public float[] readTarget(FastMriFile f, int slice, boolean required) {
        if (targetKey == null) {
            if (required) throw new DataException(f.path(), "no target dataset ('reconstruction_rss' or 'reconstruction_esc')");
            return null;
        }
        int[] shape = f.shapeOf(targetKey);
        int th = shape[shape.length - 2], tw = shape[shape.length - 1];
        return centerCrop(f.readFloatSlice(targetKey, slice), th, tw, cropHeight, cropWidth);
    }

    /** fastMRI's centre crop, offsets {@code (size - crop) // 2}; the same array when nothing is cropped. */
    static float[] centerCrop(float[] img, int height, int width, int h, int w) {
        if (h == height && w == width) return img;
        if (h > height || w > width) throw new IllegalArgumentException("cannot crop " + height + "x" + width + " to " + h + "x" + w);
        int top = Math.floorDiv(height - h, 2), left = Math.floorDiv(width - w, 2);
        float[] out = new float[h * w];
        for (int y = 0; y < h; y++) System.arraycopy(img, (top + y) * width + left, out, y * w, w);
        return out;
    }
}
