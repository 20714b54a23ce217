package org.robustmri.io;

import java.util.Arrays;

/**
 * A dense array as another tool's file holds it: its shape in that tool's own dimension order (numpy's {@code shape},
 * MATLAB's {@code size}, BART's dims), whether the first dimension varies fastest in memory (Fortran order: MATLAB,
 * BART) or the last (C order: numpy by default), and its values as float32, complex ones as (real, imaginary) pairs.
 */
public record NdArray(long[] shape, boolean complex, boolean fortranOrder, float[] data) {
    public NdArray {
        shape = shape.clone();
        long n = elements(shape);
        if (data.length != n * (complex ? 2 : 1)) {
            throw new IllegalArgumentException("an array of shape " + Arrays.toString(shape) + " needs " + n * (complex ? 2 : 1)
                    + " floats, got " + data.length);
        }
    }

    public static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long elements() {
        return elements(shape);
    }

    /** Elements between neighbours along {@code dim}. */
    public long stride(int dim) {
        long s = 1;
        if (fortranOrder) {
            for (int d = 0; d < dim; d++) s *= shape[d];
        } else {
            for (int d = shape.length - 1; d > dim; d--) s *= shape[d];
        }
        return s;
    }

    public String describe() {
        return (complex ? "complex" : "real") + " " + Arrays.toString(shape) + (fortranOrder ? " (Fortran order)" : "");
    }
}
