/**
 * k-space undersampling masks that are bit-identical to the Python fastMRI package (v0.3,
 * {@code fastmri/data/subsample.py}) for the same seed, width and settings, plus a 2-D
 * variable-density mask ({@code variable-density-2d}) over a k-space plane.
 *
 * <p>{@link org.robustmri.mask.NumpyRandomState} reproduces numpy's legacy {@code RandomState};
 * {@link org.robustmri.mask.MaskFunction} and its subclasses reproduce fastMRI's draw order.
 * The fastMRI padding rule (zeroing columns outside the acquired band) is applied by the caller.
 */
package org.robustmri.mask;
