package org.robustmri.data;

import org.robustmri.io.KspaceGeometry;
import org.robustmri.io.FailureList;
import org.robustmri.io.FailureList.Failure;
import org.robustmri.io.DataException;
import org.robustmri.io.FastMriFile;
import org.robustmri.io.IsmrmrdHeader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a {@link Catalog} from fastMRI-layout files, reading only headers, root attributes and dataset shapes
 * (never k-space or image data), in parallel over files. A file that cannot be read is reported and skipped.
 *
 * <p>Where the values come from: protocol, scanner, field strength, coils, institution, encoded and recon sizes
 * from the ISMRMRD header (the protocol falls back to the {@code acquisition} attribute, sizes to the dataset
 * shapes); {@code numSlices} from k-space; {@code dataset_name}, {@code anatomy}, {@code contrast},
 * {@code sequence_type}, {@code patient_id} from root attributes when present. Otherwise the dataset name is the
 * parent folder's name, the sequence type is the header's {@code sequence_type} or "unknown", and anatomy and
 * contrast are inferred from the protocol and file name (or "unknown").
 */
public final class CatalogScanner {
    public static final String UNKNOWN = IsmrmrdHeader.UNKNOWN;
    private static final Pattern SEQUENCE_TYPE = Pattern.compile("<(?:\\w+:)?sequence_type>\\s*([^<]*?)\\s*</(?:\\w+:)?sequence_type>");

    private CatalogScanner() {
    }

    /** The catalogue of the readable files, the failures, and how long it took. */
    public record Result(Catalog catalog, List<Failure> failures, int filesSeen, long nanos) {
        public double filesPerSecond() {
            return nanos <= 0 ? Double.NaN : filesSeen / (nanos / 1e9);
        }

        /** Writes the failures as CSV ({@code path,error}) atomically. */
        public void writeFailures(Path csv) {
            FailureList.write(csv, failures, true);
        }
    }

    /** Options of a scan. {@code datasetName} (nullable) overrides the parent-folder default. */
    public record Options(int threads, String datasetName, Consumer<Path> onFile) {
        public static Options defaults() {
            return new Options(Runtime.getRuntime().availableProcessors(), null, null);
        }

        public Options withThreads(int n) {
            return new Options(n, datasetName, onFile);
        }

        public Options withDatasetName(String name) {
            return new Options(threads, name, onFile);
        }

        public Options withProgress(Consumer<Path> callback) {
            return new Options(threads, datasetName, callback);
        }
    }

