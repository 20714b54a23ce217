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

import org.robustmri.model.ModelRegistry;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    /** Grouped bars for one architecture: per test set where one of P, Q is the specialist, the models trained on P, Q and P+Q. */
    public static byte[] pVsQ(Comparisons cmp, String model, String name) {
        Analyses.Checkpoint rule = cmp.analyses().headlineRule();
        List<String> groups = new ArrayList<>();
        List<Double> p = new ArrayList<>(), q = new ArrayList<>(), m = new ArrayList<>();
        String mixtures = "";
        for (Comparisons.PVsQ r : cmp.pVsQ()) {
            if (r.rule() != rule || !r.model().equals(model)) continue;
            String g = r.testSet() + (cmp.pVsQ().stream().filter(x -> x.rule() == rule && x.model().equals(model)).map(Comparisons.PVsQ::mixture).distinct().count() > 1
                    ? " / " + r.mixture() : "");
            groups.add(g);
            if (!mixtures.contains(r.mixture())) mixtures += (mixtures.isEmpty() ? "" : ", ") + r.mixture();
            p.add(ReportTables.parity(r.p().mean()));
            q.add(ReportTables.parity(r.q().mean()));
            m.add(ReportTables.parity(r.pq().mean()));
        }
        if (groups.isEmpty()) return null;
        CategoryChart c = new CategoryChartBuilder().width(W).height(H).title(name + ": P vs Q vs P+Q (" + mixtures + ")")
                .xAxisTitle("test set").yAxisTitle("SSIM (" + rule.key() + ")").build();
        c.addSeries("trained on P", groups, p);
        c.addSeries("trained on Q", groups, q);
        c.addSeries("trained on P+Q", groups, m);
        c.getStyler().setYAxisMin(minOf(p, q, m) - 0.02);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        return png(c);
    }

    /** Bars: mixture minus best single per test set, one series per (model, mixture), headline rule. */
    public static byte[] diversity(Comparisons cmp) {
        Analyses a = cmp.analyses();
        Analyses.Checkpoint rule = a.headlineRule();
        CategoryChart c = new CategoryChartBuilder().width(W).height(H).title("Mixture minus best single-distribution model (" + rule.key() + ")")
                .xAxisTitle("test set").yAxisTitle("SSIM difference").build();
        // every series must cover the same categories: one value per test set, 0 where a mixture has none
        List<String> tests = a.testSets();
        Map<String, double[]> byMix = new TreeMap<>();
        for (Comparisons.Diversity r : cmp.diversity()) {
            double d = ReportTables.parity(r.difference().mean());
            if (r.rule() != rule || Double.isNaN(d)) continue;
            double[] v = byMix.computeIfAbsent(r.model() + " " + r.mixture(), k -> new double[tests.size()]);
            v[tests.indexOf(r.testSet())] = d;
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

    /** One architecture's models: in- (x) vs out-of-distribution (y) SSIM, singles and mixtures, and the line through the singles. */
    public static byte[] robustness(Comparisons cmp, String model, String name, int colour) {
        Analyses a = cmp.analyses();
        Analyses.Checkpoint rule = a.headlineRule();
        XYChart c = new XYChartBuilder().width(440).height(440).title(ModelRegistry.shorten(name))
                .xAxisTitle("in-distribution SSIM").yAxisTitle("out-of-distribution SSIM").build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setMarkerSize(11);
        Color color = PALETTE[colour % PALETTE.length];
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        List<Double> sx = new ArrayList<>(), sy = new ArrayList<>(), mx = new ArrayList<>(), my = new ArrayList<>();
        for (Comparisons.Robustness r : cmp.robustness()) {
            double id = ReportTables.parity(r.id()), ood = ReportTables.parity(r.ood());
            if (!r.model().equals(model) || r.rule() != rule || Double.isNaN(id) || Double.isNaN(ood)) continue;
            (r.single() ? sx : mx).add(id);
            (r.single() ? sy : my).add(ood);
            lo = Math.min(lo, id);
            hi = Math.max(hi, id);
        }
        if (sx.isEmpty() && mx.isEmpty()) return null;
        addPoints(c, "trained on one distribution", sx, sy, SeriesMarkers.CIRCLE, color);
        addPoints(c, "trained on a mixture", mx, my, SeriesMarkers.DIAMOND, color.darker());
        Analyses.Fit f = a.robustnessFit(model, rule);
        if (!Double.isNaN(f.slope()) && f.points() >= 3 && hi > lo) { // two points fit any line exactly
            XYSeries line = c.addSeries("line through the single-distribution models", new double[]{lo, hi}, new double[]{f.at(lo), f.at(hi)});
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(color);
        }
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        return png(c);
    }

    /** An embedding's spec shortened for an axis: "CLIP ViT-B/16", "random-conv", "conv-features". */
    static String embeddingName(String spec) {
        if (spec == null) return "embedding not recorded";
        if (spec.startsWith("clip(")) {
            int from = spec.indexOf(" from ");
            return "CLIP " + spec.substring("clip(".length(), from < 0 ? spec.length() : from);
        }
        int paren = spec.indexOf('(');
        return paren < 0 ? spec : spec.substring(0, paren);
    }

    /**
     * Train-test similarity (x) against out-of-distribution SSIM (y), each centred on its test set's mean so that the
     * within-test-set relation (what the correlation table measures) shows for all test sets in one plot: colour per
     * architecture, circles for models trained on one distribution, diamonds for mixtures.
     */
    public static byte[] similarity(List<Similarities.Point> points, String embedding) {
        if (points.isEmpty()) return null;
        XYChart c = new XYChartBuilder().width(W).height(H).title("Train-test similarity vs out-of-distribution SSIM (centred per test set)")
                .xAxisTitle("similarity to the training set, centred (" + embeddingName(embedding) + ")")
                .yAxisTitle("SSIM minus the test set's mean").build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setMarkerSize(9);
        java.util.Map<List<String>, double[]> mean = new java.util.HashMap<>(); // (model, test) -> {sum x, sum y, n}
        for (Similarities.Point p : points) {
            double[] m = mean.computeIfAbsent(List.of(p.model(), p.testSet()), k -> new double[3]);
            m[0] += p.shownSimilarity();
            m[1] += p.shownSsim();
            m[2]++;
        }
        List<String> models = new ArrayList<>();
        java.util.Map<List<String>, List<double[]>> series = new java.util.LinkedHashMap<>();
        for (Similarities.Point p : points) {
            double[] m = mean.get(List.of(p.model(), p.testSet()));
            series.computeIfAbsent(List.of(p.model(), p.single() ? "single" : "mixture"), k -> new ArrayList<>())
                    .add(new double[]{p.shownSimilarity() - m[0] / m[2], p.shownSsim() - m[1] / m[2]});
            if (!models.contains(p.model())) models.add(p.model());
        }
        for (var e : series.entrySet()) {
            boolean single = e.getKey().get(1).equals("single");
            addPoints(c, e.getKey().get(0) + (single ? " single distributions" : " mixtures"), e.getValue().stream().map(p -> p[0]).toList(),
                    e.getValue().stream().map(p -> p[1]).toList(), single ? SeriesMarkers.CIRCLE : SeriesMarkers.DIAMOND,
                    PALETTE[models.indexOf(e.getKey().get(0)) % PALETTE.length]);
        }
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        return png(c);
    }

    private static void addPoints(XYChart c, String name, List<Double> x, List<Double> y, org.knowm.xchart.style.markers.Marker marker, Color color) {
        if (x.isEmpty()) return;
        XYSeries s = c.addSeries(name, x.stream().mapToDouble(Double::doubleValue).toArray(), y.stream().mapToDouble(Double::doubleValue).toArray());
        s.setMarker(marker);
        s.setMarkerColor(color);
    }

    /** ID (solid) and OOD (dashed) SSIM over epochs, one pair of lines per run. */
    /**
     * One architecture's runs over epochs: in-distribution SSIM solid, out-of-distribution dashed, one colour per training
     * set (its seeds share it); the legend names the training sets.
     */
    public static byte[] overfitting(Analyses a, String model, String name) {
        XYChart c = new XYChartBuilder().width(560).height(H).title(ModelRegistry.shorten(name) + ": ID (solid), OOD (dashed)")
                .xAxisTitle("epoch").yAxisTitle("SSIM").build();
        c.getStyler().setMarkerSize(4);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        Map<String, Color> colours = new LinkedHashMap<>();
        boolean any = false;
        for (Map.Entry<String, TreeMap<Integer, double[]>> e : a.curves(model).entrySet()) {
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
            String set = a.run(e.getKey()).trainSet();
            boolean first = !colours.containsKey(set);
            Color color = colours.computeIfAbsent(set, k -> PALETTE[colours.size() % PALETTE.length]);
            if (!Double.isNaN(id[0])) {
                XYSeries a1 = c.addSeries(e.getKey() + " ID", x, id);
                a1.setLineColor(color);
                a1.setMarkerColor(color);
                a1.setShowInLegend(false);
                a1.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.SOLID);
                a1.setMarker(SeriesMarkers.CIRCLE);
                any = true;
            }
            if (!Double.isNaN(ood[0])) {
                XYSeries a2 = c.addSeries(e.getKey() + " OOD", x, ood);
                a2.setLineColor(color);
                a2.setMarkerColor(color);
                a2.setLineStyle(new java.awt.BasicStroke(2f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f, new float[]{6f, 4f}, 0f));
                a2.setShowInLegend(false);
                a2.setMarker(SeriesMarkers.CIRCLE);
                any = true;
            }
            if (first) { // one legend entry per training set
                XYSeries l = c.addSeries(set, new double[]{x[0]}, new double[]{Double.isNaN(ood[0]) ? id[0] : ood[0]});
                l.setLineColor(color);
                l.setMarkerColor(color);
                l.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.SOLID);
                l.setMarker(SeriesMarkers.CIRCLE);
            }
        }
        return any ? png(c) : null;
    }

    /** Heat map of the train x test SSIM matrix (rows: model / training set), headline rule. */
    public static byte[] matrix(Analyses a, Map<String, String> names) {
        Analyses.Checkpoint rule = a.headlineRule();
        List<String> test = a.testSets();
        List<String> rows = new ArrayList<>();
        List<Analyses.Arm> arms = new ArrayList<>();
        for (String m : a.models()) {
            for (Analyses.Arm arm : a.arms(m)) {
                rows.add(a.models().size() > 1 ? ModelRegistry.shorten(names.getOrDefault(m, m)) + " / " + arm.trainSet() : arm.trainSet());
                arms.add(arm);
            }
        }
        if (rows.isEmpty() || test.isEmpty()) return null;
        HeatMapChart c = new HeatMapChartBuilder().width(Math.max(W, 440 + 80 * test.size())).height(Math.max(H, 40 * rows.size() + 160)).title("Train x test SSIM (" + rule.key() + ")")
                .xAxisTitle("test set").yAxisTitle("training set").build();
        List<Number[]> cells = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            for (int j = 0; j < arms.size(); j++) {
                double v = a.cell(arms.get(j), test.get(i), rule).mean();
                cells.add(new Number[]{i, j, Double.isNaN(v) ? 0 : Math.round(v * 1000) / 1000.0});
            }
        }
        c.addSeries("ssim", test, rows, cells);
        c.getStyler().setShowValue(true);
        c.getStyler().setRangeColors(new Color[]{new Color(247, 251, 255), new Color(107, 174, 214), new Color(8, 48, 107)});
        c.getStyler().setXAxisLabelRotation(20);
        return png(c);
    }

    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
            new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194),
            new Color(127, 127, 127), new Color(188, 189, 34), new Color(23, 190, 207)};

    @SafeVarargs
    private static double minOf(List<Double>... lists) {
        double m = 1;
        for (List<Double> l : lists) for (double v : l) if (!Double.isNaN(v)) m = Math.min(m, v);
        return Math.max(0, m);
    }
}
