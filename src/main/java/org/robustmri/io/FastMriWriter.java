package org.robustmri.io;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableDataset;

import java.nio.file.Path;
import java.util.Map;

/**
 * Writes fastMRI-layout HDF5 files with jhdf: reconstruction files and complete multi-coil volumes.
 *
 * <p>jhdf cannot write compound types, so k-space is written as float32 with a trailing (real, imaginary)
 * axis, the layout fastMRI's {@code to_tensor} produces, and marked with the root attribute
 * {@value KspaceLayout#ATTRIBUTE}. Every write goes to a temporary name and is renamed when complete.
 */
public final class FastMriWriter {
    private FastMriWriter() {
    }

    /** A complete multi-coil volume. {@code kspace} is interleaved (re, im) in (slices, coils, H, W) order. */
    public record Contents(int slices, int coils, int height, int width, float[] kspace,
                         int targetHeight, int targetWidth, float[] target,
                         IsmrmrdHeader header, String acquisition, String patientId,
                         Map<String, Object> extraAttributes) {
        public Contents {
            if (kspace.length != (long) slices * coils * height * width * 2) {
                throw new IllegalArgumentException("kspace has " + kspace.length + " values, expected "
                        + (long) slices * coils * height * width * 2);
            }
            if (target.length != (long) slices * targetHeight * targetWidth) {
                throw new IllegalArgumentException("target has " + target.length + " values, expected "
                        + (long) slices * targetHeight * targetWidth);
            }
        }
    }

    /** Writes {@code reconstruction} (slices, h, w) float32 with root attributes, as fastMRI's {@code save_reconstructions}. */
    public static void writeReconstruction(Path out, float[] volume, int slices, int h, int w,
                                           Map<String, Object> attributes) {
        if (volume.length != (long) slices * h * w) {
            throw new IllegalArgumentException("reconstruction has " + volume.length + " values, expected " + (long) slices * h * w);
        }
        float[][][] data = reshape3(volume, slices, h, w);
        AtomicFiles.write(out, tmp -> {
            try (Writable file = open(tmp)) {
                file.file().putDataset(FastMriFile.RECONSTRUCTION, data);
                putAttributes(file.file(), attributes);
            }
        });
    }

    /** Writes a multi-coil volume: k-space, RSS target, header XML and fastMRI's root attributes. */
    public static void writeVolume(Path out, Contents v) {
        float[][][] target = reshape3(v.target(), v.slices(), v.targetHeight(), v.targetWidth());
        double max = Double.NEGATIVE_INFINITY;
        double sumSq = 0;
        for (float t : v.target()) {
            max = Math.max(max, t);
            sumSq += (double) t * t;
        }
        double norm = Math.sqrt(sumSq);
        double maxValue = max;
        AtomicFiles.write(out, tmp -> {
            try (Writable file = open(tmp)) {
                WritableHdfFile f = file.file();
                f.putDataset(FastMriFile.HEADER, v.header().toXml());
                // jhdf lays out the dataset; its bytes are replaced below with one positional write
                WritableDataset ks = f.putDataset(FastMriFile.KSPACE, zeroPlaceholder(v));
                ks.putAttribute("layout", KspaceLayout.TRAILING_PAIR_VALUE);
                f.putDataset(FastMriFile.TARGET_RSS, target);
                f.putAttribute("acquisition", v.acquisition());
                f.putAttribute("max", maxValue);
                f.putAttribute("norm", norm);
                f.putAttribute("patient_id", v.patientId());
                f.putAttribute(KspaceLayout.ATTRIBUTE, KspaceLayout.TRAILING_PAIR_VALUE);
                putAttributes(f, v.extraAttributes());
            }
            writeKspaceBytes(tmp, v.kspace());
        });
    }

    /**
     * A (slices, coils, H, W, 2) array of zeros whose rows are all one shared array: jhdf needs the nested shape
     * to lay out the dataset, not a copy of the data (building one costs more than the simulation).
     */
    private static float[][][][][] zeroPlaceholder(Contents v) {
        float[][] row = new float[v.width()][2];
        float[][][] plane = new float[v.height()][][];
        java.util.Arrays.fill(plane, row);
        float[][][][] coils = new float[v.coils()][][][];
        java.util.Arrays.fill(coils, plane);
        float[][][][][] all = new float[v.slices()][][][][];
        java.util.Arrays.fill(all, coils);
        return all;
    }

    /** Writes the interleaved k-space over the contiguous {@code kspace} dataset of a file jhdf just wrote. */
    private static void writeKspaceBytes(Path file, float[] kspace) throws java.io.IOException {
        long address;
        long bytes = (long) kspace.length * 4;
        try (HdfFile f = new HdfFile(file)) {
            if (!(f.getDatasetByPath(FastMriFile.KSPACE) instanceof io.jhdf.api.dataset.ContiguousDataset cd)) {
                throw new java.io.IOException("jhdf did not write 'kspace' as a contiguous dataset");
            }
            if (cd.getSizeInBytes() != bytes) {
                throw new java.io.IOException("'kspace' holds " + cd.getSizeInBytes() + " bytes, expected " + bytes);
            }
            address = cd.getDataAddress();
        }
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect((int) Math.min(bytes, 1 << 24)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            long pos = address;
            int i = 0;
            while (i < kspace.length) {
                buf.clear();
                int n = Math.min(kspace.length - i, buf.capacity() / 4);
                buf.asFloatBuffer().put(kspace, i, n);
                buf.limit(n * 4);
                while (buf.hasRemaining()) pos += ch.write(buf, pos);
                i += n;
            }
        }
    }

    /**
     * A jhdf writer whose many small writes are coalesced (see {@link BufferedWriteChannel}). Closing it always
     * closes the file: jhdf's own close leaves its channel open when its final writes fail (a full disk).
     */
    static Writable open(Path tmp) {
        WritableHdfFile f = HdfFile.write(tmp);
        BufferedWriteChannel.install(f);
        return new Writable(f, BufferedWriteChannel.channelOf(f));
    }

    /** A jhdf file being written, and its channel. */
    record Writable(WritableHdfFile file, java.nio.channels.FileChannel channel) implements AutoCloseable {
        @Override
        public void close() {
            try {
                file.close();
            } finally {
                try {
                    if (channel != null && channel.isOpen()) channel.close();
                } catch (java.io.IOException ignored) {
                    // the write already failed; that error is the one to report
                }
            }
        }
    }

    private static void putAttributes(WritableHdfFile f, Map<String, Object> attributes) {
        if (attributes == null) return;
        for (Map.Entry<String, Object> e : attributes.entrySet()) {
            f.putAttribute(e.getKey(), e.getValue());
        }
    }

    static float[][][] reshape3(float[] flat, int a, int b, int c) {
        float[][][] out = new float[a][b][c];
        int p = 0;
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++) {
                System.arraycopy(flat, p, out[i][j], 0, c);
                p += c;
            }
        return out;
    }
}
