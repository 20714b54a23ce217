package org.robustmri.data;

import org.robustmri.io.DataException;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One catalog row: a volume (or a slice range [start, end) of it, as the paper's CSVs use) with its metadata.
 *
 * <p>Every cell is kept as the text of its column, so filters see exactly what the CSV says; the slice range is
 * parsed once. A relative {@code folderDirectory} (such as {@code ./} or {@code train/}) is relative to the folder of the catalog file the row
 * was read from (its {@link #base()}), so a catalog and the data beside it can move together. Rows are immutable; two
 * rows are equal when all their cells and their bases are equal.
 */
public final class CatalogEntry {
    private final Map<String, String> values;
    private final int startSlice;
    private final int endSlice;
    private final Path base;

    private CatalogEntry(Map<String, String> values, int startSlice, int endSlice, Path base) {
        this.values = Collections.unmodifiableMap(values);
        this.startSlice = startSlice;
        this.endSlice = endSlice;
        this.base = base;
    }

    /**
     * The row as read from a catalog in folder {@code catalogFolder}: a relative folder then resolves against it. Rows
     * with an absolute folder do not depend on where their catalog is and keep no base.
     */
    public CatalogEntry withBase(Path catalogFolder) {
        if (catalogFolder == null || folderDirectory().isBlank() || isAbsoluteFolder()) return new CatalogEntry(values, startSlice, endSlice, null);
        return new CatalogEntry(values, startSlice, endSlice, catalogFolder.toAbsolutePath().normalize());
    }

    /** The folder a relative {@code folderDirectory} resolves against; null for absolute or empty folders and parsed text. */
    public Path base() {
        return base;
    }

    private boolean isAbsoluteFolder() {
        String folder = folderDirectory().trim();
        return !folder.isEmpty() && (folder.startsWith("/") || folder.startsWith("\\") || folder.matches("^[A-Za-z]:[/\\\\].*"));
    }

    /**
     * A row from its cells. {@code filename} is required; the slice range comes from {@code start_slice}
     * (default 0) and {@code end_slice} (default {@code numSlices}). Whole numbers may be written as
     * {@code 12} or {@code 12.0}. Problems are reported as {@link IllegalArgumentException}s; the CSV reader
     * adds the file and line.
     */
    public static CatalogEntry of(Map<String, String> cells) {
        Map<String, String> v = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : cells.entrySet()) {
            v.put(e.getKey(), e.getValue() == null ? "" : e.getValue());
        }
        String file = v.getOrDefault(Catalog.FILENAME, "").trim();
        if (file.isEmpty()) throw new IllegalArgumentException("empty 'filename'");
        int start = wholeNumber(v, Catalog.START_SLICE, 0);
        Integer numSlices = optionalWholeNumber(v, Catalog.NUM_SLICES);
        Integer end = optionalWholeNumber(v, Catalog.END_SLICE);
        if (end == null) {
            if (numSlices == null) {
                throw new IllegalArgumentException("neither 'end_slice' nor 'numSlices' is given for " + file);
            }
            end = numSlices;
        }
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("slice range [" + start + ", " + end + ") of " + file + " is not valid");
        }
        if (numSlices != null && end > numSlices) {
            throw new IllegalArgumentException("end_slice " + end + " of " + file + " exceeds numSlices " + numSlices);
        }
        return new CatalogEntry(v, start, end, null);
    }

    private static int wholeNumber(Map<String, String> v, String column, int absent) {
        Integer n = optionalWholeNumber(v, column);
        return n == null ? absent : n;
    }

    private static Integer optionalWholeNumber(Map<String, String> v, String column) {
        String s = v.getOrDefault(column, "").trim();
        if (s.isEmpty()) return null;
        try {
            double d = Double.parseDouble(s);
            if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) throw new NumberFormatException();
            return (int) d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("column '" + column + "' is not a whole number: '" + s + "'");
        }
    }

    /** The cell of a column, or "" when the catalog has no such column. */
    public String get(String column) {
        return values.getOrDefault(column, "");
    }

    public boolean hasColumn(String column) {
        return values.containsKey(column);
    }

    /** All cells in column order (unmodifiable). */
    public Map<String, String> values() {
        return values;
    }

    public String folderDirectory() {
        return get(Catalog.FOLDER);
    }

    public String filename() {
        return get(Catalog.FILENAME).trim();
    }

    /** First slice of the range (inclusive). */
    public int startSlice() {
        return startSlice;
    }

    /** End of the range (exclusive). */
    public int endSlice() {
        return endSlice;
    }

    /** Number of slices in [start, end). */
    public int slices() {
        return endSlice - startSlice;
    }

    public String datasetName() {
        return get(Catalog.DATASET);
    }

    /** The {@code patient_id} cell, if it names a patient (not empty and not "unknown"). */
    public Optional<String> patientId() {
        String p = get(Catalog.PATIENT_ID).trim();
        return p.isEmpty() || p.equalsIgnoreCase("unknown") ? Optional.empty() : Optional.of(p);
    }

    /**
     * Folder (without trailing separators) and file name: the identity used for leakage checks; for a row with a
     * base, the absolute path of the file.
     */
    public String identity() {
        if (base != null) return path().toString();
        String folder = folderDirectory().trim();
        while (folder.length() > 1 && (folder.endsWith("/") || folder.endsWith("\\"))) {
            folder = folder.substring(0, folder.length() - 1);
        }
        return folder.isEmpty() ? filename() : folder + "/" + filename();
    }

    /** The file as the row names it: {@code folderDirectory/filename} (just the file name when the folder is empty). */
    public Path path() {
        String folder = folderDirectory().trim();
        try {
            Path p = folder.isEmpty() ? Path.of(filename()) : Path.of(folder).resolve(filename());
            return base == null ? p : base.resolve(p).normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a valid path: " + folder + " / " + filename());
        }
    }

    /**
     * Where the file is under {@code dataRoot}, trying {@code root/filename}, then {@code root/<last folder>/filename},
     * {@code root/<last two folders>/filename} and so on, so a catalog written on another machine (the paper's
     * paths are its authors' own) points into the user's copy of the data. With a null root, {@link #path()}.
     */
    public Optional<Path> locate(Path dataRoot) {
        if (dataRoot == null) {
            Path p = path();
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        }
        for (Path candidate : candidates(dataRoot)) {
            if (Files.isRegularFile(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    /** Like {@link #locate} but fails with a {@link DataException} naming the file and where it was looked for. */
    public Path resolve(Path dataRoot) {
        return locate(dataRoot).orElseThrow(() -> {
            List<Path> c = dataRoot == null ? List.of(path()) : candidates(dataRoot);
            return new DataException(c.get(c.size() - 1), "no such file"
                    + (c.size() > 1 ? " (also looked for " + c.get(0) + " and " + (c.size() - 2) + " other place(s))" : ""));
        });
    }

    /** The places {@link #locate} tries under a root, shortest first. */
    public List<Path> candidates(Path dataRoot) {
        List<String> parts = new ArrayList<>();
        for (String s : folderDirectory().trim().split("[/\\\\]+")) {
            if (!s.isEmpty() && !s.equals(".")) parts.add(s);
        }
        List<Path> out = new ArrayList<>();
        for (int keep = 0; keep <= parts.size(); keep++) {
            Path p = dataRoot;
            for (String s : parts.subList(parts.size() - keep, parts.size())) p = p.resolve(s);
            out.add(p.resolve(filename()));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CatalogEntry e && startSlice == e.startSlice && endSlice == e.endSlice && values.equals(e.values)
                && Objects.equals(base, e.base);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values, startSlice, endSlice, base);
    }

    @Override
    public String toString() {
        return identity() + "[" + startSlice + ", " + endSlice + ")";
    }
}
