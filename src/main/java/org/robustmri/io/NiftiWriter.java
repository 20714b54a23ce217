package org.robustmri.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A float32 volume as a single-file NIfTI-1 image ({@code .nii}): the 348-byte header, four bytes of (absent)
 * extension, then the voxels with the column index fastest, then the row, then the slice. The scanner-to-voxel
 * transform is the voxel size only (sform code 2, aligned); rows run from the image's top.
 */
public final class NiftiWriter {
    private NiftiWriter() {
    }

    /** {@code values} (slices, rows, columns); {@code voxelMm} (column, row, slice) spacing. */
    public static void write(Path file, float[] values, int slices, int rows, int columns, double[] voxelMm) {
        if (values.length != (long) slices * rows * columns) throw new IllegalArgumentException("values do not match the volume");
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        ByteBuffer b = ByteBuffer.allocate(352 + values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 348);
        short[] dim = {3, (short) columns, (short) rows, (short) slices, 1, 1, 1, 1};
        for (int i = 0; i < 8; i++) b.putShort(40 + 2 * i, dim[i]);
        b.putShort(70, (short) 16); // datatype FLOAT32
        b.putShort(72, (short) 32); // bits per voxel
        float[] pixdim = {1, (float) voxelMm[0], (float) voxelMm[1], (float) voxelMm[2], 1, 1, 1, 1};
        for (int i = 0; i < 8; i++) b.putFloat(76 + 4 * i, pixdim[i]);
        b.putFloat(108, 352); // vox_offset
        b.putFloat(112, 1); // scl_slope
        b.putFloat(124, max); // cal_max
        b.putFloat(128, min); // cal_min
        b.put(123, (byte) 10); // xyzt_units: mm and s
        b.putShort(252, (short) 0); // qform_code
        b.putShort(254, (short) 2); // sform_code: aligned
        float[][] srow = {{(float) voxelMm[0], 0, 0, 0}, {0, (float) voxelMm[1], 0, 0}, {0, 0, (float) voxelMm[2], 0}};
        for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) b.putFloat(280 + 16 * r + 4 * c, srow[r][c]);
        byte[] magic = {'n', '+', '1', 0};
        for (int i = 0; i < 4; i++) b.put(344 + i, magic[i]);
        b.position(352);
        b.asFloatBuffer().put(values);
        AtomicFiles.write(file, tmp -> Files.write(tmp, b.array()));
    }
}
