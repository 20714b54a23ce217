package org.robustmri.io;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.tensor.Tensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.HexFormat;
import java.security.MessageDigest;

/**
 * The safetensors format (8-byte little-endian header length, a JSON header of dtype/shape/data_offsets per
 * tensor plus {@code __metadata__} strings, then the raw little-endian data), so PyTorch users load our
 * checkpoints with {@code safetensors.torch.load_file} and we load theirs.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    private Safetensors() {
    }

    /** A loaded file: tensors in file order and the metadata strings. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    /**
     * Writes the tensors (in map order) with {@code metadata} plus {@value #CONTENT_HASH}: the SHA-256 of the data
     * section, which {@link #read} verifies, so a corrupted checkpoint is refused instead of scored.
     */
    public static void write(Path out, Map<String, Tensor> tensors, Map<String, String> metadata) {
        Map<String, Object> header = new LinkedHashMap<>();
        List<Tensor> ordered = new ArrayList<>();
        MessageDigest digest = sha256();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue().detach().cpu().contiguous();
            String dtype = dtypeName(t);
            long bytes = t.numel() * t.element_size();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", dtype);
            entry.put("shape", t.sizes().vec().get());
            entry.put("data_offsets", new long[]{offset, offset + bytes});
            header.put(e.getKey(), entry);
            ordered.add(t);
            digest.update(Tensors.bytesOf(t));
            offset += bytes;
        }
        Map<String, String> meta = new TreeMap<>(metadata == null ? Map.of() : metadata);
        meta.put(CONTENT_HASH, HexFormat.of().formatHex(digest.digest()));
        Map<String, Object> withMeta = new LinkedHashMap<>();
        withMeta.put("__metadata__", meta);
        withMeta.putAll(header);
        header = withMeta;
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int padded = (json.length + 7) / 8 * 8; // the reference pads the header with spaces to 8 bytes
        byte[] head = new byte[padded];
        System.arraycopy(json, 0, head, 0, json.length);
        for (int i = json.length; i < padded; i++) head[i] = ' ';
        AtomicFiles.write(out, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, padded);
                ch.write(len);
                ch.write(ByteBuffer.wrap(head));
                for (Tensor t : ordered) {
                    ByteBuffer data = Tensors.bytesOf(t);
                    while (data.hasRemaining()) ch.write(data);
                }
            }
        });
    }

    public static Contents read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new DataException(file, "not a safetensors file (" + size + " bytes)");
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long n = len.getLong(0);
            if (n <= 0 || n > MAX_HEADER || 8 + n > size) {
                throw new DataException(file, "not a safetensors file (header length " + n + ")");
            }
            ByteBuffer head = ByteBuffer.allocate((int) n);
            readFully(ch, head, 8);
            Map<String, Object> header;
            try {
                header = JSON.readValue(new String(head.array(), StandardCharsets.UTF_8).trim(), new TypeReference<>() {
                });
            } catch (IOException e) {
                throw new DataException(file, "safetensors header is not valid JSON: " + e.getMessage(), e);
            }
            long dataStart = 8 + n;
            MessageDigest digest = sha256();
            List<long[]> spans = new ArrayList<>();
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = (Map<String, Object>) e.getValue();
                    m.forEach((k, v) -> metadata.put(k, String.valueOf(v)));
                    continue;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> entry = (Map<String, Object>) e.getValue();
                torch.ScalarType type = scalarType(file, String.valueOf(entry.get("dtype")));
                List<?> shapeList = (List<?>) entry.get("shape");
                List<?> offsets = (List<?>) entry.get("data_offsets");
                long[] shape = new long[shapeList.size()];
                for (int i = 0; i < shape.length; i++) shape[i] = ((Number) shapeList.get(i)).longValue();
                long begin = ((Number) offsets.get(0)).longValue(), end = ((Number) offsets.get(1)).longValue();
                Tensor t = Tensors.empty(type, shape);
                long bytes = t.numel() * t.element_size();
                if (end - begin != bytes || dataStart + end > size || begin < 0) {
                    throw new DataException(file, "tensor '" + e.getKey() + "' has inconsistent offsets [" + begin + ", " + end
                            + ") for " + bytes + " bytes");
                }
                ByteBuffer dst = Tensors.bytesOf(t);
                readFully(ch, dst, dataStart + begin);
                tensors.put(e.getKey(), t);
                spans.add(new long[]{begin, tensors.size() - 1});
            }
            String recorded = metadata.get(CONTENT_HASH);
            if (recorded != null) {
                // the data section in file order, as write() hashed it
                spans.sort((a, b) -> Long.compare(a[0], b[0]));
                List<Tensor> byIndex = new ArrayList<>(tensors.values());
                for (long[] sp : spans) digest.update(Tensors.bytesOf(byIndex.get((int) sp[1])));
                String actual = HexFormat.of().formatHex(digest.digest());
                if (!actual.equals(recorded)) {
                    throw new DataException(file, "is corrupt: its tensor data do not match the checksum recorded when it was written");
                }
            }
            return new Contents(tensors, metadata);
        } catch (IOException e) {
            throw new DataException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Metadata key of the SHA-256 of the data section. */
    public static final String CONTENT_HASH = "content_sha256";

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long pos) throws IOException {
        long p = pos;
        while (dst.hasRemaining()) {
            int r = ch.read(dst, p);
            if (r < 0) throw new IOException("unexpected end of file at byte " + p);
            p += r;
        }
    }

    private static String dtypeName(Tensor t) {
        // compare by name: JavaCPP may hand back a distinct enum instance for the same native value
        String s = String.valueOf(t.scalar_type());
        return switch (s) {
            case "Float" -> "F32";
            case "Double" -> "F64";
            case "Long" -> "I64";
            case "Int" -> "I32";
            default -> throw new IllegalArgumentException("unsupported dtype for safetensors: " + s);
        };
    }

    private static torch.ScalarType scalarType(Path file, String name) {
        return switch (name) {
            case "F32" -> torch.ScalarType.Float;
            case "F64" -> torch.ScalarType.Double;
            case "F16" -> torch.ScalarType.Half; // half-precision weights (CLIP's are often distributed so); callers convert
            case "BF16" -> torch.ScalarType.BFloat16;
            case "I64" -> torch.ScalarType.Long;
            case "I32" -> torch.ScalarType.Int;
            default -> throw new DataException(file, "unsupported safetensors dtype " + name);
        };
    }

}
