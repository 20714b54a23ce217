package org.robustmri.io;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.CompoundDataType;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FloatingPoint;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fastMRI-layout HDF5 file (ours or fastMRI's), read one slice at a time.
 *
 * <p>K-space of a contiguous little-endian dataset is read straight from its file offset into the caller's
 * buffer (one positional read per slice, no whole-volume load); chunked or compressed datasets go through
 * jhdf's sliced reader. Every failure is a {@link DataException} naming the file.
 */
public final class FastMriFile implements AutoCloseable {
    public static final String KSPACE = "kspace";
    public static final String TARGET_RSS = "reconstruction_rss";
    public static final String TARGET_ESC = "reconstruction_esc";
    public static final String RECONSTRUCTION = "reconstruction";
    public static final String MASK = "mask";
    public static final String HEADER = "ismrmrd_header";

    private final Path path;
    private final HdfFile hdf;
    private FileChannel channel;
    private KspaceGeometry kspace;

    private FastMriFile(Path path, HdfFile hdf) {
        this.path = path;
        this.hdf = hdf;
    }

    public static FastMriFile open(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new DataException(path, "no such file");
        }
        try {
            return new FastMriFile(path, new HdfFile(path));
        } catch (RuntimeException e) {
            throw new DataException(path, "not a readable HDF5 file (" + rootMessage(e) + ")", e);
        }
    }

    public Path path() {
        return path;
    }

    /** The bare file name, which seeds test-time masks. */
    public String fileName() {
        return path.getFileName().toString();
    }

    public boolean has(String dataset) {
        try {
            return hdf.getChildren().containsKey(dataset);
        } catch (RuntimeException e) {
            throw wrap("cannot list datasets", e);
        }
    }

    public int[] shapeOf(String dataset) {
        return dataset(dataset).getDimensions();
    }

    /** Geometry of k-space; fails clearly when the file has no usable {@code kspace}. */
    public KspaceGeometry kspace() {
        if (kspace == null) {
            if (!has(KSPACE)) throw new DataException(path, "no 'kspace' dataset");
            kspace = KspaceGeometry.inspect(path, dataset(KSPACE), fileSize());
        }
        return kspace;
    }

    /** Reads one k-space slice into a new direct little-endian buffer of interleaved (re, im) float32. */
    public ByteBuffer readKspaceSlice(int slice) {
        KspaceGeometry g = kspace();
        ByteBuffer dst = ByteBuffer.allocateDirect(Math.toIntExact(g.sliceBytes())).order(ByteOrder.LITTLE_ENDIAN);
        readKspaceSlice(slice, dst);
        dst.rewind();
        return dst;
    }

    /**
     * Reads one k-space slice into {@code dst} (position 0, at least {@code sliceBytes()} remaining) as
     * interleaved little-endian (re, im) float32 in (coils, H, W) order. Fails on NaN or infinite values.
     */
    public void readKspaceSlice(int slice, ByteBuffer dst) {
        KspaceGeometry g = kspace();
        if (slice < 0 || slice >= g.slices()) {
            throw new DataException(path, "slice " + slice + " out of range [0, " + g.slices() + ")");
        }
        int n = Math.toIntExact(g.sliceBytes());
        ByteBuffer view = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        view.limit(view.position() + n);
        if (g.contiguous()) {
            readAt(g.dataAddress() + (long) slice * n, view);
        } else {
            fillFromSlicedRead(g, slice, view);
        }
        ByteBuffer check = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        check.limit(check.position() + n);
        requireFinite(check.asFloatBuffer(), "'kspace' slice " + slice);
    }

    private void fillFromSlicedRead(KspaceGeometry g, int slice, ByteBuffer view) {
        Dataset ds = dataset(KSPACE);
        int rank = ds.getDimensions().length;
        long[] offset = new long[rank];
        int[] shape = ds.getDimensions().clone();
        offset[0] = slice;
        shape[0] = 1;
        Object data;
        try {
            data = ds.getData(offset, shape);
        } catch (RuntimeException e) {
            throw wrap("cannot read 'kspace' slice " + slice, e);
        }
        FloatBuffer out = view.asFloatBuffer();
        if (g.layout() == KspaceLayout.COMPLEX_COMPOUND) {
            if (!(data instanceof Map<?, ?> fields)) {
                throw new DataException(path, "unexpected compound read result " + data.getClass());
            }
            List<CompoundDataType.CompoundDataMember> members = ((CompoundDataType) ds.getDataType()).getMembers();
            float[] re = Hdf5Values.flattenToFloat(fields.get(members.get(0).getName()));
            float[] im = Hdf5Values.flattenToFloat(fields.get(members.get(1).getName()));
            for (int i = 0; i < re.length; i++) {
                out.put(re[i]);
                out.put(im[i]);
            }
        } else {
            out.put(Hdf5Values.flattenToFloat(data));
        }
    }

    /** Reads one 2-D slice of a float dataset (e.g. a target) as a row-major array of h*w values. */
    public float[] readFloatSlice(String name, int slice) {
        Dataset ds = dataset(name);
        int[] dims = ds.getDimensions();
        if (dims.length != 3) {
            throw new DataException(path, "'" + name + "' has rank " + dims.length + ", expected (slices, h, w)");
        }
        if (slice < 0 || slice >= dims[0]) {
            throw new DataException(path, "slice " + slice + " of '" + name + "' out of range [0, " + dims[0] + ")");
        }
        try {
            return Hdf5Values.flattenToFloat(ds.getData(new long[]{slice, 0, 0}, new int[]{1, dims[1], dims[2]}));
        } catch (DataException e) {
            throw e;
        } catch (RuntimeException e) {
            throw wrap("cannot read '" + name + "' slice " + slice, e);
        }
    }

    /** Reads a whole float volume (slices, h, w) as one flat row-major array. */
    public float[] readFloatVolume(String name) {
        Dataset ds = dataset(name);
        try {
            return Hdf5Values.flattenToFloat(ds.getData());
        } catch (DataException e) {
            throw e;
        } catch (RuntimeException e) {
            throw wrap("cannot read '" + name + "'", e);
        }
    }

    /** fastMRI's target: {@code reconstruction_rss} for multi-coil, else {@code reconstruction_esc}; empty without one. */
    public Optional<String> targetKey() {
        if (has(TARGET_RSS)) return Optional.of(TARGET_RSS);
        if (has(TARGET_ESC)) return Optional.of(TARGET_ESC);
        return Optional.empty();
    }

    /** {@link #targetKey()}, or a data error naming the file when it has no target. */
    public String requireTargetKey() {
        return targetKey().orElseThrow(() -> new DataException(path,
                "no target dataset ('" + TARGET_RSS + "' or '" + TARGET_ESC + "')"));
    }

    /**
     * The SSIM/PSNR data range of the file's target volume, the one definition training and evaluation share: the
     * root attribute {@code max} when present (what fastMRI's and the paper's loaders pass), else the maximum of the
     * whole target volume (what fastMRI's {@code evaluate.py} computes; equal for fastMRI's files).
     */
    public double targetMax() {
        Optional<Double> attr = numberAttribute("max");
        if (attr.isPresent()) return attr.get();
        float[] t = readFloatVolume(requireTargetKey());
        double m = Double.NEGATIVE_INFINITY;
        for (float x : t) if (x > m) m = x;
        return m;
    }

    /** The {@code mask} dataset of fastMRI test files, if present (W values of 0/1). */
    public Optional<float[]> mask() {
        if (!has(MASK)) return Optional.empty();
        try {
            return Optional.of(Hdf5Values.flattenToFloat(dataset(MASK).getData()));
        } catch (RuntimeException e) {
            throw wrap("cannot read 'mask'", e);
        }
    }

    /** Root attributes with HDF5 strings as Java strings and scalars unwrapped. */
    public Map<String, Object> attributes() {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Attribute> e : hdf.getAttributes().entrySet()) {
                out.put(e.getKey(), simplify(e.getValue().getData()));
            }
        } catch (RuntimeException e) {
            throw wrap("cannot read root attributes", e);
        }
        return out;
    }

    public Optional<String> stringAttribute(String name) {
        Object v = attributes().get(name);
        return v == null ? Optional.empty() : Optional.of(String.valueOf(v));
    }

    public Optional<Double> numberAttribute(String name) {
        Object v = attributes().get(name);
        return v instanceof Number n ? Optional.of(n.doubleValue()) : Optional.empty();
    }

    public Optional<String> headerXml() {
        if (!has(HEADER)) return Optional.empty();
        try {
            Object v = simplify(dataset(HEADER).getData());
            return Optional.of(v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(v));
        } catch (RuntimeException e) {
            throw wrap("cannot read 'ismrmrd_header'", e);
        }
    }

    public Optional<IsmrmrdHeader> header() {
        Optional<String> xml = headerXml();
        if (xml.isEmpty()) return Optional.empty();
        try {
            return Optional.of(IsmrmrdHeader.parse(xml.get()));
        } catch (DataException e) {
            throw new DataException(path, e.getMessage(), e);
        }
    }

    /** Names of the datasets at the root, in file order. */
    public List<String> datasetNames() {
        try {
            return hdf.getChildren().entrySet().stream()
                    .filter(e -> e.getValue() instanceof Dataset).map(Map.Entry::getKey).toList();
        } catch (RuntimeException e) {
            throw wrap("cannot list datasets", e);
        }
    }

    /** A short type description of a dataset, e.g. {@code complex64} or {@code float32}. */
    public String dtypeOf(String name) {
        DataType t = dataset(name).getDataType();
        if (t instanceof CompoundDataType c) {
            int member = c.getMembers().isEmpty() ? 0 : c.getMembers().get(0).getDataType().getSize();
            return "complex" + (member * 16);
        }
        if (t instanceof FloatingPoint) return "float" + (t.getSize() * 8);
        if (t instanceof io.jhdf.object.datatype.StringData) return "string";
        if (t instanceof io.jhdf.object.datatype.FixedPoint fp) return (fp.isSigned() ? "int" : "uint") + (t.getSize() * 8);
        return t.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + (t.getSize() * 8);
    }

    Dataset dataset(String name) {
        Node n;
        try {
            n = hdf.getChildren().get(name);
        } catch (RuntimeException e) {
            throw wrap("cannot list datasets", e);
        }
        if (n == null) throw new DataException(path, "no '" + name + "' dataset");
        if (!(n instanceof Dataset d)) throw new DataException(path, "'" + name + "' is not a dataset");
        return d;
    }

    private long fileSize() {
        try {
            return Files.size(path);
        } catch (IOException e) {
            throw new DataException(path, "cannot stat file", e);
        }
    }

    private synchronized void readAt(long position, ByteBuffer dst) {
        try {
            if (channel == null) channel = FileChannel.open(path, StandardOpenOption.READ);
            long pos = position;
            while (dst.hasRemaining()) {
                int r = channel.read(dst, pos);
                if (r < 0) throw new DataException(path, "file is truncated at byte " + pos);
                pos += r;
            }
        } catch (IOException e) {
            throw new DataException(path, "read failed: " + e.getMessage(), e);
        }
    }

    private void requireFinite(FloatBuffer values, String what) {
        for (int i = values.position(), n = values.limit(); i < n; i++) {
            float v = values.get(i);
            if (!Float.isFinite(v)) {
                throw new DataException(path, what + " contains " + v + " at element " + (i - values.position()));
            }
        }
    }

    private DataException wrap(String what, RuntimeException e) {
        return new DataException(path, what + " (" + rootMessage(e) + ")", e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    /** Unwraps one-element arrays and turns strings into Java strings, so attributes print naturally. */
    private static Object simplify(Object v) {
        if (v != null && v.getClass().isArray() && !(v instanceof byte[]) && Array.getLength(v) == 1) {
            return simplify(Array.get(v, 0));
        }
        return v;
    }

    @Override
    public void close() {
        try {
            if (channel != null) channel.close();
        } catch (IOException ignored) {
            // closing a read-only channel cannot lose data
        }
        hdf.close();
    }
}
