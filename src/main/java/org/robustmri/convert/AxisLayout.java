package org.robustmri.convert;

import org.robustmri.io.NdArray;

import java.util.Arrays;
import java.util.Locale;

/**
 * What each dimension of another tool's array means, one letter per dimension in the file's own order (numpy's
 * {@code shape}, MATLAB's {@code size}, BART's dims): {@code H} readout (fastMRI's rows), {@code W} phase encode
 * (columns), {@code C} coils, {@code S} slices, {@code Z} a 3-D partition encode (inverse-FFT'd into slices), {@code 1}
 * a dimension of size one. Trailing dimensions beyond the letters must have size one (BART writes 16).
 */
public record AxisLayout(String letters) {
    public AxisLayout {
        letters = letters.toUpperCase(Locale.ROOT);
        if (!letters.matches("[HWCSZ1]+")) {
            throw new IllegalArgumentException("layout '" + letters + "' may only use H (readout), W (phase encode), C (coils), S (slices), "
                    + "Z (3-D partition encode) and 1");
        }
        for (char c : "HWCSZ".toCharArray()) {
            if (letters.indexOf(c) != letters.lastIndexOf(c)) throw new IllegalArgumentException("layout '" + letters + "' names " + c + " twice");
        }
        if (letters.indexOf('H') < 0 || letters.indexOf('W') < 0) throw new IllegalArgumentException("layout '" + letters + "' needs H and W");
        if (letters.indexOf('S') >= 0 && letters.indexOf('Z') >= 0) throw new IllegalArgumentException("layout '" + letters + "' has both S and Z");
    }

    /** The layout assumed when none is given: by format and number of (non-trailing-singleton) dimensions. */
    public static AxisLayout defaultFor(String format, long[] shape) {
        int n = shape.length;
        while (n > 2 && shape[n - 1] == 1 && format.equals("cfl")) n--;
        String l = switch (format) {
            case "cfl" -> n <= 2 ? "HW" : n == 3 ? "HWS" : "HWSC";
            case "npy" -> n == 2 ? "HW" : n == 3 ? "CHW" : n == 4 ? "SCHW" : null;
            case "mat" -> n == 2 ? "HW" : n == 3 ? "HWC" : n == 4 ? "HWSC" : null;
            default -> null;
        };
        if (l == null) throw new IllegalArgumentException("a " + n + "-dimensional " + format + " array needs --layout (e.g. SCHW)");
        return new AxisLayout(l);
    }

    private int size(long[] shape, char letter) {
        int i = letters.indexOf(letter);
        return i < 0 ? 1 : Math.toIntExact(shape[i]);
    }

    /** True when the slices still have to be inverse-FFT'd out of a partition encode. */
    public boolean partitionEncoded() {
        return letters.indexOf('Z') >= 0;
    }

    /**
     * The array's values as (slices, coils, H, W) complex (re, im) pairs in C order; with {@code Z}, "slices" are the
     * partitions, still in k-space. Real arrays get zero imaginary parts.
     */
    public Gathered gather(NdArray a) {
        long[] shape = a.shape();
        if (shape.length < letters.length()) {
            throw new IllegalArgumentException("layout '" + letters + "' has " + letters.length() + " letters for an array of "
                    + shape.length + " dimensions " + Arrays.toString(shape));
        }
        for (int d = letters.length(); d < shape.length; d++) {
            if (shape[d] != 1) {
                throw new IllegalArgumentException("layout '" + letters + "' names " + letters.length() + " dimensions, the array "
                        + Arrays.toString(shape) + " has more of size > 1");
            }
        }
        for (int d = 0; d < letters.length(); d++) {
            if (letters.charAt(d) == '1' && shape[d] != 1) {
                throw new IllegalArgumentException("layout '" + letters + "' says dimension " + d + " has size 1, it has " + shape[d]);
            }
        }
        char slice = partitionEncoded() ? 'Z' : 'S';
        int s = size(shape, slice), c = size(shape, 'C'), h = size(shape, 'H'), w = size(shape, 'W');
        long ss = stride(a, slice), cs = stride(a, 'C'), hs = stride(a, 'H'), ws = stride(a, 'W');
        float[] out = new float[Math.toIntExact(2L * s * c * h * w)];
        float[] in = a.data();
        int k = 0;
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < c; j++) {
                for (int y = 0; y < h; y++) {
                    long base = i * ss + j * cs + y * hs;
                    for (int x = 0; x < w; x++) {
                        long e = base + x * ws;
                        if (a.complex()) {
                            out[k++] = in[(int) (2 * e)];
                            out[k++] = in[(int) (2 * e + 1)];
                        } else {
                            out[k++] = in[(int) e];
                            out[k++] = 0f;
                        }
                    }
                }
            }
        }
        return new Gathered(s, c, h, w, out);
    }

    private long stride(NdArray a, char letter) {
        int i = letters.indexOf(letter);
        return i < 0 ? 0 : a.stride(i);
    }

    /** An array in (slices, coils, H, W) order. */
    public record Gathered(int slices, int coils, int height, int width, float[] pairs) {
    }
}
