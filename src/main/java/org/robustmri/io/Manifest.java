package org.robustmri.io;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The commit record of files that belong together (an epoch's weights, optimizer state and log rows; an
 * evaluation's results, summary and provenance; a study's merged outputs): their SHA-256 and sizes, plus a few
 * fields, written atomically after all of them. A reader trusts the group only when the manifest exists and every
 * file still has its recorded size and hash.
 *
 * @param fields what the group is (epoch, step, fingerprint, ...)
 * @param files  path relative to the manifest's folder -> {@code sha256:size}
 */
public record Manifest(Map<String, Object> fields, Map<String, String> files) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public Manifest {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        files = Collections.unmodifiableMap(new TreeMap<>(files));
    }

    /** A manifest of {@code files} (all under {@code root}), hashed now. */
    public static Manifest of(Path root, List<Path> files, Map<String, Object> fields) {
        Map<String, String> out = new TreeMap<>();
        for (Path f : files) out.put(relative(root, f), fingerprint(f));
        return new Manifest(fields, out);
    }

    /** Writes the manifest to {@code file} atomically: the group's commit point. */
    public void write(Path file) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("fields", fields);
        doc.put("files", files);
        AtomicFiles.write(file, tmp -> JSON.writeValue(tmp.toFile(), doc));
    }

    /** The manifest in {@code file}; empty when it is missing or unreadable (an uncommitted group). */
    public static Optional<Manifest> read(Path file) {
        if (!Files.isRegularFile(file)) return Optional.empty();
        try {
            Map<String, Object> doc = JSON.readValue(file.toFile(), new TypeReference<>() {
            });
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) doc.get("fields");
            @SuppressWarnings("unchecked")
            Map<String, String> files = (Map<String, String>) doc.get("files");
            if (fields == null || files == null) return Optional.empty();
            return Optional.of(new Manifest(fields, files));
        } catch (IOException | ClassCastException e) {
            return Optional.empty();
        }
    }

    /** The files (relative to {@code root}) whose size or hash differ from the record, or that are missing. */
    public List<String> mismatches(Path root) {
        List<String> bad = new ArrayList<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            Path f = root.resolve(e.getKey());
            String[] rec = e.getValue().split(":");
            try {
                if (!Files.isRegularFile(f) || Files.size(f) != Long.parseLong(rec[1]) || !sha256(f).equals(rec[0])) bad.add(e.getKey());
            } catch (IOException | RuntimeException ex) {
                bad.add(e.getKey());
            }
        }
        return bad;
    }

    /** True when every file is present with its recorded size and hash. */
    public boolean verify(Path root) {
        return mismatches(root).isEmpty();
    }

    public long longField(String name) {
        return ((Number) fields.get(name)).longValue();
    }

    public double doubleField(String name) {
        return ((Number) fields.get(name)).doubleValue();
    }

    /** {@code sha256:size} of a file. */
    public static String fingerprint(Path f) {
        try {
            return sha256(f) + ":" + Files.size(f);
        } catch (IOException e) {
            throw new DataException(f, "cannot read: " + e.getMessage(), e);
        }
    }

    public static String sha256(Path f) {
        try (InputStream in = Files.newInputStream(f)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new DataException(f, "cannot read: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 of a text (UTF-8), e.g. a config's canonical form. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String relative(Path root, Path f) {
        return root.toAbsolutePath().normalize().relativize(f.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }
}
