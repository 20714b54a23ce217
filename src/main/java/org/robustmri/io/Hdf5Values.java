package org.robustmri.io;

import java.lang.reflect.Array;

/** Numbers as jHDF returns them (nested primitive arrays of any type) turned into flat float arrays. */
final class Hdf5Values {
    private Hdf5Values() {
    }

    /** Flattens any nested primitive array (float, double, int, long, short, byte) to float[] in row-major order. */
    static float[] flattenToFloat(Object data) {
        int n = countElements(data);
        float[] out = new float[n];
        int[] pos = {0};
        fill(data, out, pos);
        return out;
    }

    private static int countElements(Object a) {
        if (a == null) return 0;
        Class<?> c = a.getClass();
        if (!c.isArray()) return 1;
        int len = Array.getLength(a);
        if (c.getComponentType().isPrimitive()) return len;
        int n = 0;
        for (int i = 0; i < len; i++) n += countElements(Array.get(a, i));
        return n;
    }

    private static void fill(Object a, float[] out, int[] pos) {
        if (a instanceof float[] f) {
            System.arraycopy(f, 0, out, pos[0], f.length);
            pos[0] += f.length;
        } else if (a instanceof double[] d) {
            for (double v : d) out[pos[0]++] = (float) v;
        } else if (a instanceof int[] d) {
            for (int v : d) out[pos[0]++] = v;
        } else if (a instanceof long[] d) {
            for (long v : d) out[pos[0]++] = v;
        } else if (a instanceof short[] d) {
            for (short v : d) out[pos[0]++] = v;
        } else if (a instanceof byte[] d) {
            for (byte v : d) out[pos[0]++] = v;
        } else if (a instanceof boolean[] d) {
            for (boolean v : d) out[pos[0]++] = v ? 1f : 0f;
        } else if (a instanceof Number num) {
            out[pos[0]++] = num.floatValue();
        } else if (a != null && a.getClass().isArray()) {
            for (int i = 0, n = Array.getLength(a); i < n; i++) fill(Array.get(a, i), out, pos);
        } else {
            throw new DataException("unsupported numeric data " + (a == null ? "null" : a.getClass().getSimpleName()));
        }
    }
}
