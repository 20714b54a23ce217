package org.robustmri.report;

import org.robustmri.io.DataException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SSIM rows of a long-form results.csv, reduced to per-volume sums: the unit every analysis averages
 * over (slice-weighted means, volume-bootstrap intervals).
 */
public final class ResultTable {
    /** SSIM of one volume under one model checkpoint on one test set. */
    public record VolumeSsim(String run, String trainSet, int epoch, String testSet, String volume, double sum, int slices) {
        public double mean() {
            return sum / slices;
        }
    }

    private final List<VolumeSsim> rows;

    public ResultTable(List<VolumeSsim> rows) {
        this.rows = rows;
    }

    public List<VolumeSsim> rows() {
        return rows;
    }

    /** The same rows without those of the given test sets. */
    public ResultTable without(java.util.Set<String> testSets) {
        if (testSets.isEmpty()) return this;
        return new ResultTable(rows.stream().filter(r -> !testSets.contains(r.testSet())).toList());
    }

    /** Reads the per-slice {@code ssim} rows (the paper's slice aggregation) of a results.csv. */
    public static ResultTable read(Path csv) {
        Map<String, double[]> acc = new LinkedHashMap<>();
        Map<String, String[]> keys = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null || !header.startsWith("run,train_set,checkpoint,epoch,test_set,volume,slice,metric,value")) {
                throw new DataException(csv, "not a robustmri results.csv (header: " + header + ")");
            }
            String line;
            int n = 1;
            while ((line = r.readLine()) != null) {
                n++;
                List<String> f = split(line);
                if (f.size() < 9) throw new DataException(csv, "line " + n + " has " + f.size() + " fields");
                if (!f.get(7).equals("ssim")) continue;
                String key = f.get(0) + "\u0000" + f.get(3) + "\u0000" + f.get(4) + "\u0000" + f.get(5);
                double[] a = acc.computeIfAbsent(key, k -> new double[2]);
                a[0] += Double.parseDouble(f.get(8));
                a[1] += 1;
                keys.putIfAbsent(key, new String[]{f.get(0), f.get(1), f.get(3), f.get(4), f.get(5)});
            }
        } catch (IOException e) {
            throw new DataException(csv, "cannot read: " + e.getMessage(), e);
        } catch (NumberFormatException e) {
            throw new DataException(csv, "bad number: " + e.getMessage(), e);
        }
        List<VolumeSsim> out = new ArrayList<>();
        acc.forEach((k, a) -> {
            String[] kk = keys.get(k);
            out.add(new VolumeSsim(kk[0], kk[1], Integer.parseInt(kk[2]), kk[3], kk[4], a[0], (int) a[1]));
        });
        return new ResultTable(out);
    }

    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
