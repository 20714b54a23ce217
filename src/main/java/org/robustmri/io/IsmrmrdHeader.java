package org.robustmri.io;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The fields of an ISMRMRD XML header that fastMRI and the paper's catalogs use.
 * Unknown or absent numeric fields are {@code NaN} (field strength) or -1 (integers); absent text is "unknown".
 *
 * @param encodedX readout size of the encoded space (k-space H)
 * @param encodedY phase-encode size of the encoded space (k-space W)
 * @param peCenter {@code kspace_encoding_step_1/center}
 * @param peMaximum {@code kspace_encoding_step_1/maximum}
 * @param fovX      {@code reconSpace/fieldOfView_mm/x} (readout), NaN when absent
 * @param fovY      {@code reconSpace/fieldOfView_mm/y} (phase encode)
 * @param fovZ      {@code reconSpace/fieldOfView_mm/z} (slice thickness for 2-D)
 */
public record IsmrmrdHeader(
        String vendor,
        String model,
        double fieldStrengthT,
        int receiverChannels,
        String institution,
        String protocol,
        int encodedX, int encodedY, int encodedZ,
        int reconX, int reconY, int reconZ,
        int peCenter, int peMaximum,
        double fovX, double fovY, double fovZ) {

    /** A header without a field of view. */
    public IsmrmrdHeader(String vendor, String model, double fieldStrengthT, int receiverChannels, String institution, String protocol,
                         int encodedX, int encodedY, int encodedZ, int reconX, int reconY, int reconZ, int peCenter, int peMaximum) {
        this(vendor, model, fieldStrengthT, receiverChannels, institution, protocol, encodedX, encodedY, encodedZ, reconX, reconY, reconZ,
                peCenter, peMaximum, Double.NaN, Double.NaN, Double.NaN);
    }

    public boolean hasFieldOfView() {
        return !Double.isNaN(fovX) && !Double.isNaN(fovY) && !Double.isNaN(fovZ);
    }

    public static final String NAMESPACE = "http://www.ismrm.org/ISMRMRD";
    public static final String UNKNOWN = "unknown";

    /** fastMRI's padding of the phase-encode axis: {@code W // 2 - center}. */
    public int paddingLeft() {
        return Math.floorDiv(encodedY, 2) - peCenter;
    }

    /** fastMRI's right padding bound (exclusive end of sampled columns): {@code left + maximum + 1}. */
    public int paddingRight() {
        return paddingLeft() + peMaximum + 1;
    }

    public boolean hasEncodingLimits() {
        return peCenter >= 0 && peMaximum >= 0 && encodedY > 0;
    }

    /** Rethrows what the XML parser reports instead of printing it. */
    private static final org.xml.sax.ErrorHandler QUIET = new org.xml.sax.ErrorHandler() {
        @Override
        public void warning(org.xml.sax.SAXParseException e) {
        }

        @Override
        public void error(org.xml.sax.SAXParseException e) throws org.xml.sax.SAXException {
            throw e;
        }

        @Override
        public void fatalError(org.xml.sax.SAXParseException e) throws org.xml.sax.SAXException {
            throw e;
        }
    };

    /** One parser per thread: creating the factory costs more than parsing a header (catalogs parse thousands). */
    private static final ThreadLocal<javax.xml.parsers.DocumentBuilder> BUILDER = ThreadLocal.withInitial(() -> {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            javax.xml.parsers.DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(QUIET); // errors become exceptions, never lines on stderr
            return b;
        } catch (javax.xml.parsers.ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    });

    /** Parses XML with external entities and DOCTYPEs refused; a data error naming {@code what} otherwise. */
    public static Document parseXml(String xml, String what) {
        try {
            javax.xml.parsers.DocumentBuilder builder = BUILDER.get();
            builder.reset();
            builder.setErrorHandler(QUIET);
            return builder.parse(new ByteArrayInputStream(xml.trim().getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new DataException(what + " is not valid XML: " + e.getMessage(), e);
        }
    }

    public static IsmrmrdHeader parse(String xml) {
        Element root = parseXml(xml, "ismrmrd_header").getDocumentElement();
        if (!"ismrmrdHeader".equals(localName(root))) {
            throw new DataException("ismrmrd_header root element is <" + localName(root) + ">, expected <ismrmrdHeader>");
        }
        Element acq = child(root, "acquisitionSystemInformation");
        Element meas = child(root, "measurementInformation");
        Element enc = child(root, "encoding");
        Element encoded = child(enc, "encodedSpace");
        Element recon = child(enc, "reconSpace");
        Element pe = child(child(enc, "encodingLimits"), "kspace_encoding_step_1");
        return new IsmrmrdHeader(
                text(acq, "systemVendor"),
                text(acq, "systemModel"),
                number(text(acq, "systemFieldStrength_T")),
                integer(text(acq, "receiverChannels")),
                text(acq, "institutionName"),
                text(meas, "protocolName"),
                integer(text(child(encoded, "matrixSize"), "x")),
                integer(text(child(encoded, "matrixSize"), "y")),
                integer(text(child(encoded, "matrixSize"), "z")),
                integer(text(child(recon, "matrixSize"), "x")),
                integer(text(child(recon, "matrixSize"), "y")),
                integer(text(child(recon, "matrixSize"), "z")),
                integer(text(pe, "center")),
                integer(text(pe, "maximum")),
                number(text(child(recon, "fieldOfView_mm"), "x")),
                number(text(child(recon, "fieldOfView_mm"), "y")),
                number(text(child(recon, "fieldOfView_mm"), "z")));
    }

    /** Writes the header back as ISMRMRD XML with the same fields (used for written volumes). */
    public String toXml() {
        String fs = Double.isNaN(fieldStrengthT) ? UNKNOWN : formatNumber(fieldStrengthT);
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                + "<ismrmrdHeader xmlns=\"" + NAMESPACE + "\">\n"
                + "  <measurementInformation><protocolName>" + esc(protocol) + "</protocolName></measurementInformation>\n"
                + "  <acquisitionSystemInformation>\n"
                + "    <systemVendor>" + esc(vendor) + "</systemVendor><systemModel>" + esc(model) + "</systemModel>\n"
                + "    <systemFieldStrength_T>" + fs + "</systemFieldStrength_T><receiverChannels>"
                + receiverChannels + "</receiverChannels>\n"
                + "    <institutionName>" + esc(institution) + "</institutionName>\n"
                + "  </acquisitionSystemInformation>\n"
                + "  <encoding>\n"
                + "    <encodedSpace><matrixSize><x>" + encodedX + "</x><y>" + encodedY + "</y><z>" + encodedZ
                + "</z></matrixSize>" + fov(encodedX / (double) reconX, encodedY / (double) reconY, 1) + "</encodedSpace>\n"
                + "    <reconSpace><matrixSize><x>" + reconX + "</x><y>" + reconY + "</y><z>" + reconZ
                + "</z></matrixSize>" + fov(1, 1, 1) + "</reconSpace>\n"
                + "    <trajectory>cartesian</trajectory>\n"
                + "    <encodingLimits>\n"
                + "      <kspace_encoding_step_1><minimum>0</minimum><maximum>" + peMaximum + "</maximum><center>"
                + peCenter + "</center></kspace_encoding_step_1>\n"
                + "    </encodingLimits>\n"
                + "  </encoding>\n"
                + "</ismrmrdHeader>\n";
    }

    /** The recon field of view scaled per axis (the encoded space covers the oversampled readout), or nothing. */
    private String fov(double sx, double sy, double sz) {
        if (!hasFieldOfView()) return "";
        return "<fieldOfView_mm><x>" + formatNumber(fovX * sx) + "</x><y>" + formatNumber(fovY * sy) + "</y><z>" + formatNumber(fovZ * sz)
                + "</z></fieldOfView_mm>";
    }

    private static String formatNumber(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.1f", v) : Double.toString(v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String localName(Node n) {
        return n.getLocalName() != null ? n.getLocalName() : n.getNodeName();
    }

    private static Element child(Element parent, String name) {
        if (parent == null) return null;
        NodeList kids = parent.getChildNodes();
        for (int i = 0; i < kids.getLength(); i++) {
            Node k = kids.item(i);
            if (k instanceof Element e && name.equals(localName(e))) return e;
        }
        return null;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        if (e == null) return UNKNOWN;
        String t = e.getTextContent().trim();
        return t.isEmpty() ? UNKNOWN : t;
    }

    private static double number(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static int integer(String s) {
        double d = number(s);
        return Double.isNaN(d) ? -1 : (int) d;
    }
}
