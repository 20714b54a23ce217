package org.robustmri.data;

import org.robustmri.io.Csv;
import org.robustmri.io.AtomicFiles;
import org.robustmri.io.DataException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A table of volumes with their metadata, one row per volume (or slice range), as the paper's split CSVs.
 *
 * <p>Columns are read by header name, in any order; unknown columns are kept and written back, missing optional
 * ones read as empty. Only {@code filename} and a slice end ({@code end_slice} or {@code numSlices}) are required.
 * The paper's CSVs are valid catalogs as they are.
 */
public final class Catalog {
    public static final String FOLDER = "folderDirectory";
    public static final String FILENAME = "filename";
    public static final String START_SLICE = "start_slice";
    public static final String END_SLICE = "end_slice";
    public static final String PROTOCOL = "protocolName";
    public static final String SYSTEM_MODEL = "systemModel";
    public static final String FIELD_STRENGTH = "systemFieldStrength_T";
    public static final String RECEIVER_CHANNELS = "receiverChannels";
    public static final String INSTITUTION = "institutionName";
    public static final String SEQUENCE_TYPE = "sequence_type";
    public static final String ENCODE_X = "encodeX";
    public static final String ENCODE_Y = "encodeY";
    public static final String RECON_X = "reconX";
    public static final String RECON_Y = "reconY";
    public static final String NUM_SLICES = "numSlices";
    public static final String DATASET = "datasetName";
    public static final String PATIENT_ID = "patient_id";
    public static final String ANATOMY = "anatomy";
    public static final String HEADER_HASH = "header_hash";
    public static final String CONTRAST = "contrast";

    /** The paper's columns, in the paper's order. */
    public static final List<String> PAPER_COLUMNS = List.of(FOLDER, FILENAME, START_SLICE, END_SLICE, PROTOCOL,
            SYSTEM_MODEL, FIELD_STRENGTH, RECEIVER_CHANNELS, INSTITUTION, SEQUENCE_TYPE, ENCODE_X, ENCODE_Y, RECON_X,
            RECON_Y, NUM_SLICES, DATASET);

    /** The columns {@link CatalogScanner} writes: the paper's, then patient, anatomy, header hash and contrast. */
    public static final List<String> COLUMNS;

    static {
        List<String> c = new ArrayList<>(PAPER_COLUMNS);
        c.addAll(List.of(PATIENT_ID, ANATOMY, HEADER_HASH, CONTRAST));
        COLUMNS = List.copyOf(c);
    }

    private final List<String> columns;
    private final List<CatalogEntry> entries;
    private final String source;

    /**
     * A catalog over {@code columns}; every entry's cells must use only these columns. {@code source} names where
     * it came from (a file name) for messages.
     */
    public Catalog(List<String> columns, List<CatalogEntry> entries, String source) {
        this.columns = List.copyOf(columns);
        this.entries = List.copyOf(entries);
        this.source = source == null ? "catalog" : source;
        Set<String> known = new HashSet<>(this.columns);
        if (known.size() != this.columns.size()) throw new IllegalArgumentException(this.source + ": repeated column names " + columns);
        for (CatalogEntry e : this.entries) {
            for (String k : e.values().keySet()) {
                if (!known.contains(k)) {
                    throw new IllegalArgumentException(this.source + ": row " + e + " has column '" + k
                            + "' which the catalog does not declare");
                }
            }
        }
    }

