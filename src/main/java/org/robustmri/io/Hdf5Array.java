package org.robustmri.io;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A numeric dataset of an HDF5 file as an {@link NdArray} (C order): real, or complex when stored as a compound of two
 * floats ({@code r}/{@code i} as fastMRI writes, {@code real}/{@code imag} as h5py and MATLAB do).
 */
public final class Hdf5Array {
    private Hdf5Array() {
    }

    /** A string dataset (such as fastMRI's {@code ismrmrd_header}). */
    public static String string(Path file, String name) {
        try (HdfFile f = new HdfFile(file)) {
            Object d = ((Dataset) f.getByPath(name)).getData();
            if (d instanceof String s) return s;
            if (d instanceof String[] a && a.length > 0) return a[0];
            throw new DataException(file, "'" + name + "' is not text");
        } catch (DataException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DataException(file, "cannot read '" + name + "': " + e.getMessage(), e);
        }
    }

    /** A root attribute as text, if present. */
    public static java.util.Optional<String> attribute(Path file, String name) {
        try (HdfFile f = new HdfFile(file)) {
            var a = f.getAttribute(name);
            if (a == null) return java.util.Optional.empty();
            Object v = a.getData();
            if (v instanceof String[] arr && arr.length > 0) v = arr[0];
            return java.util.Optional.of(String.valueOf(v));
        } catch (RuntimeException e) {
            throw new DataException(file, "cannot read attribute '" + name + "': " + e.getMessage(), e);
        }
    }

    public static NdArray read(Path file, String name) {
        if (!Files.isRegularFile(file)) throw new DataException(file, "no such file");
        try (HdfFile f = new HdfFile(file)) {
            Node n;
            try {
                n = f.getByPath(name);
            } catch (RuntimeException e) {
                throw new DataException(file, "has no dataset '" + name + "' (it has " + f.getChildren().keySet() + ")");
            }
            if (!(n instanceof Dataset ds)) throw new DataException(file, "'" + name + "' is not a dataset");
            int[] d = ds.getDimensions();
            long[] shape = new long[d.length];
            for (int i = 0; i < d.length; i++) shape[i] = d[i];
            long count = NdArray.elements(shape);
            if (2 * count > Integer.MAX_VALUE - 8) throw new DataException(file, "'" + name + "' is too large to read at once");
            Object data = ds.getData();
            if (data instanceof Map<?, ?> compound) {
                Object re = compound.containsKey("r") ? compound.get("r") : compound.get("real");
                Object im = compound.containsKey("i") ? compound.get("i") : compound.get("imag");
                if (re == null || im == null) throw new DataException(file, "'" + name + "' is a compound that is not complex: " + compound.keySet());
                float[] r = MatFile.flatten(re, count), i = MatFile.flatten(im, count);
                float[] out = new float[(int) (2 * count)];
                for (int k = 0; k < count; k++) {
                    out[2 * k] = r[k];
                    out[2 * k + 1] = i[k];
                }
                return new NdArray(shape, true, false, out);
            }
            return new NdArray(shape, false, false, MatFile.flatten(data, count));
        } catch (DataException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DataException(file, "cannot read '" + name + "': " + e.getMessage(), e);
        }
    }
}
