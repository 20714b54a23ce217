package org.robustmri.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rows a {@link Distribution} selects from a {@link Catalog}, with how many rows each filter matched and
 * per-value counts, so a split can be checked before training.
 */
public record Selection(Distribution distribution, Catalog catalog, List<CatalogEntry> entries, int[] rowsPerFilter) {
    public Selection {
        entries = List.copyOf(entries);
        rowsPerFilter = rowsPerFilter.clone();
    }

    /** The columns the {@code select} command counts by, when the catalog has them. */
    public static final List<String> SUMMARY_COLUMNS = List.of(Catalog.PROTOCOL, Catalog.SYSTEM_MODEL,
            Catalog.FIELD_STRENGTH, Catalog.RECEIVER_CHANNELS, Catalog.DATASET, Catalog.ANATOMY);

    @Override
    public int[] rowsPerFilter() {
        return rowsPerFilter.clone();
    }

    public int rows() {
        return entries.size();
    }

    /** Distinct files among the selected rows. */
    public int volumes() {
        Set<String> ids = new HashSet<>();
        for (CatalogEntry e : entries) ids.add(e.identity());
        return ids.size();
    }

    public long slices() {
        long n = 0;
        for (CatalogEntry e : entries) n += e.slices();
        return n;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Filters (1-based) that match no row; the paper's loader refuses those as probable typos. */
    public List<Integer> emptyFilters() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < rowsPerFilter.length; i++) if (rowsPerFilter[i] == 0) out.add(i + 1);
        return out;
    }

    /**
     * Per value of {@code column}: number of selected rows and slices; numbers sorted by value before text, empty
     * cells (key "") first.
     */
    public Map<String, long[]> countsBy(String column) {
        Map<String, long[]> out = new TreeMap<>(Selection::compareValues);
        for (CatalogEntry e : entries) {
            long[] c = out.computeIfAbsent(e.get(column).trim(), k -> new long[2]);
            c[0]++;
            c[1] += e.slices();
        }
        return out;
    }

    /** The selected rows as a catalog with the same columns. */
    public Catalog asCatalog() {
        return catalog.withEntries(entries, catalog.source() + " | " + distribution.name());
    }

    private static int compareValues(String a, String b) {
        Double x = Distribution.number(a), y = Distribution.number(b);
        int ra = a.isEmpty() ? 0 : x != null ? 1 : 2, rb = b.isEmpty() ? 0 : y != null ? 1 : 2;
        if (ra != rb) return Integer.compare(ra, rb);
        if (ra == 1) {
            int c = Double.compare(x, y);
            if (c != 0) return c;
        }
        return a.compareTo(b);
    }
}