    /**
     * The {@code .h5} files under the given files and folders (recursively, following links, hidden names
     * skipped), sorted. Folders that cannot be listed are reported in {@code failures}.
     */
    public static List<Path> findFiles(List<Path> roots, List<Failure> failures) {
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            if (Files.isRegularFile(root)) {
                out.add(root);
                continue;
            }
            if (!Files.isDirectory(root)) throw new DataException(root, "no such file or directory");
            try {
                Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        return !dir.equals(root) && hidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (attrs.isRegularFile() && !hidden(file) && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".h5")) {
                            out.add(file);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        failures.add(new Failure(file, "cannot list: " + e.getClass().getSimpleName()
                                + (e.getMessage() == null ? "" : " " + e.getMessage())));
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                throw new DataException(root, "cannot list directory: " + e.getMessage(), e);
            }
        }
        out.sort(null);
        return out;
    }

    private static boolean hidden(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    /** Catalogues every {@code .h5} file under {@code roots}; rows are in path order. */
    public static Result scan(List<Path> roots, Options options) {
        long t0 = System.nanoTime();
        List<Failure> failures = new ArrayList<>();
        List<Path> files = findFiles(roots, failures);
        Result r = scanFiles(files, options);
        failures.addAll(r.failures());
        return new Result(r.catalog(), List.copyOf(failures), r.filesSeen(), System.nanoTime() - t0);
    }

    /** Catalogues the given files (e.g. from {@link #findFiles}); rows are in the given order. */
    public static Result scanFiles(List<Path> files, Options options) {
        long t0 = System.nanoTime();
        List<Failure> failures = new ArrayList<>();
        int threads = Math.max(1, Math.min(options.threads(), Math.max(1, files.size())));
        List<CatalogEntry> entries = new ArrayList<>(files.size());
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads("robustmri-catalog-"));
        try {
            List<Future<CatalogEntry>> futures = new ArrayList<>(files.size());
            for (Path f : files) {
                futures.add(pool.submit(() -> {
                    try {
                        return describe(f, options.datasetName());
                    } finally {
                        if (options.onFile() != null) options.onFile().accept(f);
                    }
                }));
            }
            for (int i = 0; i < files.size(); i++) {
                try {
                    entries.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    failures.add(new Failure(files.get(i), reason(files.get(i), e.getCause())));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("catalog scan interrupted", e);
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new Result(new Catalog(Catalog.COLUMNS, entries, "catalog"), List.copyOf(failures), files.size(),
                System.nanoTime() - t0);
    }

    private static String reason(Path file, Throwable t) {
        String m = t.getMessage();
        if (m == null) return t.getClass().getSimpleName();
        String prefix = file + ": ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }

    /** One catalog row for one file, from its header, attributes and dataset shapes. */
    public static CatalogEntry describe(Path file, String datasetNameOverride) {
        try (FastMriFile f = FastMriFile.open(file)) {
            Map<String, Object> attrs = f.attributes();
            KspaceGeometry g = f.kspace();
            String xml = f.headerXml().orElse(null);
            IsmrmrdHeader h = null;
            if (xml != null) {
                try {
                    h = IsmrmrdHeader.parse(xml);
                } catch (DataException e) {
                    throw new DataException(file, e.getMessage(), e);
                }
            }
            int[] target = null;
            for (String key : new String[]{FastMriFile.TARGET_RSS, FastMriFile.TARGET_ESC}) {
                if (f.has(key)) {
                    int[] s = f.shapeOf(key);
                    if (s.length >= 2) target = new int[]{s[s.length - 2], s[s.length - 1]};
                    break;
                }
            }
            String protocol = h == null ? UNKNOWN : h.protocol();
            if (isUnknown(protocol)) protocol = text(attrs.get("acquisition"), UNKNOWN);
            String fileName = file.getFileName().toString();
            Path parent = file.toAbsolutePath().normalize().getParent();

            Map<String, String> v = new LinkedHashMap<>();
            v.put(Catalog.FOLDER, folderText(parent));
            v.put(Catalog.FILENAME, fileName);
            v.put(Catalog.START_SLICE, "0");
            v.put(Catalog.END_SLICE, Integer.toString(g.slices()));
            v.put(Catalog.PROTOCOL, protocol);
            v.put(Catalog.SYSTEM_MODEL, h == null ? UNKNOWN : h.model());
            v.put(Catalog.FIELD_STRENGTH, h == null || Double.isNaN(h.fieldStrengthT()) ? "" : number(h.fieldStrengthT()));
            v.put(Catalog.RECEIVER_CHANNELS, Integer.toString(h != null && h.receiverChannels() > 0 ? h.receiverChannels() : g.coils()));
            v.put(Catalog.INSTITUTION, h == null ? UNKNOWN : h.institution());
            v.put(Catalog.SEQUENCE_TYPE, text(attrs.get("sequence_type"), sequenceTypeOf(xml)));
            v.put(Catalog.ENCODE_X, Integer.toString(h != null && h.encodedX() > 0 ? h.encodedX() : g.height()));
            v.put(Catalog.ENCODE_Y, Integer.toString(h != null && h.encodedY() > 0 ? h.encodedY() : g.width()));
            v.put(Catalog.RECON_X, Integer.toString(h != null && h.reconX() > 0 ? h.reconX() : target != null ? target[0] : g.height()));
            v.put(Catalog.RECON_Y, Integer.toString(h != null && h.reconY() > 0 ? h.reconY() : target != null ? target[1] : g.width()));
            v.put(Catalog.NUM_SLICES, Integer.toString(g.slices()));
            String dataset = datasetNameOverride != null ? datasetNameOverride
                    : text(attrs.get("dataset_name"), parent == null || parent.getFileName() == null ? UNKNOWN : parent.getFileName().toString());
            v.put(Catalog.DATASET, dataset);
            v.put(Catalog.PATIENT_ID, text(attrs.get("patient_id"), ""));
            v.put(Catalog.ANATOMY, text(attrs.get("anatomy"), inferAnatomy(protocol, fileName)));
            v.put(Catalog.HEADER_HASH, xml == null ? "" : headerHash(xml));
            v.put(Catalog.CONTRAST, text(attrs.get("contrast"), inferContrast(protocol)));
            return CatalogEntry.of(v);
        }
    }

    private static String folderText(Path parent) {
        if (parent == null) return "";
        String s = parent.toString();
        return s.endsWith("/") || s.endsWith("\\") ? s : s + "/";
    }

    private static boolean isUnknown(String s) {
        return s == null || s.isBlank() || s.equalsIgnoreCase(UNKNOWN);
    }

    private static String text(Object attribute, String absent) {
        if (attribute == null) return absent;
        String s = attribute instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(attribute);
        s = s.trim();
        return s.isEmpty() ? absent : s;
    }

    /** Shortest round-trip decimal of a field strength, e.g. {@code 2.89362}, {@code 3.0}. */
    static String number(double v) {
        return Double.toString(v);
    }

    /** The header's {@code sequenceParameters/sequence_type} (e.g. TurboSpinEcho), or "unknown". */
    static String sequenceTypeOf(String xml) {
        if (xml == null) return UNKNOWN;
        Matcher m = SEQUENCE_TYPE.matcher(xml);
        return m.find() && !m.group(1).isEmpty() ? m.group(1) : UNKNOWN;
    }

    /**
     * Anatomy from the protocol and file name: names with "phantom", "brain", "knee", "prostate" or "cardiac" say
     * so; otherwise axial protocols ({@code AX...}) are brain and {@code CORPD...}/{@code SAG...} knee as in fastMRI;
     * else "unknown".
     */
    public static String inferAnatomy(String protocol, String fileName) {
        String p = protocol == null ? "" : protocol.toUpperCase(Locale.ROOT);
        String both = (p + " " + (fileName == null ? "" : fileName)).toLowerCase(Locale.ROOT);
        for (String a : new String[]{"phantom", "brain", "knee", "prostate", "cardiac"}) {
            if (both.contains(a)) return a;
        }
        if (p.startsWith("AX")) return "brain";
        if (p.startsWith("CORPD") || p.startsWith("SAGPD") || p.startsWith("SAG_PD")) return "knee";
        return UNKNOWN;
    }

    /** Contrast from fastMRI-style protocol names: PDFS, PD, FLAIR, T1POST, T1, T2; else "unknown". */
    public static String inferContrast(String protocol) {
        String p = protocol == null ? "" : protocol.toUpperCase(Locale.ROOT);
        if (p.contains("PDFS")) return "PDFS";
        if (p.contains("PD")) return "PD";
        if (p.contains("FLAIR")) return "FLAIR";
        if (p.contains("T1POST") || p.contains("T1_POST")) return "T1POST";
        if (p.contains("T1")) return "T1";
        if (p.contains("T2")) return "T2";
        return UNKNOWN;
    }

    /** The first 16 hex digits of the SHA-256 of the header XML (UTF-8, surrounding whitespace trimmed). */
    public static String headerHash(String xml) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(xml.trim().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
