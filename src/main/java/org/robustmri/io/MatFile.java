package org.robustmri.io;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.Matrix;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One numeric variable of a MATLAB {@code .mat} file: version 5 through the MAT-File Library (mfl-core), version 7.3
 * (HDF5, complex numbers as a {@code real}/{@code imag} compound) through jHDF. Returned in MATLAB's own dimension order
 * ({@code size(x)}), Fortran-ordered.
 */
public final class MatFile {
    private MatFile() {
    }

    /** True for MATLAB 7.3 files, which are HDF5 files with a 512-byte MATLAB preamble. */
    static boolean isVersion73(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(128);
            return new String(head, StandardCharsets.ISO_8859_1).startsWith("MATLAB 7.3 MAT-file");
        } catch (IOException e) {
            throw new DataException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    /** The variables of the file (names only). */
    public static List<String> variables(Path file) {
        List<String> names = new ArrayList<>();
        if (isVersion73(file)) {
            try (HdfFile f = new HdfFile(file)) {
                for (Node n : f.getChildren().values()) if (!n.getName().startsWith("#")) names.add(n.getName());
            } catch (RuntimeException e) {
                throw new DataException(file, "not a readable MATLAB 7.3 file: " + e.getMessage(), e);
            }
            return names;
        }
        try (var mat = Mat5.readFromFile(file.toFile())) {
            for (var e : mat.getEntries()) names.add(e.getName());
        } catch (IOException | RuntimeException e) {
            throw new DataException(file, "not a readable MATLAB file: " + e.getMessage(), e);
        }
        return names;
    }

    /** The numeric variable {@code name}; a missing one is an error listing the variables there are. */
    public static NdArray read(Path file, String name) {
        if (!Files.isRegularFile(file)) throw new DataException(file, "no such file");
        return isVersion73(file) ? readHdf5(file, name) : readVersion5(file, name);
    }

    private static NdArray readVersion5(Path file, String name) {
        try (var mat = Mat5.readFromFile(file.toFile())) {
            Matrix m;
            try {
                m = mat.getMatrix(name);
            } catch (IllegalArgumentException | ClassCastException e) {
                throw new DataException(file, "no numeric variable '" + name + "'; variables: " + variables(file));
            }
            int[] d = m.getDimensions();
            long[] dims = new long[d.length];
            for (int i = 0; i < d.length; i++) dims[i] = d[i];
            int n = m.getNumElements();
            boolean complex = m.isComplex();
            float[] out = new float[complex ? 2 * n : n];
            for (int i = 0; i < n; i++) {
                if (complex) {
                    out[2 * i] = (float) m.getDouble(i);
                    out[2 * i + 1] = (float) m.getImaginaryDouble(i);
                } else {
                    out[i] = (float) m.getDouble(i);
                }
            }
            return new NdArray(dims, complex, true, out);
        } catch (IOException | IllegalStateException e) {
            throw new DataException(file, "not a readable MATLAB file: " + e.getMessage(), e);
        }
    }

    private static NdArray readHdf5(Path file, String name) {
        try (HdfFile f = new HdfFile(file)) {
            Node node = f.getChildren().get(name);
            if (!(node instanceof Dataset ds)) {
                throw new DataException(file, "no numeric variable '" + name + "'; variables: " + variables(file));
            }
            int[] h = ds.getDimensions();
            long[] dims = new long[h.length];
            for (int i = 0; i < h.length; i++) dims[i] = h[h.length - 1 - i]; // HDF5 lists MATLAB's dimensions reversed
            Object data = ds.getData();
            long n = NdArray.elements(dims);
            if (data instanceof Map<?, ?> compound) {
                Object re = compound.get("real"), im = compound.get("imag");
                if (re == null || im == null) throw new DataException(file, "variable '" + name + "' is a compound that is not complex");
                float[] out = new float[(int) (2 * n)];
                float[] r = flatten(re, n), i = flatten(im, n);
                for (int k = 0; k < n; k++) {
                    out[2 * k] = r[k];
                    out[2 * k + 1] = i[k];
                }
                return new NdArray(dims, true, true, out);
            }
            return new NdArray(dims, false, true, flatten(data, n));
        } catch (DataException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DataException(file, "not a readable MATLAB 7.3 file: " + e.getMessage(), e);
        }
    }

    /** The values of a (nested) Java array in its row-major order, as float32. */
    static float[] flatten(Object array, long n) {
        float[] out = new float[(int) n];
        int[] at = {0};
        fill(array, out, at);
        if (at[0] != n) throw new IllegalStateException("read " + at[0] + " values, expected " + n);
        return out;
    }

    private static void fill(Object a, float[] out, int[] at) {
        if (a instanceof float[] f) {
            System.arraycopy(f, 0, out, at[0], f.length);
            at[0] += f.length;
        } else if (a instanceof double[] d) {
            for (double v : d) out[at[0]++] = (float) v;
        } else if (a != null && a.getClass().isArray()) {
            Class<?> c = a.getClass().getComponentType();
            if (c.isPrimitive()) {
                for (int i = 0, len = Array.getLength(a); i < len; i++) out[at[0]++] = ((Number) Array.get(a, i)).floatValue();
            } else {
                for (Object o : (Object[]) a) fill(o, out, at);
            }
        } else if (a instanceof Number num) {
            out[at[0]++] = num.floatValue();
        } else {
            throw new IllegalStateException("not numeric: " + (a == null ? "null" : a.getClass().getSimpleName()));
        }
    }
}
