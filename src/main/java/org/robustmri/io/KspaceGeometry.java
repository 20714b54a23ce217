package org.robustmri.io;

import io.jhdf.api.Dataset;
import io.jhdf.object.datatype.CompoundDataType;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.api.dataset.ContiguousDataset;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

/**
 * Geometry of a fastMRI {@code kspace} dataset; single-coil files report one coil. {@code contiguous} k-space of
 * little-endian float pairs is read straight from {@code dataAddress}, bypassing the HDF5 library.
 */
public record KspaceGeometry(int slices, int coils, int height, int width, boolean multiCoil,
                             KspaceLayout layout, boolean contiguous, long dataAddress) {
    public long sliceBytes() {
        return (long) coils * height * width * 8L;
    }

    public long[] sliceShape() {
        return new long[]{coils, height, width};
    }

    /** Reads the geometry of a file's {@code kspace} dataset; a truncated contiguous dataset is a data error. */
    static KspaceGeometry inspect(Path path, Dataset ds, long fileSize) {
        int[] dims = ds.getDimensions();
        DataType type = ds.getDataType();
        KspaceLayout layout;
        int[] spatial;
        boolean littleEndianPairs;
        if (type instanceof CompoundDataType compound) {
            layout = KspaceLayout.COMPLEX_COMPOUND;
            spatial = dims;
            littleEndianPairs = isInterleavedFloatPair(compound);
            if (compound.getMembers().size() != 2) {
                throw new DataException(path, "'kspace' compound type has " + compound.getMembers().size()
                        + " fields, expected 2 (r, i)");
            }
        } else if (type instanceof FloatingPoint fp && dims.length >= 1 && dims[dims.length - 1] == 2) {
            layout = KspaceLayout.FLOAT_TRAILING_PAIR;
            spatial = java.util.Arrays.copyOf(dims, dims.length - 1);
            littleEndianPairs = fp.getSize() == 4 && fp.getByteOrder() == ByteOrder.LITTLE_ENDIAN;
        } else {
            throw new DataException(path, "'kspace' has type " + type.getClass().getSimpleName()
                    + " with shape " + java.util.Arrays.toString(dims)
                    + "; expected complex (compound r,i) or float32 with a trailing axis of 2");
        }
        int slices, coils, h, w;
        boolean multi;
        if (spatial.length == 4) {
            slices = spatial[0]; coils = spatial[1]; h = spatial[2]; w = spatial[3]; multi = true;
        } else if (spatial.length == 3) {
            slices = spatial[0]; coils = 1; h = spatial[1]; w = spatial[2]; multi = false;
        } else {
            throw new DataException(path, "'kspace' has rank " + spatial.length
                    + " " + java.util.Arrays.toString(spatial)
                    + "; expected (slices, coils, H, W) or (slices, H, W)");
        }
        if (slices < 1 || coils < 1 || h < 1 || w < 1) {
            throw new DataException(path, "'kspace' is empty: shape " + java.util.Arrays.toString(spatial));
        }
        boolean contiguous = littleEndianPairs && ds instanceof ContiguousDataset;
        long address = contiguous ? ((ContiguousDataset) ds).getDataAddress() : -1;
        KspaceGeometry g = new KspaceGeometry(slices, coils, h, w, multi, layout, contiguous, address);
        if (contiguous) {
            long end = address + g.sliceBytes() * slices;
            long size = fileSize;
            if (end > size) {
                throw new DataException(path, "file is truncated: 'kspace' needs bytes up to " + end
                        + " but the file has " + size);
            }
        }
        return g;
    }

    private static boolean isInterleavedFloatPair(CompoundDataType compound) {
        List<CompoundDataType.CompoundDataMember> m = compound.getMembers();
        if (m.size() != 2) return false;
        return compound.getSize() == 8
                && m.get(0).getOffset() == 0 && m.get(1).getOffset() == 4
                && m.get(0).getDataType() instanceof FloatingPoint a && a.getSize() == 4
                && a.getByteOrder() == ByteOrder.LITTLE_ENDIAN
                && m.get(1).getDataType() instanceof FloatingPoint b && b.getSize() == 4
                && b.getByteOrder() == ByteOrder.LITTLE_ENDIAN;
    }
}
