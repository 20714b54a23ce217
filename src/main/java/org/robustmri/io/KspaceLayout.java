package org.robustmri.io;

/** How complex k-space is stored in a file. Both hold interleaved (real, imaginary) float32 pairs in memory order. */
public enum KspaceLayout {
    /** fastMRI's own files: an HDF5 compound of two float32 fields {@code r} and {@code i}. */
    COMPLEX_COMPOUND,
    /** float32 with a trailing axis of 2 (real, imaginary), as fastMRI's {@code to_tensor} produces; written by us. */
    FLOAT_TRAILING_PAIR;

    /** Root attribute that marks files written with {@link #FLOAT_TRAILING_PAIR}. */
    public static final String ATTRIBUTE = "kspace_layout";
    public static final String TRAILING_PAIR_VALUE = "float32-trailing-real-imag";
}
