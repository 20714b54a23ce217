package org.robustmri.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * numpy's {@code .npy} format (versions 1 to 3): a magic string, a header dict ({@code descr}, {@code fortran_order},
 * {@code shape}) and the raw values. Reads real and complex floats and integers of either byte order into float32;
 * writes {@code <f4} and {@code <c8} in C order. (Java libraries for .npy on Maven Central read no complex types.)
 */
public final class NpyFile {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyFile() {
    }

    public static NdArray read(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DataException(file, "no such file");
        } catch (IOException e) {
            throw new DataException(file, "cannot read: " + e.getMessage(), e);
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (all.length < 10 || all[i] != MAGIC[i]) throw new DataException(file, "not a .npy file (no numpy magic string)");
        }
        int major = all[6];
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
        int start = major == 1 ? 10 : 12;
        if (start + headerLen > all.length) throw new DataException(file, "truncated .npy header");
        String header = new String(all, start, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) throw new DataException(file, "unsupported .npy header: " + header.trim());
        ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        char kind = d.group(2).charAt(0);
        int bytes = Integer.parseInt(d.group(3));
        List<Long> shape = new ArrayList<>();
        for (String p : s.group(1).split(",")) if (!p.isBlank()) shape.add(Long.parseLong(p.trim()));
        long[] dims = shape.stream().mapToLong(Long::longValue).toArray();
        boolean complex = kind == 'c';
        int scalarBytes = complex ? bytes / 2 : bytes;
        long values = NdArray.elements(dims) * (complex ? 2 : 1);
        long dataStart = start + headerLen;
        if (all.length - dataStart < values * scalarBytes) {
            throw new DataException(file, "truncated: the header promises " + values * scalarBytes + " bytes of data, the file holds "
                    + (all.length - dataStart));
        }
        if (values > Integer.MAX_VALUE - 8) throw new DataException(file, "too large to read at once (" + values + " values)");
        ByteBuffer data = ByteBuffer.wrap(all, (int) dataStart, (int) (values * scalarBytes)).slice().order(order);
        float[] out = new float[(int) values];
        for (int i = 0; i < out.length; i++) out[i] = value(data, i * scalarBytes, kind, scalarBytes, file, d.group());
        return new NdArray(dims, complex, f.group(1).equals("True"), out);
    }

    private static float value(ByteBuffer b, int at, char kind, int bytes, Path file, String descr) {
        switch (kind) {
            case 'f', 'c' -> {
                if (bytes == 4) return b.getFloat(at);
                if (bytes == 8) return (float) b.getDouble(at);
            }
            case 'i' -> {
                if (bytes == 1) return b.get(at);
                if (bytes == 2) return b.getShort(at);
                if (bytes == 4) return b.getInt(at);
                if (bytes == 8) return b.getLong(at);
            }
            case 'u' -> {
                if (bytes == 1) return Byte.toUnsignedInt(b.get(at));
                if (bytes == 2) return Short.toUnsignedInt(b.getShort(at));
                if (bytes == 4) return Integer.toUnsignedLong(b.getInt(at));
            }
            default -> {
            }
        }
        throw new DataException(file, "unsupported .npy dtype " + descr + " (real or complex floats and integers are read)");
    }

    /** Writes {@code values} ((re, im) pairs when complex) of {@code shape} in C order as {@code <c8} or {@code <f4}. */
    public static void write(Path file, long[] shape, boolean complex, float[] values) {
        if (values.length != NdArray.elements(shape) * (complex ? 2 : 1)) throw new IllegalArgumentException("values do not match the shape");
        String dims = shape.length == 1 ? shape[0] + ","
                : String.join(", ", java.util.Arrays.stream(shape).mapToObj(Long::toString).toList());
        String dict = "{'descr': '" + (complex ? "<c8" : "<f4") + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int total = MAGIC.length + 4 + dict.length() + 1;
        String header = dict + " ".repeat((64 - total % 64) % 64) + "\n";
        AtomicFiles.write(file, tmp -> {
            ByteBuffer b = ByteBuffer.allocate(10 + header.length() + values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1));
            b.asFloatBuffer().put(values);
            Files.write(tmp, b.array());
        });
    }
}