    /** Reads a catalog CSV; failures are {@link DataException}s naming the file (and line). */
    public static Catalog read(Path csv) {
        String text;
        try {
            text = Files.readString(csv, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DataException(csv, "no such file");
        } catch (IOException e) {
            throw new DataException(csv, "cannot read: " + e.getMessage(), e);
        }
        Catalog parsed;
        try {
            parsed = parse(text, csv.toString());
        } catch (IllegalArgumentException e) {
            throw new DataException(csv, e.getMessage(), e);
        }
        Path folder = csv.toAbsolutePath().normalize().getParent();
        List<CatalogEntry> based = new ArrayList<>(parsed.size());
        for (CatalogEntry e : parsed.entries()) based.add(e.withBase(folder));
        return new Catalog(parsed.columns(), based, parsed.source());
    }

    /** Parses CSV text; failures are {@link IllegalArgumentException}s with the line number. */
    public static Catalog parse(String text, String source) {
        List<Csv.Row> rows = Csv.parse(text);
        if (rows.isEmpty()) throw new IllegalArgumentException("empty file: no header row");
        List<String> header = new ArrayList<>();
        for (String h : rows.get(0).cells()) header.add(h.trim());
        if (header.size() == 1 && header.get(0).isEmpty()) throw new IllegalArgumentException("empty header row");
        Set<String> seen = new HashSet<>();
        for (String h : header) {
            if (h.isEmpty()) throw new IllegalArgumentException("line 1: a column has no name");
            if (!seen.add(h)) throw new IllegalArgumentException("line 1: column '" + h + "' appears twice");
        }
        if (!seen.contains(FILENAME)) {
            throw new IllegalArgumentException("line 1: no 'filename' column (columns: " + String.join(", ", header) + ")");
        }
        if (!seen.contains(END_SLICE) && !seen.contains(NUM_SLICES)) {
            throw new IllegalArgumentException("line 1: needs an 'end_slice' or a 'numSlices' column");
        }
        List<CatalogEntry> entries = new ArrayList<>(rows.size() - 1);
        for (Csv.Row row : rows.subList(1, rows.size())) {
            List<String> cells = row.cells();
            if (cells.size() > header.size()) {
                throw new IllegalArgumentException("line " + row.line() + ": " + cells.size() + " cells but "
                        + header.size() + " columns");
            }
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) m.put(header.get(i), i < cells.size() ? cells.get(i) : "");
            try {
                entries.add(CatalogEntry.of(m));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + row.line() + ": " + e.getMessage(), e);
            }
        }
        return new Catalog(header, entries, source);
    }

    /** The CSV text: header, then one line per entry, in column order, each cell as it was read. */
    public String toCsv() {
        return toCsv(null);
    }

    /**
     * The CSV text for a file in {@code folder}: folders of files under it are written relative to it (so the catalog
     * and its data move together), rows read relative to another catalog get their absolute folder.
     */
    private String toCsv(Path folder) {
        StringBuilder sb = new StringBuilder(Csv.format(columns));
        List<String> cells = new ArrayList<>(columns.size());
        for (CatalogEntry e : entries) {
            cells.clear();
            for (String c : columns) cells.add(c.equals(FOLDER) && folder != null ? folderFor(e, folder) : e.get(c));
            sb.append(Csv.format(cells));
        }
        return sb.toString();
    }

    private static String folderFor(CatalogEntry e, Path folder) {
        String written = e.folderDirectory().trim();
        Path abs;
        if (e.base() != null) {
            abs = e.base().resolve(written).normalize();
        } else if (!written.isEmpty() && Path.of(written).isAbsolute()) {
            abs = Path.of(written).normalize();
        } else {
            return e.folderDirectory(); // relative to nothing known: as given
        }
        if (!abs.startsWith(folder)) return abs + "/";
        String rel = folder.relativize(abs).toString();
        return rel.isEmpty() ? "./" : rel + "/";
    }

    /** Writes the CSV under a temporary name and renames it when complete. */
    public void write(Path csv) {
        AtomicFiles.writeString(csv, toCsv(csv.toAbsolutePath().normalize().getParent()));
    }

    public List<String> columns() {
        return columns;
    }

    public boolean hasColumn(String column) {
        return columns.contains(column);
    }

    public List<CatalogEntry> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Where the catalog came from (a file name), for messages. */
    public String source() {
        return source;
    }

    /** Sum of the slice ranges of all rows. */
    public long totalSlices() {
        long n = 0;
        for (CatalogEntry e : entries) n += e.slices();
        return n;
    }

    /** Number of distinct files (a file may appear in several rows with different slice ranges). */
    public int distinctFiles() {
        Set<String> ids = new HashSet<>();
        for (CatalogEntry e : entries) ids.add(e.identity());
        return ids.size();
    }

    /** The same columns over other entries (e.g. a selection). */
    public Catalog withEntries(Collection<CatalogEntry> subset, String newSource) {
        return new Catalog(columns, new ArrayList<>(subset), newSource == null ? source : newSource);
    }

    /** Rows of several catalogs in order, over the union of their columns (first appearance order). */
    public static Catalog concat(List<Catalog> catalogs, String source) {
        Set<String> cols = new LinkedHashSet<>();
        List<CatalogEntry> all = new ArrayList<>();
        for (Catalog c : catalogs) {
            cols.addAll(c.columns());
            all.addAll(c.entries());
        }
        return new Catalog(new ArrayList<>(cols), all, source);
    }

    @Override
    public String toString() {
        return source + " (" + entries.size() + " rows, " + totalSlices() + " slices)";
    }
}
