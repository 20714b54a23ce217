package org.robustmri.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The claims as one table, claim by architecture: each cell the estimate, its 95 % interval and the verdict. The report
 * opens with it and the terminal prints it at the end of a study.
 */
public final class ClaimsView {
    /** One row: the claim in a few words, then per architecture its cell (empty where the design does not allow it). */
    public record Row(String claim, String label, List<Claims.Claim> cells) {
    }

    private final String caption;
    private final List<String> models;
    private final List<String> names;
    private final List<Row> rows;

    ClaimsView(List<Claims.Claim> claims, Map<String, String> architectureNames, Analyses.Checkpoint rule) {
        caption = rule.label() + "; estimate [95 % interval over model seeds and test volumes]; a claim holds or fails only when"
                + " its whole interval is on one side of its margin, else it is undecided; analyses/claims.csv gives the half-widths that"
                + " seeds alone and test volumes alone would give, to show which of the two a narrower interval needs more of";
        Map<String, Integer> column = new LinkedHashMap<>();
        for (Claims.Claim c : claims) column.putIfAbsent(c.model(), column.size());
        models = List.copyOf(column.keySet());
        names = models.stream().map(m -> architectureNames.getOrDefault(m, m)).toList();
        Map<Class<?>, Row> byKind = new LinkedHashMap<>();
        for (Claims.Claim c : claims) {
            Row r = byKind.computeIfAbsent(c.getClass(), k -> {
                List<Claims.Claim> cells = new ArrayList<>();
                for (int i = 0; i < models.size(); i++) cells.add(null);
                return new Row(c.shortName(), c.label(), cells);
            });
            r.cells().set(column.get(c.model()), c);
        }
        rows = List.copyOf(byKind.values());
    }

    public String caption() {
        return caption;
    }

    public List<String> architectures() {
        return names;
    }

    /** The line above the terminal's table, or why there is none. */
    public String heading() {
        return rows.isEmpty() ? "Claims: none applies to this study's design (they compare models trained on different sets, on held-out distributions)."
                : "Claims (" + caption + "):";
    }

    public List<Row> rows() {
        return rows;
    }

    /** A cell as text: {@code -0.0138 [-0.0190, -0.0091] fails}, or {@code n/a} with the reason's first words. */
    public static String cell(Claims.Claim c) {
        if (c == null) return "not in this design";
        if (c.verdict() == Claims.Verdict.NOT_APPLICABLE) return "n/a: " + c.measure();
        return c.show() + " " + c.verdict().label();
    }

    /** The table as fixed-width text lines, one block per architecture (it stays readable in any terminal). */
    public List<String> text() {
        List<String> out = new ArrayList<>();
        for (int m = 0; m < models.size(); m++) {
            out.add(names.get(m) + ":");
            for (Row r : rows) {
                Claims.Claim c = r.cells().get(m);
                if (c == null) continue;
                out.add(String.format(Locale.ROOT, "  %-36s %s", r.label(), cell(c)));
            }
        }
        return out;
    }
}
