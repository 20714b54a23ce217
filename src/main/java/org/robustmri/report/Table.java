package org.robustmri.report;

import org.robustmri.io.AtomicFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A small named table of strings: written as CSV and shown in the HTML report. */
public record Table(String name, String title, List<String> header, List<List<String>> rows) {
    public Table(String name, String title, List<String> header) {
        this(name, title, header, new ArrayList<>());
    }

    public void add(Object... cells) {
        List<String> r = new ArrayList<>();
        for (Object c : cells) r.add(c instanceof Double d ? fmt(d) : String.valueOf(c));
        rows.add(r);
    }

    static String fmt(double d) {
        return Double.isNaN(d) ? "" : String.format(java.util.Locale.ROOT, "%.4f", d);
    }

    public String toCsv() {
        StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
        for (List<String> r : rows) {
            List<String> q = new ArrayList<>();
            for (String c : r) q.add(c.contains(",") ? "\"" + c.replace("\"", "\"\"") + "\"" : c);
            sb.append(String.join(",", q)).append('\n');
        }
        return sb.toString();
    }

    public void write(Path dir) {
        AtomicFiles.writeString(dir.resolve(name + ".csv"), toCsv());
    }
}
