package org.robustmri.convert;

import java.util.Locale;

/**
 * How to read the inputs of {@code convert}.
 *
 * @param from        {@code ismrmrd}, {@code cfl}, {@code npy}, {@code mat} or {@code fastmri}; null: from each file
 * @param preset      one of the paper's sources ({@link Preset}), or null
 * @param fields      header fields and attributes set by the user (over what the source states)
 * @param key         the variable of a MATLAB file (or the dataset of an HDF5 array)
 * @param layout      the array's dimensions ({@link AxisLayout}); null: the format's default
 * @param imageDomain the array holds coil images, not k-space
 * @param recon       the reconstruction (target) size {h, w}; null: the header's, else the whole image
 * @param removeReadoutOversampling cut the readout to the reconstruction height in the image domain
 *                    ({@link KspaceVolume#withoutReadoutOversampling()}); fastMRI keeps it
 * @param ismrmrd     averages, repetitions, contrasts, 3-D slicing and prewhitening of ISMRMRD data
 */
public record ConvertOptions(String from, String preset, VolumeFields fields, String key, String layout, boolean imageDomain,
                             int[] recon, boolean removeReadoutOversampling, IsmrmrdConversion.Options ismrmrd) {
    public static ConvertOptions defaults() {
        return new ConvertOptions(null, null, VolumeFields.none(), null, null, false, null, false, IsmrmrdConversion.Options.defaults());
    }

    /** Parses {@code HxW}. */
    public static int[] size(String hxw) {
        if (hxw == null) return null;
        String[] p = hxw.toLowerCase(Locale.ROOT).split("x");
        try {
            if (p.length != 2) throw new NumberFormatException();
            int h = Integer.parseInt(p[0].trim()), w = Integer.parseInt(p[1].trim());
            if (h < 1 || w < 1) throw new NumberFormatException();
            return new int[]{h, w};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a size is HxW with positive integers, got '" + hxw + "'");
        }
    }
}
