package org.robustmri.cli;

import org.robustmri.data.Catalog;
import org.robustmri.data.CatalogEntry;
import org.robustmri.data.Distribution;
import org.robustmri.data.Selection;
import org.robustmri.io.DataException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "select", description = {
        "Shows what a distribution selects from a catalog: volumes, slices, rows per filter, and counts per protocol, scanner, field strength, coils, dataset and anatomy, so a split can be checked before training.",
        "The distribution is a YAML list of attribute filters (keys ANDed within a filter, filters ORed), one filter mapping, or an experiment config whose train_attr or test_attr is used (--key)."})
final class SelectCommand implements Callable<Integer> {
    @Option(names = "--catalog", required = true, paramLabel = "CATALOG.csv", description = "A catalog (or one of the paper's split CSVs).")
    Path catalog;

    @Option(names = "--distribution", required = true, paramLabel = "SPEC.yaml", description = "The distribution specification.")
    Path distribution;

    @Option(names = "--key", paramLabel = "KEY", description = "Entry of a config file to use, e.g. train_attr or test_attr (default: train_attr for configs).")
    String key;

    @Option(names = "--data-root", paramLabel = "DIR", description = "Check that every selected file exists under DIR (catalog folders are rebased onto it).")
    Path dataRoot;

    @Option(names = "--list", description = "Also print one line per selected row (file, slice range).")
    boolean list;

    @Option(names = "--out", paramLabel = "SELECTED.csv", description = "Write the selected rows as a catalog.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (dataRoot != null && !Files.isDirectory(dataRoot)) throw new DataException(dataRoot, "no such directory");
        Catalog cat = Catalog.read(catalog);
        Distribution dist = Distribution.read(distribution, key);
        Selection sel = dist.select(cat);
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        o.println("distribution: " + dist.name() + " (" + dist.filters().size() + " filter(s))");
        o.println("catalog: " + catalog + " (" + cat.size() + " rows, " + cat.distinctFiles() + " files, " + cat.totalSlices() + " slices)");
        o.printf(Locale.ROOT, "selected: %d volume(s), %d row(s), %d slice(s)%n", sel.volumes(), sel.rows(), sel.slices());
        int[] perFilter = sel.rowsPerFilter();
        o.println("rows per filter:");
        for (int i = 0; i < perFilter.length; i++) {
            o.printf(Locale.ROOT, "  %3d  %6d  %s%n", i + 1, perFilter[i], dist.filters().get(i));
        }
        for (String column : Selection.SUMMARY_COLUMNS) {
            if (!cat.hasColumn(column) || sel.isEmpty()) continue;
            o.println(column + ":  (rows, slices)");
            for (Map.Entry<String, long[]> e : sel.countsBy(column).entrySet()) {
                o.printf(Locale.ROOT, "  %-24s %6d %8d%n", e.getKey().isEmpty() ? "(empty)" : e.getKey(), e.getValue()[0], e.getValue()[1]);
            }
        }
        if (list) {
            o.println("rows:");
            for (CatalogEntry e : sel.entries()) {
                o.printf(Locale.ROOT, "  %s  [%d, %d)%n", e.identity(), e.startSlice(), e.endSlice());
            }
        }
        for (int f : sel.emptyFilters()) err.println("warning: filter " + f + " " + dist.filters().get(f - 1) + " selects nothing");
        if (sel.isEmpty()) err.println("warning: the distribution selects nothing from " + catalog);
        if (out != null) {
            sel.asCatalog().write(out);
            o.println("wrote " + sel.rows() + " row(s) to " + out);
        }
        o.flush();
        err.flush();
        if (dataRoot != null) checkFiles(sel, o);
        return 0;
    }

    private void checkFiles(Selection sel, PrintWriter o) {
        List<CatalogEntry> missing = new ArrayList<>();
        for (CatalogEntry e : sel.entries()) if (e.locate(dataRoot).isEmpty()) missing.add(e);
        if (missing.isEmpty()) {
            o.println("files: all " + sel.rows() + " selected row(s) found under " + dataRoot);
            o.flush();
            return;
        }
        List<Path> tried = missing.get(0).candidates(dataRoot);
        throw new DataException(tried.get(tried.size() - 1), "not found under " + dataRoot + " ("
                + missing.size() + " of " + sel.rows() + " selected row(s) missing; also looked for " + tried.get(0) + ")");
    }
}
