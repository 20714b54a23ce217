package org.robustmri.io;

import java.util.ArrayList;
import java.util.List;

/** RFC 4180 CSV as pandas reads and writes it: comma separated, double-quoted cells may hold commas, quotes, newlines. */
public final class Csv {
    private Csv() {
    }

    /** One parsed record with the 1-based line number it starts on. */
    public record Row(int line, List<String> cells) {
    }

    /** Splits text into records; a byte-order mark and blank lines are ignored. Fails on an unterminated quote. */
    public static List<Row> parse(String text) {
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') text = text.substring(1);
        List<Row> rows = new ArrayList<>();
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false, cellStarted = false;
        int line = 1, rowLine = 1;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') line++;
                    cell.append(c);
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    quoted = true;
                    cellStarted = true;
                }
                case ',' -> {
                    cells.add(cell.toString());
                    cell.setLength(0);
                    cellStarted = true;
                }
                case '\r' -> {
                    // part of a CRLF line end; a lone CR is treated the same way
                }
                case '\n' -> {
                    endRow(rows, cells, cell, cellStarted, rowLine);
                    cells = new ArrayList<>();
                    cellStarted = false;
                    line++;
                    rowLine = line;
                }
                default -> {
                    cell.append(c);
                    cellStarted = true;
                }
            }
        }
        if (quoted) throw new IllegalArgumentException("line " + rowLine + ": unterminated quoted cell");
        endRow(rows, cells, cell, cellStarted, rowLine);
        return rows;
    }

    private static void endRow(List<Row> rows, List<String> cells, StringBuilder cell, boolean started, int line) {
        if (!started && cells.isEmpty() && cell.length() == 0) return; // blank line
        cells.add(cell.toString());
        cell.setLength(0);
        rows.add(new Row(line, cells));
    }

    /** Formats one record, quoting only cells that need it. */
    public static String format(List<String> cells) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) sb.append(',');
            String v = cells.get(i) == null ? "" : cells.get(i);
            boolean quote = v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0
                    || v.indexOf('\r') >= 0 || (!v.isEmpty() && (v.charAt(0) == ' ' || v.charAt(v.length() - 1) == ' '));
            if (quote) {
                sb.append('"').append(v.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(v);
            }
        }
        return sb.append('\n').toString();
    }
}
