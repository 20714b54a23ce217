package org.robustmri.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The report's figures as PNG bytes (XChart, headless). */
public final class Charts {
    private static final int W = 760;
    private static final int H = 440;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    public static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Grouped bars: one group per test set of the P vs Q table, one bar per model. */
    public static byte[] pVsQ(Analyses a) {
        CategoryChart c = new CategoryChartBuilder().width(W).height(H).title("P vs Q vs P+Q (in-distribution SSIM)")
                .xAxisTitle("test set (mixture)").yAxisTitle("SSIM").build();
        List<String> groups = new ArrayList<>();
        List<Double> p = new ArrayList<>(), q = new ArrayList<>(), m = new ArrayList<>();
        for (List<String> r : a.pVsQ().rows()) {
            groups.add(r.get(1) + " (" + r.get(0) + ")");
            p.add(first(r.get(2)));
            q.add(first(r.get(3)));
            m.add(first(r.get(4)));
        }
        if (groups.isEmpty()) return null;
        c.addSeries("trained on P", groups, p);
        c.addSeries("trained on Q", groups, q);
        c.addSeries("trained on P+Q", groups, m);
        c.getStyler().setYAxisMin(minOf(p, q, m) - 0.02);
        c.getStyler().setXAxisLabelRotation(20);
        return png(c);
    }

    /** Bars: mixture minus best single per test set. */
    public static byte[] diversity(Analyses a) {
        CategoryChart c = new CategoryChartBuilder().width(W).height(H).title("Mixture minus best single-distribution model")
                .xAxisTitle("test set").yAxisTitle("SSIM difference").build();
        // every series must cover the same categories: one value per test set, 0 where a mixture has none
        List<String> tests = a.testSets();
        Map<String, double[]> byMix = new TreeMap<>();
        for (List<String> r : a.diversity().rows()) {
            double[] v = byMix.computeIfAbsent(r.get(2), k -> new double[tests.size()]);
            v[tests.indexOf(r.get(0))] = Double.parseDouble(r.get(6));
        }
        if (byMix.isEmpty()) return null;
        byMix.forEach((k, v) -> {
            List<Double> vals = new ArrayList<>();
            for (double d : v) vals.add(d);
            c.addSeries(k, tests, vals);
        });
        c.getStyler().setXAxisLabelRotation(20);
        return png(c);
    }

    /** Scatter of ID vs OOD SSIM with the linear fit through single-distribution models. */
    public static byte[] robustness(Analyses a) {
        XYChart c = new XYChartBuilder().width(W).height(H).title("Robustness: in- vs out-of-distribution SSIM")
                .xAxisTitle("in-distribution SSIM").yAxisTitle("out-of-distribution SSIM").build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setMarkerSize(10);
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (List<String> r : a.robustness().rows()) {
            if (r.get(2).isEmpty() || r.get(3).isEmpty()) continue;
            double id = Double.parseDouble(r.get(2)), ood = Double.parseDouble(r.get(3));
            XYSeries s = c.addSeries(r.get(0) + " (" + r.get(1) + ")", new double[]{id}, new double[]{ood});
            s.setMarker(r.get(1).equals("single") ? SeriesMarkers.CIRCLE : SeriesMarkers.DIAMOND);
            lo = Math.min(lo, id);
            hi = Math.max(hi, id);
        }
        Analyses.Fit f = a.robustnessFit();
        if (!Double.isNaN(f.slope()) && hi > lo) {
            XYSeries line = c.addSeries("fit (single models)", new double[]{lo, hi}, new double[]{f.at(lo), f.at(hi)});
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(Color.GRAY);
        }
        return png(c);
    }

    /** ID (solid) and OOD (dashed) SSIM over epochs, one pair of lines per run. */
    public static byte[] overfitting(Analyses a) {
        XYChart c = new XYChartBuilder().width(W).height(H).title("SSIM over training: in-distribution (solid) and out-of-distribution (dashed)")
                .xAxisTitle("epoch").yAxisTitle("SSIM").build();
        c.getStyler().setMarkerSize(4);
        int k = 0;
        for (Map.Entry<String, TreeMap<Integer, double[]>> e : a.curves().entrySet()) {
            TreeMap<Integer, double[]> s = e.getValue();
            if (s.isEmpty()) continue;
            double[] x = new double[s.size()], id = new double[s.size()], ood = new double[s.size()];
            int i = 0;
            for (Map.Entry<Integer, double[]> p : s.entrySet()) {
                x[i] = p.getKey();
                id[i] = p.getValue()[0];
                ood[i] = p.getValue()[1];
                i++;
            }
            Color color = PALETTE[k++ % PALETTE.length];
            XYSeries a1 = c.addSeries(e.getKey() + " ID", x, id);
            a1.setLineColor(color);
            a1.setMarkerColor(color);
            if (!Double.isNaN(ood[0])) {
                XYSeries a2 = c.addSeries(e.getKey() + " OOD", x, ood);
                a2.setLineColor(color);
                a2.setMarkerColor(color);
                a2.setLineStyle(new java.awt.BasicStroke(2f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f, new float[]{6f, 4f}, 0f));
            }
        }
        c.getStyler().setLegendVisible(a.curves().size() <= 8);
        return png(c);
    }

    /** Heat map of the train x test SSIM matrix. */
    public static byte[] matrix(Analyses a) {
        List<String> train = a.trainSets(), test = a.testSets();
        if (train.isEmpty() || test.isEmpty()) return null;
        HeatMapChart c = new HeatMapChartBuilder().width(W).height(Math.max(H, 60 * train.size() + 160)).title("Train x test SSIM")
                .xAxisTitle("test set").yAxisTitle("training set").build();
        List<Number[]> cells = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            for (int j = 0; j < train.size(); j++) {
                double v = a.cell(train.get(j), test.get(i)).mean();
                cells.add(new Number[]{i, j, Double.isNaN(v) ? 0 : Math.round(v * 1000) / 1000.0});
            }
        }
        c.addSeries("ssim", test, train, cells);
        c.getStyler().setShowValue(true);
        c.getStyler().setRangeColors(new Color[]{new Color(247, 251, 255), new Color(107, 174, 214), new Color(8, 48, 107)});
        c.getStyler().setXAxisLabelRotation(20);
        return png(c);
    }

    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
            new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194),
            new Color(127, 127, 127), new Color(188, 189, 34), new Color(23, 190, 207)};

    private static double first(String cell) {
        if (cell.isEmpty()) return Double.NaN;
        return Double.parseDouble(cell.split(" ")[0]);
    }

    @SafeVarargs
    private static double minOf(List<Double>... lists) {
        double m = 1;
        for (List<Double> l : lists) for (double v : l) if (!Double.isNaN(v)) m = Math.min(m, v);
        return Math.max(0, m);
    }
}
