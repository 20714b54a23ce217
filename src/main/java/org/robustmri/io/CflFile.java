package org.robustmri.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * BART's array files: {@code NAME.hdr} (a comment line, then the dimensions separated by spaces) and {@code NAME.cfl}
 * (complex float32, little endian, in Fortran order). Written as BART writes them, both atomically.
 */
public final class CflFile {
    private CflFile() {
    }

    /** The base path of {@code p}: {@code x.cfl}, {@code x.hdr} and {@code x} all name {@code x}. */
    public static Path base(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".cfl") || n.endsWith(".hdr") ? p.resolveSibling(n.substring(0, n.length() - 4)) : p;
    }

    public static NdArray read(Path path) {
        Path base = base(path);
        Path hdr = base.resolveSibling(base.getFileName() + ".hdr"), cfl = base.resolveSibling(base.getFileName() + ".cfl");
        long[] dims = dims(hdr);
        long n = NdArray.elements(dims);
        try (FileChannel ch = FileChannel.open(cfl, StandardOpenOption.READ)) {
            if (ch.size() != n * 8) {
                throw new DataException(cfl, "holds " + ch.size() + " bytes, but the dimensions in " + hdr.getFileName() + " need " + n * 8);
            }
            if (n * 2 > Integer.MAX_VALUE - 8) throw new DataException(cfl, "too large to read at once (" + n + " values)");
            ByteBuffer b = ByteBuffer.allocate((int) (n * 8)).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // read until full
            }
            b.flip();
            float[] data = new float[(int) (n * 2)];
            b.asFloatBuffer().get(data);
            return new NdArray(dims, true, true, data);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DataException(cfl, "no such file");
        } catch (IOException e) {
            throw new DataException(cfl, "cannot read: " + e.getMessage(), e);
        }
    }

    private static long[] dims(Path hdr) {
        List<String> lines;
        try {
            lines = Files.readAllLines(hdr, StandardCharsets.US_ASCII);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DataException(hdr, "no such file (a BART array is NAME.hdr with NAME.cfl)");
        } catch (IOException e) {
            throw new DataException(hdr, "cannot read: " + e.getMessage(), e);
        }
        for (String line : lines) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) continue;
            List<Long> d = new ArrayList<>();
            try {
                for (String s : t.split("\\s+")) d.add(Long.parseLong(s));
            } catch (NumberFormatException e) {
                throw new DataException(hdr, "not a BART header: dimensions line '" + t + "'");
            }
            return d.stream().mapToLong(Long::longValue).toArray();
        }
        throw new DataException(hdr, "not a BART header: no dimensions line");
    }

    /** Writes {@code base.hdr} and {@code base.cfl}; {@code pairs} are (re, im) in Fortran order over {@code dims}. */
    public static void write(Path base, long[] dims, float[] pairs) {
        Path b = base(base);
        if (pairs.length != NdArray.elements(dims) * 2) throw new IllegalArgumentException("values do not match the dimensions");
        StringBuilder hdr = new StringBuilder("# Dimensions\n");
        for (int i = 0; i < dims.length; i++) hdr.append(i == 0 ? "" : " ").append(dims[i]);
        AtomicFiles.write(b.resolveSibling(b.getFileName() + ".cfl"), tmp -> {
            ByteBuffer buf = ByteBuffer.allocate(pairs.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(pairs);
            Files.write(tmp, buf.array());
        });
        AtomicFiles.writeString(b.resolveSibling(b.getFileName() + ".hdr"), hdr.append('\n').toString());
    }
}
