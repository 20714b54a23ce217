package org.robustmri.data;

import org.robustmri.io.Csv;
import org.robustmri.io.DataException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pathology bounding boxes as fastMRI+ publishes them ({@code file,slice,study_level,x,y,width,height,label}, e.g.
 * {@code Annotations/brain.csv}) or as the paper's {@code pathology_testset.csv} lists them (catalog columns with
 * {@code filename}, {@code start_slice} and the same box columns). Coordinates are pixels of the target-sized
 * image flipped up/down, as the annotators saw it. Study-level rows (no box) are skipped and counted.
 */
public final class PathologyBoxes {
    /** One box on one slice; {@code file} is the volume's name without {@code .h5}. */
    public record Box(String file, int slice, int x, int y, int width, int height, String label) {
        /** Box area over image area. */
        public double relativeArea(int imageHeight, int imageWidth) {
            return (double) width * height / ((double) imageHeight * imageWidth);
        }
    }

    private final List<Box> boxes;
    private final int studyLevelRows;
    private final String source;

    public PathologyBoxes(List<Box> boxes, int studyLevelRows, String source) {
        this.boxes = List.copyOf(boxes);
        this.studyLevelRows = studyLevelRows;
        this.source = source;
    }

    public List<Box> boxes() {
        return boxes;
    }

    /** Rows that describe the whole study (no box), skipped. */
    public int studyLevelRows() {
        return studyLevelRows;
    }

    public String source() {
        return source;
    }

    /** Boxes per volume name (without {@code .h5}), in file order. */
    public Map<String, List<Box>> byFile() {
        Map<String, List<Box>> out = new LinkedHashMap<>();
        for (Box b : boxes) out.computeIfAbsent(b.file(), k -> new ArrayList<>()).add(b);
        out.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return Collections.unmodifiableMap(out);
    }

    /** The volume name a box refers to: a file name without directory and {@code .h5}. */
    public static String volumeName(String file) {
        String f = file.trim();
        int slash = Math.max(f.lastIndexOf('/'), f.lastIndexOf('\\'));
        if (slash >= 0) f = f.substring(slash + 1);
        return f.endsWith(".h5") ? f.substring(0, f.length() - 3) : f;
    }

    public static PathologyBoxes read(Path csv) {
        String text;
        try {
            text = Files.readString(csv, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DataException(csv, "no such annotation file", e);
        } catch (IOException e) {
            throw new DataException(csv, "cannot read annotations: " + e.getMessage(), e);
        }
        try {
            return parse(text, csv.toString());
        } catch (IllegalArgumentException e) {
            throw new DataException(csv, e.getMessage(), e);
        }
    }

    /** Parses either format; problems are {@link IllegalArgumentException}s naming the line. */
    public static PathologyBoxes parse(String text, String source) {
        List<Csv.Row> rows = Csv.parse(text);
        if (rows.isEmpty()) throw new IllegalArgumentException("empty annotation file");
        Map<String, Integer> col = new HashMap<>();
        List<String> header = rows.get(0).cells();
        for (int i = 0; i < header.size(); i++) col.putIfAbsent(header.get(i).trim(), i);
        String fileCol = col.containsKey("file") ? "file" : col.containsKey("filename") ? "filename" : null;
        String sliceCol = col.containsKey("slice") ? "slice" : col.containsKey("start_slice") ? "start_slice" : null;
        List<String> missing = new ArrayList<>();
        if (fileCol == null) missing.add("file (or filename)");
        if (sliceCol == null) missing.add("slice (or start_slice)");
        for (String c : List.of("x", "y", "width", "height", "label")) if (!col.containsKey(c)) missing.add(c);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("not a fastMRI+ annotation file: no column " + String.join(", ", missing)
                    + " (header: " + String.join(",", header) + ")");
        }
        List<Box> boxes = new ArrayList<>();
        int study = 0;
        for (Csv.Row r : rows.subList(1, rows.size())) {
            List<String> c = r.cells();
            if (c.size() != header.size()) {
                throw new IllegalArgumentException("line " + r.line() + ": " + c.size() + " cells, the header has " + header.size());
            }
            String level = col.containsKey("study_level") ? c.get(col.get("study_level")).trim() : "";
            String x = c.get(col.get("x")).trim();
            if (level.equalsIgnoreCase("yes") || x.isEmpty()) {
                study++;
                continue;
            }
            try {
                Box b = new Box(volumeName(c.get(col.get(fileCol))), whole(c.get(col.get(sliceCol)), sliceCol), whole(x, "x"),
                        whole(c.get(col.get("y")), "y"), whole(c.get(col.get("width")), "width"), whole(c.get(col.get("height")), "height"),
                        c.get(col.get("label")).trim());
                if (b.file().isEmpty()) throw new IllegalArgumentException("empty file name");
                if (b.slice() < 0 || b.x() < 0 || b.y() < 0) throw new IllegalArgumentException("negative slice or box corner");
                if (b.width() < 1 || b.height() < 1) {
                    throw new IllegalArgumentException("box of " + b.width() + "x" + b.height() + " pixels");
                }
                boxes.add(b);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + r.line() + ": " + e.getMessage(), e);
            }
        }
        return new PathologyBoxes(boxes, study, source);
    }

    /** A whole number written as {@code 12} or {@code 12.0}. */
    private static int whole(String s, String what) {
        String t = s.trim();
        double v;
        try {
            v = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " is not a number: '" + t + "'");
        }
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s is not a whole number: '%s'", what, t));
        }
        return (int) v;
    }
}
